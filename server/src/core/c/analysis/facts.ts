/**
 * @file What the rules need from a parsed image, as plain data: function declarations and definitions
 * with their parameters, calls with their arguments, macro names. Extracted with one query, so the
 * walk happens inside WASM; the facts are cached by image text and outlive the tree.
 */
import { Query, type Language, type Node, type Tree } from 'web-tree-sitter';
import type { Span } from '../syntax/image';

export interface ParamFact {
  /** Normalised type without the name: `struct dev_pagemap *`. */
  type: string;
  name: string | null;
  /** Normalised full text: `struct dev_pagemap *pgmap`. */
  text: string;
  span: Span;
}

export interface FunctionFact {
  name: string;
  kind: 'definition' | 'declaration';
  isStatic: boolean;
  /** null when the parameter list could not be read reliably (macros, errors). */
  params: ParamFact[] | null;
  variadic: boolean;
  nameSpan: Span;
  /** From `(` to `)`. */
  paramsSpan: Span;
  bodySpan: Span | null;
  /** The whole body is visible and parsed without errors. */
  complete: boolean;
  /** The declarator sits inside or next to a parse error. */
  hasError: boolean;
}

export interface ArgFact {
  text: string;
  span: Span;
}

export interface CallFact {
  callee: string;
  args: ArgFact[];
  span: Span;
  argsSpan: Span;
  /** The argument list parsed without errors or missing tokens. */
  reliable: boolean;
  /** Innermost function definition in the image that contains the call. */
  enclosing: string | null;
  /** Conditions of the `if`, `?:` and `case` that the call sits under, innermost first. */
  guards: string[];
}

export interface MacroFact {
  name: string;
  functionLike: boolean;
  span: Span;
}

export interface ImageFacts {
  functions: FunctionFact[];
  calls: CallFact[];
  macros: MacroFact[];
  hasError: boolean;
}

const QUERY_SOURCE = `
(function_declarator declarator: (identifier) @fn.name parameters: (parameter_list) @fn.params) @fn
(call_expression function: (identifier) @call.callee arguments: (argument_list) @call.args)
(preproc_function_def name: (identifier) @macro.fn)
(preproc_def name: (identifier) @macro.obj)
(if_statement condition: (_) @if.cond) @if
(conditional_expression condition: (_) @if.cond) @if
(case_statement value: (_) @case.value) @case
`;

/** Pattern indices in QUERY_SOURCE, in order. */
const PATTERN = { fn: 0, call: 1, macroFn: 2, macroObj: 3, ifCond: 4, ternary: 5, caseValue: 6 } as const;

const queries = new WeakMap<Language, Query>();

function queryFor(language: Language): Query {
  let q = queries.get(language);
  if (!q) {
    q = new Query(language, QUERY_SOURCE);
    queries.set(language, q);
  }
  return q;
}

export function spanOf(node: Node): Span {
  return { startRow: node.startPosition.row, startCol: node.startPosition.column, endRow: node.endPosition.row, endCol: node.endPosition.column };
}

const DECLARATOR_WRAPPERS = new Set(['pointer_declarator', 'parenthesized_declarator', 'attributed_declarator']);

export function extractFacts(tree: Tree, language: Language): ImageFacts {
  const facts: ImageFacts = { functions: [], calls: [], macros: [], hasError: tree.rootNode.hasError };
  const conditions: { span: Span; cond: Span; text: string }[] = [];
  for (const match of queryFor(language).matches(tree.rootNode)) {
    const cap = (name: string): Node => match.captures.find((c) => c.name === name)!.node;
    switch (match.patternIndex) {
      case PATTERN.fn: {
        const f = functionFact(cap('fn'), cap('fn.name'), cap('fn.params'));
        if (f) facts.functions.push(f);
        break;
      }
      case PATTERN.call:
        facts.calls.push(callFact(cap('call.callee'), cap('call.args')));
        break;
      case PATTERN.macroFn:
      case PATTERN.macroObj: {
        const node = cap(match.patternIndex === PATTERN.macroFn ? 'macro.fn' : 'macro.obj');
        facts.macros.push({ name: node.text, functionLike: match.patternIndex === PATTERN.macroFn, span: spanOf(node) });
        break;
      }
      default: {
        const isCase = match.patternIndex === PATTERN.caseValue;
        const whole = cap(isCase ? 'case' : 'if');
        const cond = cap(isCase ? 'case.value' : 'if.cond');
        const text = normaliseC(cond.text).replace(/^\((.*)\)$/, '$1');
        conditions.push({ span: spanOf(whole), cond: spanOf(cond), text: isCase ? `case ${text}` : text });
      }
    }
  }
  placeCalls(facts, conditions);
  return facts;
}

/** Position as one comparable number. */
const at = (row: number, col: number): number => row * 67108864 + col;
const contains = (outer: Span, inner: Span): boolean =>
  at(outer.startRow, outer.startCol) <= at(inner.startRow, inner.startCol) && at(inner.endRow, inner.endCol) <= at(outer.endRow, outer.endCol);

