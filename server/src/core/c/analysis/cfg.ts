/**
 * @file A control-flow graph per function: if/else, switch (with fallthrough), loops, goto and labels,
 * break, continue, return. A path that leaves the visible code (the end of a truncated body, a goto to a
 * label the hunk does not show) ends in the `unknown` exit, which no rule reports on.
 */
import { exprText, subExprs, type Expr, type FunctionAst, type Stmt } from '../syntax/ast';
import { UNKNOWN_CONDITION } from '../syntax/functions';
import type { Span } from '../syntax/image';

export type Edge = { to: number; when?: boolean };

export interface CfgNode {
  id: number;
  kind: 'entry' | 'stmt' | 'branch' | 'exit' | 'unknown-exit' | 'nop';
  /** For `stmt`: the statement (expression, declaration, return, goto, unknown). */
  stmt?: Stmt;
  /** For `branch`: the condition; edges say which way (`when`). Absent: either way, unknown why. */
  cond?: Expr;
  /** The conditions this node sits under, innermost last: `c`, `!(c)`, `case X`. */
  guards: string[];
  span: Span | null;
  succ: Edge[];
}

export interface Cfg {
  fn: FunctionAst;
  nodes: CfgNode[];
  entry: number;
  exit: number;
  unknownExit: number;
}

interface Ctx {
  breakTo: number | null;
  continueTo: number | null;
  guards: string[];
}

const isConstant = (e: Expr): bigint | null => (e.kind === 'num' ? e.value : null);

