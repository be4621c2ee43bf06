/**
 * @file A plain JavaScript AST for the C subset kernel functions are written in, converted once from a
 * tree-sitter subtree. The path analysis and the evaluator walk it without crossing into WASM again.
 * What the subset does not cover (or the parser could not read) becomes an `unknown` node with its text,
 * never a guess.
 */
import type { Node } from 'web-tree-sitter';
import type { Span } from './image';
import { normaliseC } from '../analysis/facts';

export type Expr =
  | { kind: 'num'; value: bigint; text: string; span: Span }
  | { kind: 'str'; value: string; span: Span }
  | { kind: 'id'; name: string; span: Span }
  | { kind: 'bin'; op: string; left: Expr; right: Expr; span: Span }
  | { kind: 'un'; op: string; operand: Expr; span: Span }
  | { kind: 'upd'; op: '++' | '--'; prefix: boolean; operand: Expr; span: Span }
  | { kind: 'assign'; op: string; left: Expr; right: Expr; span: Span }
  | { kind: 'call'; fn: string | null; callee: Expr; args: Expr[]; span: Span }
  | { kind: 'field'; object: Expr; name: string; arrow: boolean; span: Span }
  | { kind: 'index'; array: Expr; index: Expr; span: Span }
  | { kind: 'cond'; condition: Expr; whenTrue: Expr; whenFalse: Expr; span: Span }
  | { kind: 'cast'; type: string; operand: Expr; span: Span }
  | { kind: 'sizeof'; text: string; span: Span }
  | { kind: 'comma'; left: Expr; right: Expr; span: Span }
  /** `tooDeep`: not read because it is nested deeper than MAX_AST_DEPTH. */
  | { kind: 'unknown'; text: string; span: Span; tooDeep?: true };

export type Stmt =
  | { kind: 'expr'; expression: Expr; span: Span }
  /** `type`: the declared type's text when the variable is a plain scalar (no pointer or array declarator). */
  | { kind: 'decl'; vars: { name: string; type: string | null; init: Expr | null; span: Span }[]; span: Span }
  | { kind: 'block'; body: Stmt[]; span: Span }
  | { kind: 'if'; condition: Expr; then: Stmt; otherwise: Stmt | null; span: Span }
  | { kind: 'switch'; condition: Expr; body: Stmt[]; span: Span }
  /** A case label inside a switch body; the statements after it, up to a break, run for it. */
  | { kind: 'case'; lo: Expr | null; hi: Expr | null; span: Span }
  | { kind: 'while'; condition: Expr; body: Stmt; span: Span }
  | { kind: 'dowhile'; condition: Expr; body: Stmt; span: Span }
  | { kind: 'for'; init: Stmt | null; condition: Expr | null; step: Expr | null; body: Stmt; span: Span }
  /** `list_for_each_entry(pos, head, member) { ... }`: an iterator macro with a body. */
  | { kind: 'foreach'; macro: string; args: Expr[]; body: Stmt; span: Span }
  | { kind: 'return'; value: Expr | null; span: Span }
  | { kind: 'break'; span: Span }
  | { kind: 'continue'; span: Span }
  | { kind: 'goto'; label: string; span: Span }
  | { kind: 'label'; name: string; span: Span }
  /** `#ifdef` inside a function: either branch (or none) may be compiled. */
  | { kind: 'pp'; branches: Stmt[][]; span: Span }
  | { kind: 'unknown'; text: string; span: Span; tooDeep?: true };

export interface FunctionAst {
  name: string;
  params: string[];
  /** Each parameter's type text when it is a plain scalar (what C integer semantics need), else null. */
  paramTypes: (string | null)[];
  /** The return type's text when the function returns a plain scalar, else null. */
  returnType: string | null;
  /** Code in the body nested too deeply to be read (absent when none): said in a note, never guessed at. */
  tooDeep?: Span[];
  /** Returns a pointer: `return NULL` is then a failure. */
  returnsPointer: boolean;
  /** Locals declared with `__free(...)` or `__cleanup(...)`: what they hold is released when they go out of scope. */
  scopeFreed?: string[];
  body: Stmt[];
  /** The definition's start is visible (not a hunk that begins inside the body). */
  entryVisible: boolean;
  /** The body's closing brace is visible (not a hunk that ends inside the body). */
  endVisible: boolean;
  span: Span;
}

