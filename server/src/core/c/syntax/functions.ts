/**
 * @file The functions an image shows, as ASTs: whole or tail-truncated definitions, and, when a hunk
 * starts inside a function body, that function's visible part. Blocks the hunk closes but did not open
 * (a `}` with no `{`) were opened before the hunk under conditions we cannot see: they are rebuilt as
 * blocks under an unknown condition, so their statements may or may not run, never always.
 */
import type { Node, Tree } from 'web-tree-sitter';
import { definitionName, scalarType, tooDeepSpans, toStmts, type FunctionAst } from './ast';
import { spanOf } from '../analysis/facts';
import type { Span } from './image';
import { isCodeLine, MAX_C_LINE, maskKernelAnnotations } from './mask';
import type { CParser } from './parser';

/** The unknown condition of a block opened before the hunk. */
export const UNKNOWN_CONDITION = '__mmr_unknown_condition';
const PARTIAL_NAME = '__mmr_visible_part';

/** Running brace depth over code (comments, strings and character literals skipped). */
function braceProfile(text: string): { min: number; minAt: number; end: number } {
  let depth = 0;
  let min = 0;
  let minAt = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j;
    } else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth < min) {
        min = depth;
        minAt = i;
      }
    }
  }
  return { min, minAt, end: depth };
}

const TOP_LEVEL = new Set([
  'function_definition',
  'declaration',
  'type_definition',
  'struct_specifier',
  'enum_specifier',
  'union_specifier',
  'linkage_specification',
]);
const isStatementType = (t: string): boolean => t.endsWith('_statement') || t === 'labeled_statement' || t === 'compound_statement';

function shift(span: Span, rows: number): Span {
  return { startRow: span.startRow - rows, startCol: span.startCol, endRow: span.endRow - rows, endCol: span.endCol };
}

/** Which definitions to convert, given a definition's text (the rest are skipped: converting is most of the cost of reading); null: all. */
type Want = ((definitionText: string) => boolean) | null;
/** The definitions `want` skipped, by their stubs: their text, kept so a later reader can tell whether it wants them. */
const skipped = new WeakMap<FunctionAst, string>();
/** Each converted definition's text, for the same reason. */
const converted = new WeakMap<FunctionAst, string>();

const CONDITIONAL = new Set(['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef']);

/**
 * The function definitions among top-level nodes, those inside `#if`/`#ifdef` blocks too (every arm: a
 * function under a condition is a function, and in kernel code most are under one).
 */
function definitionsIn(nodes: readonly (Node | null)[]): Node[] {
  const out: Node[] = [];
  for (const n of nodes) {
    if (!n) continue;
    if (n.type === 'function_definition') out.push(n);
    else if (CONDITIONAL.has(n.type)) out.push(...definitionsIn(n.namedChildren));
  }
  return out;
}

/** `visibleEnd`: where the image's own text ends; a closing brace after it was appended to close a cut body. */
function definitionAst(def: Node, want: Want, entryVisible: boolean, rowShift: number, visibleEnd = Infinity): FunctionAst {
  const text = def.text;
  if (want && !want(text)) {
    const stub: FunctionAst = {
      name: definitionName(def),
      params: [],
      paramTypes: [],
      returnType: null,
      returnsPointer: false,
      body: [],
      entryVisible,
      endVisible: false,
      span: shift(spanOf(def), rowShift),
    };
    skipped.set(stub, text);
    return stub;
  }
  const body = def.childForFieldName('body');
  const last = body?.lastChild;
  const declarator = def.childForFieldName('declarator');
  const params: string[] = [];
  const paramTypes: (string | null)[] = [];
  let fd: Node | null = declarator;
  let returnsPointer = false;
  while (fd && fd.type !== 'function_declarator') {
    if (fd.type === 'pointer_declarator') returnsPointer = true;
    fd = fd.childForFieldName('declarator');
  }
  for (const p of fd?.childForFieldName('parameters')?.namedChildren ?? []) {
    const declared = p?.childForFieldName('declarator') ?? null;
    let d = declared;
    while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
    if (d) {
      params.push(d.text);
      paramTypes.push(scalarType(p?.childForFieldName('type')?.text ?? null, declared));
    }
  }
  const stmts = toStmts(body?.namedChildren ?? [], rowShift);
  const deep = tooDeepSpans(stmts);
  const fn: FunctionAst = {
    name: definitionName(def),
    params,
    paramTypes,
    returnType: fd === declarator ? scalarType(def.childForFieldName('type')?.text ?? null, fd?.childForFieldName('declarator') ?? null) : null,
    returnsPointer,
    body: stmts,
    entryVisible,
    endVisible: !!last && last.type === '}' && !last.isMissing && last.startIndex < visibleEnd,
    span: shift(spanOf(def), rowShift),
    ...(deep.length ? { tooDeep: deep } : {}),
  };
  converted.set(fn, text);
  return fn;
}