export function buildCfg(fn: FunctionAst): Cfg {
  const nodes: CfgNode[] = [];
  const labels = new Map<string, number>();
  const gotos: { node: CfgNode; label: string }[] = [];
  const add = (kind: CfgNode['kind'], guards: string[], span: Span | null, extra: Partial<CfgNode> = {}): CfgNode => {
    const n: CfgNode = { id: nodes.length, kind, guards, span, succ: [], ...extra };
    nodes.push(n);
    return n;
  };
  const exit = add('exit', [], null);
  const unknownExit = add('unknown-exit', [], null);

  const seq = (stmts: Stmt[], next: number, ctx: Ctx): number => {
    let at = next;
    for (let i = stmts.length - 1; i >= 0; i--) at = stmtNode(stmts[i], at, ctx);
    return at;
  };

  const branch = (c: Expr, t: number, f: number, ctx: Ctx, span: Span): number => {
    const k = isConstant(c);
    if (k !== null) return k !== 0n ? t : f;
    if (c.kind === 'id' && c.name === UNKNOWN_CONDITION) return add('branch', ctx.guards, span, { succ: [{ to: t }, { to: f }] }).id;
    return add('branch', ctx.guards, span, {
      cond: c,
      succ: [
        { to: t, when: true },
        { to: f, when: false },
      ],
    }).id;
  };

  const under = (ctx: Ctx, guard: string | null): Ctx => (guard === null ? ctx : { ...ctx, guards: [...ctx.guards, guard] });
  const guardOf = (c: Expr, positive: boolean): string | null => {
    if (c.kind === 'id' && c.name === UNKNOWN_CONDITION) return null;
    return positive ? exprText(c) : `!(${exprText(c)})`;
  };

  function stmtNode(s: Stmt, next: number, ctx: Ctx): number {
    // Code too deep to be read could do anything (release a lock, jump away): no path is followed past it.
    if (holdsTooDeep(s)) return add('stmt', ctx.guards, s.span, { stmt: s, succ: [{ to: unknownExit.id }] }).id;
    switch (s.kind) {
      case 'expr':
      case 'decl':
      case 'unknown':
        return add('stmt', ctx.guards, s.span, { stmt: s, succ: [{ to: next }] }).id;
      case 'block':
        return seq(s.body, next, ctx);
      case 'if': {
        const t = stmtNode(s.then, next, under(ctx, guardOf(s.condition, true)));
        const f = s.otherwise ? stmtNode(s.otherwise, next, under(ctx, guardOf(s.condition, false))) : next;
        return branch(s.condition, t, f, ctx, s.span);
      }
      case 'while':
      case 'for':
      case 'foreach': {
        const head = add('branch', ctx.guards, s.span);
        const cond = s.kind === 'while' ? s.condition : s.kind === 'for' ? s.condition : null;
        const step =
          s.kind === 'for' && s.step
            ? add('stmt', ctx.guards, s.step.span, { stmt: { kind: 'expr', expression: s.step, span: s.step.span }, succ: [{ to: head.id }] }).id
            : head.id;
        const body = stmtNode(s.body, step, { ...ctx, breakTo: next, continueTo: step });
        const k = cond ? isConstant(cond) : null;
        if (k !== null) head.succ = k !== 0n ? [{ to: body }] : [{ to: next }];
        else if (cond) {
          head.cond = cond;
          head.succ = [
            { to: body, when: true },
            { to: next, when: false },
          ];
        } else head.succ = [{ to: body }, { to: next }];
        const start = s.kind === 'for' && s.init ? stmtNode(s.init, head.id, ctx) : head.id;
        return start;
      }
      case 'dowhile': {
        const test = add('branch', ctx.guards, s.span);
        const body = stmtNode(s.body, test.id, { ...ctx, breakTo: next, continueTo: test.id });
        const k = isConstant(s.condition);
        if (k !== null) test.succ = k !== 0n ? [{ to: body }] : [{ to: next }];
        else {
          test.cond = s.condition;
          test.succ = [
            { to: body, when: true },
            { to: next, when: false },
          ];
        }
        return body;
      }
      case 'switch': {
        const dispatch = add('branch', ctx.guards, s.span);
        const inner: Ctx = { ...ctx, breakTo: next };
        // Build the body back to front; each case label is a no-op node the dispatch can jump to.
        const caseNodes: number[] = [];
        let hasDefault = false;
        let at = next;
        const guardsAt: string[][] = [];
        // Guards per statement: the nearest case label above it.
        let current: string[] = ctx.guards;
        for (const st of s.body) {
          if (st.kind === 'case') current = [...ctx.guards, st.lo ? `case ${exprText(st.lo)}${st.hi ? ` ... ${exprText(st.hi)}` : ''}` : 'default'];
          guardsAt.push(current);
        }
        for (let i = s.body.length - 1; i >= 0; i--) {
          const st = s.body[i];
          const guard = guardsAt[i];
          if (st.kind === 'case') {
            const n = add('nop', guard, st.span, { succ: [{ to: at }] });
            caseNodes.unshift(n.id);
            if (!st.lo) hasDefault = true;
            at = n.id;
          } else at = stmtNode(st, at, { ...inner, guards: guard });
        }
        dispatch.succ = [...caseNodes.map((to) => ({ to })), ...(hasDefault ? [] : [{ to: next }])];
        return dispatch.id;
      }
      case 'case':
        return next;
      case 'return':
        return add('stmt', ctx.guards, s.span, { stmt: s, succ: [{ to: exit.id }] }).id;
      case 'break':
        return ctx.breakTo ?? unknownExit.id;
      case 'continue':
        return ctx.continueTo ?? unknownExit.id;
      case 'goto': {
        const n = add('stmt', ctx.guards, s.span, { stmt: s });
        gotos.push({ node: n, label: s.label });
        return n.id;
      }
      case 'label': {
        const n = add('nop', ctx.guards, s.span, { succ: [{ to: next }] });
        labels.set(s.name, n.id);
        return n.id;
      }
      case 'pp': {
        const heads = s.branches.map((b) => seq(b, next, ctx));
        return add('branch', ctx.guards, s.span, { succ: heads.map((to) => ({ to })) }).id;
      }
    }
  }

  const end = fn.endVisible ? add('stmt', [], null, { stmt: { kind: 'return', value: null, span: fn.span }, succ: [{ to: exit.id }] }).id : unknownExit.id;
  const first = seq(fn.body, end, { breakTo: null, continueTo: null, guards: [] });
  const entry = add('entry', [], fn.span, { succ: [{ to: first }] });
  for (const g of gotos) g.node.succ = [{ to: labels.get(g.label) ?? unknownExit.id }];
  return { fn, nodes, entry: entry.id, exit: exit.id, unknownExit: unknownExit.id };
}

/** A statement whose own expressions (not those of the statements it contains) hold code too deep to read. */
function holdsTooDeep(s: Stmt): boolean {
  const deep = (e: Expr | null): boolean => !!e && ((e.kind === 'unknown' && e.tooDeep === true) || subExprs(e).some(deep));
  switch (s.kind) {
    case 'unknown':
      return s.tooDeep === true;
    case 'expr':
      return deep(s.expression);
    case 'decl':
      return s.vars.some((v) => deep(v.init));
    case 'if':
    case 'while':
    case 'dowhile':
    case 'switch':
      return deep(s.condition);
    case 'for':
      return deep(s.condition) || deep(s.step);
    case 'foreach':
      return s.args.some(deep);
    case 'return':
      return deep(s.value);
    default:
      return false;
  }
}