const BINARY_OPS = new Set(['+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^', '&&', '||', '==', '!=', '<', '<=', '>', '>=']);

function parseInt64(text: string): bigint | null {
  // tree-sitter reads `-1` as one literal.
  const negative = text.startsWith('-');
  const t = text.replace(/^[-+]/, '').replace(/[uUlL]+$/, '');
  const v = unsignedValue(t);
  return v === null ? null : negative ? -v : v;
}

function unsignedValue(t: string): bigint | null {
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(t) || /^0[bB][01]+$/.test(t) || /^[0-9]+$/.test(t)) {
      if (/^0[0-7]+$/.test(t)) return BigInt('0o' + t.slice(1));
      return BigInt(t);
    }
  } catch {
    return null;
  }
  return null;
}

function charValue(text: string): bigint | null {
  const m = /^'(\\?.)'$/.exec(text);
  if (!m) return null;
  const c = m[1];
  const esc: Record<string, number> = { '\\n': 10, '\\t': 9, '\\0': 0, '\\r': 13, "\\'": 39, '\\\\': 92 };
  return BigInt(c.length === 2 ? (esc[c] ?? c.charCodeAt(1)) : c.charCodeAt(0));
}

/**
 * Expressions and statements nested deeper than this are not read (an `unknown` node, marked `tooDeep`):
 * every walk of the AST then stays within a bounded depth, and no input overflows the stack. Kernel code
 * rarely nests past 20.
 */
export const MAX_AST_DEPTH = 200;

/**
 * Reads tree-sitter nodes into the plain AST. `rowShift`: rows a wrapper put in front of the image, taken off
 * every span; the nesting depth is counted per reader (see MAX_AST_DEPTH).
 */
class AstReader {
  private depth = 0;

  constructor(private readonly rowShift: number) {}

  private span(n: Node): Span {
    const start = n.startPosition;
    const end = n.endPosition;
    return { startRow: start.row - this.rowShift, startCol: start.column, endRow: end.row - this.rowShift, endCol: end.column };
  }

  /** Runs `build` one level deeper; past the limit, the node is read as unknown. */
  private deeper<T>(n: Node, unknown: (span: Span) => T, build: () => T): T {
    if (this.depth >= MAX_AST_DEPTH) return unknown(this.span(n));
    this.depth++;
    try {
      return build();
    } finally {
      this.depth--;
    }
  }

  expr(n: Node | null): Expr {
    if (!n) return { kind: 'unknown', text: '', span: { startRow: 0, startCol: 0, endRow: 0, endCol: 0 } };
    return this.deeper(
      n,
      (span) => ({ kind: 'unknown', text: n.text, span, tooDeep: true }),
      () => this.exprAt(n),
    );
  }