/** A definition an image shows: its text (as the parser read it), and its AST when it was converted. */
export interface ImageDefinition {
  text: string;
  fn: FunctionAst | null;
}

/**
 * Function ASTs of an image. `sectionFunction` is the function git named in the hunk header: the one a
 * hunk that starts inside a body belongs to.
 *
 * Most images are read with one parse: where the hunk starts (inside a body or at top level) and whether
 * the function it starts in closes are guessed from the text (kernel layout: bodies are indented, what
 * follows a function at top level is a declaration), and the parse is accepted only if it agrees — no
 * error where a wrong guess would put one. Otherwise the image is read as `functionsOfImageByParsing`
 * does, parsing first to find out. `want`, given a definition's text, picks the definitions to return.
 */
export function functionsOfImage(parser: CParser, text: string, sectionFunction: string | null, want?: (definitionText: string) => boolean): FunctionAst[] {
  return definitionsOfImage(parser, text, sectionFunction, want ?? null).flatMap((d) => (d.fn ? [d.fn] : []));
}

/**
 * Every definition an image shows, in order, those `want` accepts (all when null) converted: so a reader
 * that later wants other definitions of the same image can tell, from their texts, whether it must read
 * the image again (see ParsedSeries.functionsIn).
 */
export function definitionsOfImage(parser: CParser, text: string, sectionFunction: string | null, want: Want): ImageDefinition[] {
  const read = readFunctions(parser, text, sectionFunction, want);
  const fns = withScopeFreed(
    unreadOverlong(
      read.filter((fn) => !skipped.has(fn)),
      text,
    ),
    text,
  );
  let next = 0;
  return read.map((fn) => {
    const stubText = skipped.get(fn);
    return stubText === undefined ? { text: converted.get(fn) ?? '', fn: fns[next++] } : { text: stubText, fn: null };
  });
}

/**
 * The locals each function declares with `__free(...)` or `__cleanup(...)`, read from the text before the
 * annotations are masked for the parser (which does not know them).
 */