/** Each call's enclosing definition and the conditions it sits under, from spans (no tree walks). */
function placeCalls(facts: ImageFacts, conditions: { span: Span; cond: Span; text: string }[]): void {
  const bodies = facts.functions.filter((f) => f.kind === 'definition' && f.bodySpan);
  for (const call of facts.calls) {
    let home: FunctionFact | null = null;
    for (const d of bodies) if (contains(d.bodySpan!, call.span) && (!home || contains(home.bodySpan!, d.bodySpan!))) home = d;
    call.enclosing = home ? home.name : null;
    call.guards = conditions
      .filter((c) => contains(c.span, call.span) && !contains(c.cond, call.span) && (!home || contains(home.bodySpan!, c.span)))
      .sort((a, b) => at(b.span.startRow, b.span.startCol) - at(a.span.startRow, a.span.startCol))
      .map((c) => c.text);
  }
}

function functionFact(fn: Node, name: Node, params: Node): FunctionFact | null {
  let holder = fn.parent;
  while (holder && DECLARATOR_WRAPPERS.has(holder.type)) holder = holder.parent;
  if (!holder) return null;
  let kind: FunctionFact['kind'];
  if (holder.type === 'function_definition') kind = 'definition';
  else if (holder.type === 'declaration' || holder.type === 'ERROR' || holder.type === 'translation_unit') kind = 'declaration';
  else return null; // a function pointer member, parameter, typedef or initialiser
  const body = kind === 'definition' ? holder.childForFieldName('body') : null;
  const last = body?.lastChild;
  const isStatic = holder.children.some((c) => c?.type === 'storage_class_specifier' && c.text === 'static');
  const parsed = readParams(params);
  return {
    name: name.text,
    kind,
    isStatic,
    params: parsed.params,
    variadic: parsed.variadic,
    nameSpan: spanOf(name),
    paramsSpan: spanOf(params),
    bodySpan: body ? spanOf(body) : null,
    complete: !!body && !body.hasError && !!last && last.type === '}' && !last.isMissing,
    hasError: holder.type === 'ERROR' || holder.type === 'translation_unit' || params.hasError || fn.hasError,
  };
}

function readParams(list: Node): { params: ParamFact[] | null; variadic: boolean } {
  const params: ParamFact[] = [];
  let variadic = false;
  let reliable = !list.hasError;
  for (const child of list.namedChildren) {
    if (!child || child.type === 'comment') continue;
    if (child.type === 'variadic_parameter') {
      variadic = true;
      continue;
    }
    if (child.type !== 'parameter_declaration') {
      reliable = false;
      continue;
    }
    const id = declaredName(child.childForFieldName('declarator'));
    const text = normaliseC(child.text);
    const type = id ? normaliseC(removeRange(child, id)) : text;
    params.push({ type, name: id ? id.text : null, text, span: spanOf(child) });
  }
  if (params.length === 1 && params[0].name === null && params[0].type === 'void') params.length = 0;
  // `f(start, end)` read as a prototype: a macro invocation or a call the parser lost its context for.
  if (params.length > 0 && params.every((p) => p.name === null && /^[A-Za-z_]\w*$/.test(p.type) && !C_TYPE_WORDS.has(p.type))) reliable = false;
  return { params: reliable ? params : null, variadic };
}

const C_TYPE_WORDS = new Set(['int', 'char', 'long', 'short', 'unsigned', 'signed', 'float', 'double', 'bool', '_Bool']);

function declaredName(decl: Node | null): Node | null {
  let n: Node | null = decl;
  while (n) {
    if (n.type === 'identifier') return n;
    n = n.childForFieldName('declarator');
  }
  return null;
}

function removeRange(outer: Node, inner: Node): string {
  const text = outer.text;
  const from = inner.startIndex - outer.startIndex;
  const to = inner.endIndex - outer.startIndex;
  return text.slice(0, from) + text.slice(to);
}

/** One space between tokens, stars attached to what follows: `struct  foo*  p` → `struct foo *p`. */
export function normaliseC(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/(?<!\s)\s*(\*+)\s*/g, ' $1')
    .replace(/(?<!\s)\s*([(),[\]])\s*/g, '$1')
    .replace(/,/g, ', ')
    .trim();
}

function callFact(callee: Node, args: Node): CallFact {
  const argFacts: ArgFact[] = [];
  for (const a of args.namedChildren) {
    if (!a || a.type === 'comment') continue;
    argFacts.push({ text: normaliseC(a.text), span: spanOf(a) });
  }
  const argsSpan = spanOf(args);
  const last = args.lastChild;
  return {
    callee: callee.text,
    args: argFacts,
    span: { startRow: callee.startPosition.row, startCol: callee.startPosition.column, endRow: argsSpan.endRow, endCol: argsSpan.endCol },
    argsSpan,
    reliable: !args.hasError && last?.type === ')' && !last.isMissing,
    enclosing: null,
    guards: [],
  };
}