  private exprAt(n: Node): Expr {
    const span = this.span(n);
    const child = (f: string): Node | null => n.childForFieldName(f);
    switch (n.type) {
      case 'number_literal': {
        const v = parseInt64(n.text);
        return v === null ? { kind: 'unknown', text: n.text, span } : { kind: 'num', value: v, text: n.text, span };
      }
      case 'char_literal': {
        const v = charValue(n.text);
        return v === null ? { kind: 'unknown', text: n.text, span } : { kind: 'num', value: v, text: n.text, span };
      }
      case 'true':
        return { kind: 'num', value: 1n, text: 'true', span };
      case 'false':
        return { kind: 'num', value: 0n, text: 'false', span };
      case 'null':
        return { kind: 'num', value: 0n, text: 'NULL', span };
      case 'string_literal':
      case 'concatenated_string':
        return { kind: 'str', value: n.text, span };
      case 'identifier':
      case 'field_identifier':
        return n.text === 'NULL' ? { kind: 'num', value: 0n, text: 'NULL', span } : { kind: 'id', name: n.text, span };
      case 'parenthesized_expression':
        return n.namedChildCount === 1 ? this.expr(n.namedChild(0)) : { kind: 'unknown', text: n.text, span };
      case 'binary_expression': {
        const op = child('operator')?.text ?? '';
        return BINARY_OPS.has(op)
          ? { kind: 'bin', op, left: this.expr(child('left')), right: this.expr(child('right')), span }
          : { kind: 'unknown', text: n.text, span };
      }
      case 'unary_expression':
      case 'pointer_expression': {
        const op = child('operator')?.text ?? n.child(0)?.text ?? '';
        return { kind: 'un', op, operand: this.expr(child('argument')), span };
      }
      case 'update_expression': {
        const op = child('operator')?.text as '++' | '--';
        const arg = child('argument');
        const prefix = !!arg && n.startIndex < arg.startIndex;
        return { kind: 'upd', op, prefix, operand: this.expr(arg), span };
      }
      case 'assignment_expression':
        return { kind: 'assign', op: child('operator')?.text ?? '=', left: this.expr(child('left')), right: this.expr(child('right')), span };
      case 'call_expression': {
        const callee = child('function');
        const args = child('arguments');
        const list: Expr[] = [];
        for (const a of args?.namedChildren ?? []) if (a && a.type !== 'comment') list.push(this.expr(a));
        return { kind: 'call', fn: callee?.type === 'identifier' ? callee.text : null, callee: this.expr(callee), args: list, span };
      }
      case 'field_expression': {
        // argument, operator, field
        return { kind: 'field', object: this.expr(child('argument')), name: child('field')?.text ?? '', arrow: n.child(1)?.type === '->', span };
      }
      case 'subscript_expression':
        return { kind: 'index', array: this.expr(child('argument')), index: this.expr(child('index')), span };
      case 'conditional_expression':
        return {
          kind: 'cond',
          condition: this.expr(child('condition')),
          whenTrue: this.expr(child('consequence')),
          whenFalse: this.expr(child('alternative')),
          span,
        };
      case 'cast_expression':
        return { kind: 'cast', type: normaliseC(child('type')?.text ?? ''), operand: this.expr(child('value')), span };
      case 'sizeof_expression':
      case 'alignof_expression':
        return { kind: 'sizeof', text: n.text, span };
      case 'comma_expression':
        return { kind: 'comma', left: this.expr(child('left')), right: this.expr(child('right')), span };
      default:
        return { kind: 'unknown', text: n.text, span };
    }
  }

  /** A statement; an iterator macro followed by its body is folded into one `foreach`. */
  stmts(nodes: (Node | null)[]): Stmt[] {
    const out: Stmt[] = [];
    const list = nodes.filter((n): n is Node => !!n && n.type !== 'comment');
    for (let i = 0; i < list.length; i++) {
      const n = list[i];
      const next = list[i + 1];
      const type = n.type;
      const call = type === 'expression_statement' && next ? n.namedChild(0) : null;
      // `list_for_each_entry(pos, head, member) {`: a call whose `;` is missing, then its body.
      if (call?.type === 'call_expression' && n.lastChild?.isMissing && /for_each|_foreach/.test(call.childForFieldName('function')?.text ?? '')) {
        const c = this.expr(call) as Extract<Expr, { kind: 'call' }>;
        out.push({
          kind: 'foreach',
          macro: c.fn ?? '',
          args: c.args,
          body: this.stmt(next),
          span: { ...this.span(n), endRow: this.span(next).endRow, endCol: this.span(next).endCol },
        });
        i++;
        continue;
      }
      out.push(...this.stmtList(n));
    }
    return out;
  }