function withScopeFreed(fns: FunctionAst[], text: string): FunctionAst[] {
  if (!/__(?:free|cleanup)\s*\(/.test(text)) return fns;
  const lines = text.split('\n');
  return fns.map((fn) => {
    const body = lines.slice(Math.max(fn.span.startRow, 0), fn.span.endRow + 1).join('\n');
    const names = [...body.matchAll(/\b([A-Za-z_]\w*)\s+__(?:free|cleanup)\s*\(/g)].map((m) => m[1]);
    return names.length ? { ...fn, scopeFreed: [...new Set(names)] } : fn;
  });
}

/**
 * A function with a line too long to be read as C (blanked before parsing, see mask.ts) is not read at
 * all: its body becomes one unreadable statement, so no path through it is judged and no model runs it.
 */
function unreadOverlong(fns: FunctionAst[], text: string): FunctionAst[] {
  if (text.length <= MAX_C_LINE) return fns;
  const lines = text.split('\n');
  return fns.map((fn) => {
    for (let row = Math.max(fn.span.startRow, 0); row <= fn.span.endRow && row < lines.length; row++) {
      if (lines[row].length <= MAX_C_LINE) continue;
      const span = { startRow: row, startCol: 0, endRow: row, endCol: 0 };
      return { ...fn, body: [{ kind: 'unknown', text: '', span, tooDeep: true }], tooDeep: undefined };
    }
    return fn;
  });
}

function readFunctions(parser: CParser, text: string, sectionFunction: string | null, want: Want): FunctionAst[] {
  const plan = planReading(text);
  if (plan) {
    const tree = parser.parse(plan.source);
    try {
      const out = readPlanned(tree, plan, sectionFunction, want);
      if (out) return out;
    } finally {
      tree.delete();
    }
  }
  return functionsOfImageByParsing(parser, text, sectionFunction, want);
}

interface Layout {
  /** The hunk starts with a body's opening brace at column 0: the header is in the section line. */
  bodyStart?: boolean;
  startsInside: boolean;
  /** The function the hunk starts inside closes in the hunk. */
  closes: boolean;
}

/** The first line of code, comments, blank lines and preprocessor lines skipped. */
function firstCodeLine(masked: string): string | null {
  for (const line of masked.split('\n')) {
    const t = line.trim();
    if (t && !t.startsWith('#')) return line;
  }
  return null;
}

/**
 * A hunk that starts in a function's header, past its name (the tail of a parameter list, `{` on the
 * next line at column 0): the tail is blanked, so the image reads as a body start. Null otherwise.
 */
function blankHeaderTail(masked: string): string | null {
  const lines = masked.split('\n');
  const brace = lines.findIndex((l) => /^\{\s*$/.test(l));
  if (brace < 1) return null;
  const tail = lines.slice(0, brace).filter((l) => l.trim());
  if (!tail.length || tail.some((l) => !/^[ \t]/.test(l) || /[;{}]/.test(l)) || !/\)\s*$/.test(tail[tail.length - 1])) return null;
  return [...lines.slice(0, brace).map((l) => l.replace(/[^\s]/g, ' ')), ...lines.slice(brace)].join('\n');
}

/** What follows a function at top level: a declaration, a definition, preprocessor, an export. */
const TOP_LEVEL_START =
  /^(?:#|EXPORT_SYMBOL|MODULE_|module_init\b|module_exit\b|\w*initcall\b|static\b|extern\b|inline\b|const\b|struct\b|union\b|enum\b|typedef\b|void\b|unsigned\b|signed\b|int\b|long\b|short\b|char\b|bool\b|[us](?:8|16|32|64)\b|size_t\b|[A-Za-z_]\w*(?=\s)[\s*]*[A-Za-z_]\w*\s*\()/;

function guessLayout(masked: string, { min, minAt }: { min: number; minAt: number }): Layout | null {
  const first = firstCodeLine(masked);
  if (first === null) return null;
  if ((first === '{' || blankHeaderTail(masked) !== null) && min >= 0) return { bodyStart: true, startsInside: true, closes: false };
  // A body line is indented (but for a label); damaged mail that lost indentation is left to the parse.
  const startsInside = min < 0 || /^[ \t]+\S/.test(first) || /^[A-Za-z_]\w*:(?!:)/.test(first);
  if (!startsInside) return { startsInside, closes: false };
  if (min >= 0) return { startsInside, closes: false };
  const next = masked.slice(minAt + 1).replace(/^(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*)*/, '');
  if (/^(?:else\b|while\s*\()/.test(next)) return { startsInside, closes: false };
  return { startsInside, closes: next === '' || TOP_LEVEL_START.test(next) };
}

/** What one parse of an image reads: the text laid out as guessed, and where the image's own text ends in it. */
interface Plan {
  layout: Layout;
  source: string;
  /** Rows the wrapper put in front of the image. */
  rowShift: number;
  visibleEnd: number;
}

function planReading(text: string): Plan | null {
  const masked0 = maskKernelAnnotations(text);
  const profile = braceProfile(masked0);
  const layout = guessLayout(masked0, profile);
  if (!layout) return null;
  const { min, end } = profile;
  const closers = (n: number): string => (n > 0 ? '\n' + '}'.repeat(n) : '');
  if (layout.bodyStart) {
    const masked = blankHeaderTail(masked0) ?? masked0;
    const header = `void ${PARTIAL_NAME}(void)\n`;
    return { layout, source: header + masked + closers(end), rowShift: 1, visibleEnd: header.length + masked.length };
  }
  if (!layout.startsInside) return { layout, source: masked0 + closers(end), rowShift: 0, visibleEnd: masked0.length };
  const unknownBlocks = layout.closes ? -min - 1 : -min;
  // Statements more indented than what follows them, with no brace: the body of an `if` or loop whose head
  // is above the hunk. Read as run under an unknown condition, not as always run (a `return` there would
  // make the rest of the hunk dead code).
  const headless = headlessLeadingLines(masked0);
  const masked = headless === null ? masked0 : appendToLine(masked0, headless, ' }');
  const prefix = `void ${PARTIAL_NAME}(void) {${` if (${UNKNOWN_CONDITION}) {`.repeat(unknownBlocks)}${headless === null ? '' : ` if (${UNKNOWN_CONDITION}) {`}\n`;
  return { layout, source: prefix + masked + closers(1 + unknownBlocks + end), rowShift: 1, visibleEnd: prefix.length + masked.length };
}

const indentOf = (line: string): number => {
  const lead = /^[ \t]*/.exec(line)![0];
  return lead.split('').reduce((n, c) => (c === '\t' ? Math.floor(n / 8) * 8 + 8 : n + 1), 0);
};

/**
 * The last of the leading lines that sit deeper than the first code line after them, when they are whole
 * statements without braces, labels or directives; null when the hunk does not start so.
 */
export function headlessLeadingLines(text: string): number | null {
  const lines = text.split('\n');
  const first = lines.findIndex(isCodeLine);
  if (first < 0) return null;
  const depth = indentOf(lines[first]);
  let last = first;
  for (let i = first + 1; i < lines.length; i++) {
    // Labels and directives sit at column 0 whatever the depth of the code around them.
    if (!isCodeLine(lines[i]) || /^\s*(?:[A-Za-z_]\w*:(?!:)|#|case\b|default\s*:)/.test(lines[i])) continue;
    if (indentOf(lines[i]) < depth) {
      if (/^\s*}/.test(lines[i])) return null;
      const block = lines.slice(first, last + 1);
      if (block.some((l) => /[{}]|^\s*#|^\s*[A-Za-z_]\w*:(?!:)/.test(l))) return null;
      // Whole statements: a line continuing an expression begun above the hunk closes more than it opens.
      const joined = block.join('\n');
      if ((joined.match(/\(/g) ?? []).length !== (joined.match(/\)/g) ?? []).length) return null;
      return /;\s*(?:\/\*.*\*\/\s*)?$/.test(lines[last]) ? last : null;
    }
    last = i;
  }
  return null;
}

function appendToLine(text: string, line: number, suffix: string): string {
  const lines = text.split('\n');
  lines[line] += suffix;
  return lines.join('\n');
}

/** The functions of a planned parse; null when the tree says the guess was wrong. */
function readPlanned(tree: Tree, plan: Plan, sectionFunction: string | null, want: Want): FunctionAst[] | null {
  const { layout, rowShift, visibleEnd } = plan;
  const top = tree.rootNode.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
  if (layout.bodyStart) {
    return definitionsIn(top).map((d, i) => {
      const ast = definitionAst(d, want, true, rowShift, visibleEnd);
      if (i === 0) ast.name = sectionFunction ?? '(unnamed)';
      return ast;
    });
  }
  if (!layout.startsInside) {
    const first = top.find((c) => c.type !== 'ERROR' || c.namedChildCount > 0);
    // Statements at top level: the hunk is inside a body after all (it starts with a statement, or with
    // declarations that statements follow). A macro invoked at top level after a definition
    // (`DEVICE_ATTR_WO(x);`) reads as a statement too, and says nothing of where the hunk starts.
    if (first && (isStatementType(first.type) || first.type === 'ERROR')) return null;
    if (first?.type === 'declaration' && top.some((c) => isStatementType(c.type))) return null;
    return definitionsIn(top).map((d) => definitionAst(d, want, true, 0, visibleEnd));
  }
  // A wrong guess leaves code outside the wrapper it belongs in, or definitions inside it.
  if (top[0]?.type !== 'function_definition' || definitionName(top[0]) !== PARTIAL_NAME || top[0].startIndex !== 0) return null;
  if (top.some((c) => c.type === 'ERROR' || (c !== top[0] && !TOP_LEVEL.has(c.type) && !c.type.startsWith('preproc') && c.type !== 'expression_statement')))
    return null;
  if (!layout.closes && top.length > 1) return null;
  const body = top[0].childForFieldName('body');
  if (body?.namedChildren.some((c) => c?.type === 'function_definition' || c?.type === 'ERROR')) return null;
  return definitionsIn(top).map((d, i) => {
    const ast = definitionAst(d, want, i > 0, rowShift, visibleEnd);
    if (i === 0) {
      ast.name = sectionFunction ?? '(unnamed)';
      ast.entryVisible = false;
      ast.endVisible = layout.closes;
    }
    return ast;
  });
}

/**
 * A hunk that starts with a body's opening brace: the function's header is the hunk's section line, so
 * the body is read whole from its start (parameters unknown), under that name.
 */
function readBodyStart(parser: CParser, masked: string, end: number, sectionFunction: string | null, want: Want): FunctionAst[] {
  const header = `void ${PARTIAL_NAME}(void)\n`;
  const source = header + masked + (end > 0 ? '\n' + '}'.repeat(end) : '');
  const tree = parser.parse(source);
  try {
    return definitionsIn(tree.rootNode.namedChildren).map((d, i) => {
      const ast = definitionAst(d, want, true, 1, header.length + masked.length);
      if (i === 0) ast.name = sectionFunction ?? '(unnamed)';
      return ast;
    });
  } finally {
    tree.delete();
  }
}

/** The reference reading: parse the image as it is to find where it starts and whether its function closes, then parse again laid out. */
export function functionsOfImageByParsing(parser: CParser, text: string, sectionFunction: string | null, want: Want = null): FunctionAst[] {
  const masked = maskKernelAnnotations(text);
  const { min, minAt, end } = braceProfile(masked);
  const headerless = blankHeaderTail(masked);
  if ((firstCodeLine(masked) === '{' || headerless !== null) && min >= 0) return readBodyStart(parser, headerless ?? masked, end, sectionFunction, want);
  const tree = parser.parse(masked);
  let top: Node[];
  try {
    top = tree.rootNode.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    const first = top.find((c) => c.type !== 'ERROR' || c.namedChildCount > 0);
    // A body's local declarations parse as top-level ones: their indentation tells them apart.
    const indented = /^[ \t]+\S/.test(firstCodeLine(masked) ?? '');
    // A definition the hunk cuts off can read as an error until it is closed: an unindented start is
    // still top level.
    const cutDefinition = !!first && first.type === 'ERROR' && min >= 0 && end > 0 && !indented;
    // Declarations followed by statements at top level: a body whose indentation the mail lost.
    const statementsFollow = !!first && first.type === 'declaration' && top.some((c) => isStatementType(c.type));
    const startsInside =
      min < 0 ||
      (!!first && isStatementType(first.type)) ||
      (!!first && first.type === 'ERROR' && !cutDefinition) ||
      (!!first && first.type === 'declaration' && (indented || statementsFollow));
    if (!startsInside) {
      // A hunk that ends inside a body: close it after the visible end, so the parser need not guess.
      const truncated = end > 0;
      if (!truncated) return definitionsIn(top).map((d) => definitionAst(d, want, true, 0));
      const source = masked + '\n' + '}'.repeat(end);
      const closed = parser.parse(source);
      try {
        const defs = definitionsIn(closed.rootNode.namedChildren);
        return defs.map((d) => definitionAst(d, want, true, 0, masked.length));
      } finally {
        closed.delete();
      }
    }
    // Does the function close in this image? Only if what follows its lowest `}` is top-level material.
    const after = min < 0 ? top.filter((c) => c.startIndex > minAt) : [];
    const next = min < 0 ? masked.slice(minAt + 1).replace(/^(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*)*/, '') : '';
    const closes =
      min < 0 &&
      !/^(?:else\b|while\s*\()/.test(next) &&
      (after.length === 0 ||
        TOP_LEVEL.has(after[0].type) ||
        after[0].type.startsWith('preproc') ||
        /^(?:EXPORT_SYMBOL|MODULE_|module_init|module_exit|\w*initcall)\b/.test(next) ||
        // A definition the hunk cuts off reads as an error until closed.
        (after[0].type === 'ERROR' && TOP_LEVEL_START.test(next)));
    const unknownBlocks = closes ? -min - 1 : -min;
    const headless = headlessLeadingLines(masked);
    const prefix = `void ${PARTIAL_NAME}(void) {${` if (${UNKNOWN_CONDITION}) {`.repeat(unknownBlocks)}${headless === null ? '' : ` if (${UNKNOWN_CONDITION}) {`}\n`;
    const open = 1 + unknownBlocks + end;
    const body = headless === null ? masked : appendToLine(masked, headless, ' }');
    const source = prefix + body + (open > 0 ? '\n' + '}'.repeat(open) : '');
    const wrapped = parser.parse(source);
    try {
      const out: FunctionAst[] = [];
      const defs = definitionsIn(wrapped.rootNode.namedChildren);
      defs.forEach((d) => {
        const partial = definitionName(d) === PARTIAL_NAME && d.startIndex === 0;
        const ast = definitionAst(d, want, !partial, 1, prefix.length + body.length);
        if (partial) {
          ast.name = sectionFunction ?? '(unnamed)';
          ast.entryVisible = false;
          ast.endVisible = closes;
        }
        out.push(ast);
      });
      return out;
    } finally {
      wrapped.delete();
    }
  } finally {
    tree.delete();
  }
}