  /** One node as statements: a labeled statement is a label marker followed by the statement. */
  private stmtList(n: Node): Stmt[] {
    if (n.type === 'labeled_statement') {
      const label = n.childForFieldName('label')?.text ?? '';
      const inner = n.namedChildren.filter((c) => c && c.type !== 'statement_identifier' && c.type !== 'comment');
      return [{ kind: 'label', name: label, span: this.span(n) }, ...this.stmts(inner)];
    }
    if (n.type === 'case_statement') {
      const isDefault = n.child(0)?.type === 'default';
      const colon = n.children.find((c) => c?.type === ':');
      const labelEnd = colon?.startIndex ?? n.startIndex;
      // `case 0 ... 4:` parses as a value and an ERROR holding `... 4` (or `8 ...` then a value): the
      // label is every expression before the colon, read in order, ERRORs flattened.
      const bounds: Node[] = [];
      for (const c of n.namedChildren) {
        if (!c || c.startIndex >= labelEnd || c.type === 'comment') continue;
        if (c.type === 'ERROR') bounds.push(...c.namedChildren.filter((x): x is Node => !!x && x.type !== 'comment'));
        else bounds.push(c);
      }
      const lo = isDefault || bounds.length === 0 ? null : this.expr(bounds[0]);
      const hi = !isDefault && bounds.length > 1 ? this.expr(bounds[bounds.length - 1]) : null;
      const body = n.namedChildren.filter((c): c is Node => !!c && c.startIndex >= labelEnd && c.type !== 'comment');
      return [{ kind: 'case', lo, hi, span: this.span(n) }, ...this.stmts(body)];
    }
    return [this.stmt(n)];
  }

  stmt(n: Node): Stmt {
    return this.deeper(
      n,
      (span) => ({ kind: 'unknown', text: n.text, span, tooDeep: true }),
      () => this.stmtAt(n),
    );
  }

  private stmtAt(n: Node): Stmt {
    const span = this.span(n);
    const child = (f: string): Node | null => n.childForFieldName(f);
    switch (n.type) {
      case 'expression_statement': {
        const e = n.namedChild(0);
        if (!e) return { kind: 'block', body: [], span };
        return n.hasError ? { kind: 'unknown', text: n.text, span } : { kind: 'expr', expression: this.expr(e), span };
      }
      case 'declaration': {
        const vars: { name: string; type: string | null; init: Expr | null; span: Span }[] = [];
        const type = child('type')?.text ?? null;
        for (const d of n.childrenForFieldName('declarator')) {
          if (!d) continue;
          if (d.type === 'init_declarator') {
            const inner = d.childForFieldName('declarator');
            vars.push({ name: declName(inner), type: scalarType(type, inner), init: this.expr(d.childForFieldName('value')), span: this.span(d) });
          } else vars.push({ name: declName(d), type: scalarType(type, d), init: null, span: this.span(d) });
        }
        return { kind: 'decl', vars, span };
      }
      case 'compound_statement':
        return { kind: 'block', body: this.stmts(n.namedChildren), span };
      case 'if_statement': {
        const alt = child('alternative');
        const altStmt = alt ? (alt.type === 'else_clause' ? alt.namedChildren.find((c) => c && c.type !== 'comment') : alt) : null;
        return {
          kind: 'if',
          condition: this.expr(child('condition')),
          then: this.stmt(child('consequence')!),
          otherwise: altStmt ? this.stmt(altStmt) : null,
          span,
        };
      }
      case 'switch_statement':
        return { kind: 'switch', condition: this.expr(child('condition')), body: this.stmts(child('body')?.namedChildren ?? []), span };
      case 'while_statement':
        return { kind: 'while', condition: this.expr(child('condition')), body: this.stmt(child('body')!), span };
      case 'do_statement':
        return { kind: 'dowhile', condition: this.expr(child('condition')), body: this.stmt(child('body')!), span };
      case 'for_statement': {
        const init = child('initializer');
        return {
          kind: 'for',
          init: init ? (init.type === 'declaration' ? this.stmt(init) : { kind: 'expr', expression: this.expr(init), span: this.span(init) }) : null,
          condition: child('condition') ? this.expr(child('condition')) : null,
          step: child('update') ? this.expr(child('update')) : null,
          body: this.stmt(child('body')!),
          span,
        };
      }
      case 'return_statement': {
        const e = n.namedChildren.find((c) => c && c.type !== 'comment');
        return { kind: 'return', value: e ? this.expr(e) : null, span };
      }
      case 'break_statement':
        return { kind: 'break', span };
      case 'continue_statement':
        return { kind: 'continue', span };
      case 'goto_statement':
        return { kind: 'goto', label: child('label')?.text ?? '', span };
      case 'labeled_statement':
      case 'case_statement':
        return { kind: 'block', body: this.stmtList(n), span };
      case 'preproc_ifdef':
      case 'preproc_if': {
        const branches: Stmt[][] = [];
        // Node objects are made afresh on each access: the condition is told apart by its id.
        const skip = (owner: Node, c: Node | null): boolean =>
          !c ||
          ['preproc_else', 'preproc_elif', 'preproc_elifdef', 'comment'].includes(c.type) ||
          c.id === owner.childForFieldName('condition')?.id ||
          c.id === owner.childForFieldName('name')?.id ||
          c.id === owner.childForFieldName('alternative')?.id;
        branches.push(this.stmts(n.namedChildren.filter((c) => !skip(n, c))));
        let alt = child('alternative');
        while (alt) {
          const arm = alt;
          branches.push(this.stmts(arm.namedChildren.filter((c) => !skip(arm, c))));
          alt = arm.childForFieldName('alternative');
        }
        if (branches.length === 1) branches.push([]);
        return { kind: 'pp', branches, span };
      }
      default:
        return { kind: 'unknown', text: n.text, span };
    }
  }
}

/** An expression node as AST; `rowShift` rows are taken off its spans. */
export function toExpr(n: Node | null, rowShift = 0): Expr {
  return new AstReader(rowShift).expr(n);
}

/** Statement nodes as AST (an iterator macro followed by its body folded into one `foreach`). */
export function toStmts(nodes: (Node | null)[], rowShift = 0): Stmt[] {
  return new AstReader(rowShift).stmts(nodes);
}

/** A declaration's type text when its declarator names a plain variable (not a pointer, array or function). */
export function scalarType(type: string | null, declarator: Node | null): string | null {
  return type !== null && declarator?.type === 'identifier' ? normaliseC(type) : null;
}

function declName(d: Node | null): string {
  let n = d;
  while (n && n.type !== 'identifier') n = n.childForFieldName('declarator');
  return n?.text ?? '';
}

/** The identifier a function definition node declares. */
export function definitionName(def: Node): string {
  let n: Node | null = def.childForFieldName('declarator');
  while (n && n.type !== 'function_declarator') n = n.childForFieldName('declarator');
  return declName(n?.childForFieldName('declarator') ?? null);
}

/** C binding strength of binary operators: higher binds tighter. */
const PRECEDENCE: Record<string, number> = {
  '*': 10,
  '/': 10,
  '%': 10,
  '+': 9,
  '-': 9,
  '<<': 8,
  '>>': 8,
  '<': 7,
  '<=': 7,
  '>': 7,
  '>=': 7,
  '==': 6,
  '!=': 6,
  '&': 5,
  '^': 4,
  '|': 3,
  '&&': 2,
  '||': 1,
};
/** Postfix and primary expressions: never need parentheses as an operand. */
const TIGHT = new Set(['num', 'str', 'id', 'call', 'field', 'index', 'sizeof', 'unknown', 'upd']);

/** How tightly an expression binds, to decide where its text needs parentheses. */
function strength(e: Expr): number {
  if (TIGHT.has(e.kind)) return 100;
  if (e.kind === 'un' || e.kind === 'cast') return 50;
  if (e.kind === 'bin') return PRECEDENCE[e.op] ?? 0;
  return 0; // assignment, conditional, comma
}

const wrap = (e: Expr, min: number): string => (strength(e) < min ? `(${exprText(e)})` : exprText(e));

/**
 * Text of an expression, normalised (single spaces, the parentheses C needs and no others): how
 * resources are named, conditions compared, and code quoted in messages.
 */
export function exprText(e: Expr): string {
  switch (e.kind) {
    case 'num':
      return e.text;
    case 'str':
      return e.value;
    case 'id':
      return e.name;
    case 'bin': {
      const p = PRECEDENCE[e.op] ?? 0;
      // Left-associative: an equal-strength right operand keeps its parentheses.
      return `${wrap(e.left, p)} ${e.op} ${wrap(e.right, p + 1)}`;
    }
    case 'un':
      return `${e.op}${wrap(e.operand, 50)}`;
    case 'upd':
      return e.prefix ? `${e.op}${wrap(e.operand, 100)}` : `${wrap(e.operand, 100)}${e.op}`;
    case 'assign':
      return `${wrap(e.left, 50)} ${e.op} ${exprText(e.right)}`;
    case 'call':
      return `${e.fn ?? wrap(e.callee, 100)}(${e.args.map(exprText).join(', ')})`;
    case 'field':
      return `${wrap(e.object, 100)}${e.arrow ? '->' : '.'}${e.name}`;
    case 'index':
      return `${wrap(e.array, 100)}[${exprText(e.index)}]`;
    case 'cond':
      return `${wrap(e.condition, 1)} ? ${exprText(e.whenTrue)} : ${wrap(e.whenFalse, 0)}`;
    case 'cast':
      return `(${e.type})${wrap(e.operand, 50)}`;
    case 'sizeof':
      return normaliseC(e.text);
    case 'comma':
      return `${exprText(e.left)}, ${exprText(e.right)}`;
    case 'unknown':
      return normaliseC(e.text);
  }
}

/** The expressions directly inside an expression. */
export function subExprs(e: Expr): Expr[] {
  switch (e.kind) {
    case 'bin':
    case 'assign':
    case 'comma':
      return [e.left, e.right];
    case 'un':
    case 'upd':
    case 'cast':
      return [e.operand];
    case 'field':
      return [e.object];
    case 'call':
      return [e.callee, ...e.args];
    case 'index':
      return [e.array, e.index];
    case 'cond':
      return [e.condition, e.whenTrue, e.whenFalse];
    default:
      return [];
  }
}

/** Calls `visit` on every expression in the statements, outermost first (and `visitStmt` on every statement). */
export function forEachExpr(stmts: Stmt[], visit: (e: Expr) => void, visitStmt?: (s: Stmt) => void): void {
  const expr = (e: Expr): void => {
    visit(e);
    for (const c of subExprs(e)) expr(c);
  };
  const stmt = (s: Stmt | null): void => {
    if (!s) return;
    visitStmt?.(s);
    switch (s.kind) {
      case 'expr':
        return expr(s.expression);
      case 'decl':
        for (const v of s.vars) if (v.init) expr(v.init);
        return;
      case 'block':
        return s.body.forEach(stmt);
      case 'if':
        expr(s.condition);
        stmt(s.then);
        return stmt(s.otherwise);
      case 'switch':
        expr(s.condition);
        return s.body.forEach(stmt);
      case 'while':
      case 'dowhile':
        expr(s.condition);
        return stmt(s.body);
      case 'for':
        stmt(s.init);
        if (s.condition) expr(s.condition);
        if (s.step) expr(s.step);
        return stmt(s.body);
      case 'foreach':
        s.args.forEach(expr);
        return stmt(s.body);
      case 'return':
        if (s.value) expr(s.value);
        return;
      case 'pp':
        return s.branches.forEach((b) => b.forEach(stmt));
      default:
        return;
    }
  };
  stmts.forEach(stmt);
}

/** Where the statements hold code nested too deeply to be read (MAX_AST_DEPTH): what the analysis skipped. */
export function tooDeepSpans(stmts: Stmt[]): Span[] {
  const out: Span[] = [];
  forEachExpr(
    stmts,
    (e) => void (e.kind === 'unknown' && e.tooDeep && out.push(e.span)),
    (s) => void (s.kind === 'unknown' && s.tooDeep && out.push(s.span)),
  );
  return out;
}
