/**
 * @file Path-sensitive balance of paired operations in one function. Every path from the entry is
 * followed (breadth first, so the first trace to a state is the shortest) with what it holds: counts per
 * resource, the success of an acquisition still pending on a check (`p = kmalloc(); if (!p) ...`), what
 * is known of variables (zero, negative, NULL, ERR_PTR), and the locks asserted held. At each exit the
 * holdings are judged by the kind of exit: an error return must give back everything taken; a successful
 * one must not keep a lock or leak a local allocation; an exit into code the hunk does not show is never
 * judged. Resources named with an array index are left to the unwind model.
 */
import { exprText, subExprs, type Expr, type FunctionAst, type Stmt } from '../syntax/ast';
import { buildCfg, type Cfg, type CfgNode } from './cfg';
import type { Span } from '../syntax/image';
import type { PairIndex, PairSpec, Success } from '../../kernel/pairs';
import { keepsWhateverItIsGiven, usesWithoutKeeping } from '../../kernel/uses';
import { GAP_CALL } from '../syntax/parsed';

type Fact = 'zero' | 'nonzero' | 'negative' | 'null' | 'nonnull' | 'err' | 'noterr';

interface Holding {
  /** Resource identity: the release family and the key text. */
  rid: string;
  pair: PairSpec;
  key: string;
  /** Other names the resource is known by after `x->f = key`. */
  aliases: string[];
  count: number;
  call: string;
  site: Span;
  guards: string[];
  /** Every acquisition still held, most recent last (a release gives back the most recent). */
  sites: { call: string; site: Span; guards: string[] }[];
  /** The acquisition's success still depends on a check of this expression. */
  pending: { subject: string; success: Success } | null;
  /** Returned, stored or handed to other code: no longer this function's to give back. */
  escaped: boolean;
}

export interface PathStep {
  kind: 'goto' | 'return';
  label?: string;
  span: Span;
}

interface State {
  held: Holding[];
  facts: Map<string, Fact>;
  asserted: boolean;
  path: PathStep[];
  /** What this path gave back (by resource identity): not part of the state's identity, only a witness. */
  gave: string[];
}

export type ExitKind = 'error' | 'success' | 'unknown';

export interface LeakIssue {
  kind: 'leak';
  holding: { pair: PairSpec; key: string; call: string; site: Span };
  exit: { span: Span | null; kind: ExitKind };
  path: PathStep[];
}
export interface OverReleaseIssue {
  kind: 'over-release';
  pair: PairSpec;
  key: string;
  call: string;
  site: Span;
  path: PathStep[];
}
export interface NotHeldIssue {
  kind: 'not-held';
  call: string;
  site: Span;
  path: PathStep[];
}
export type BalanceIssue = LeakIssue | OverReleaseIssue | NotHeldIssue;

export interface CallSiteEffect {
  pair: PairSpec;
  call: string;
  site: Span;
  guards: string[];
  /** What it holds (a retained effect): the resource's key, `priv->lock`. */
  key?: string;
}

/** A function named for taking a lock (`foo_lock()`, `bar_trylock()`, `baz_lock_if_valid()`): it may return holding it. */
export const LOCK_HELPER = /(?:^|_)(?:try)?lock(?:ed)?(?:_|$)/;

export interface BalanceResult {
  fn: FunctionAst;
  issues: BalanceIssue[];
  /** Acquisitions still held where the function returns successfully or leaves the visible code (what it returns too). */
  retained: CallSiteEffect[];
  /** Releases reached on some path. */
  released: CallSiteEffect[];
  /** Too many states: nothing is reported for this function. */
  gaveUp: boolean;
}

const MAX_STATES = 20000;
const MAX_PER_NODE = 256;
const COUNT_CAP = 3;

const family = (p: PairSpec): string => p.release[0];
/** The pair hands the caller an object (an allocation, a looked-up reference) rather than acting on an argument. */
const ownsObject = (p: PairSpec): boolean => p.kind === 'alloc' || (p.kind === 'ref' && p.key === 'result');
const rid = (p: PairSpec, key: string): string => `${family(p)}|${key}`;
// Aliases count in a state's identity: a later release by the alias must find the holding.
const keyText = (e: Expr | undefined): string => (e ? exprText(e).replace(/^&\s*/, '') : '');
const isAssert = (name: string): boolean => /(?:^|_)assert_held$|^lockdep_assert_held/.test(name);
const isLockedHelper = (name: string): boolean => /_locked$/.test(name);

function signature(node: number, s: State): string {
  const held = s.held
    .map(
      (h) =>
        `${h.rid}:${h.count}:${h.pending ? h.pending.subject : ''}:${h.escaped ? 1 : 0}:${h.aliases.join('/')}:${h.sites.map((x) => `${x.site.startRow}.${x.site.startCol}`).join('/')}`,
    )
    .join(',');
  const facts = [...s.facts.entries()]
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');
  return `${node}#${held}#${facts}#${s.asserted ? 1 : 0}`;
}

function clone(s: State): State {
  return { held: s.held.map((h) => ({ ...h })), facts: new Map(s.facts), asserted: s.asserted, path: s.path, gave: s.gave };
}

/** What a condition being true (or false) says about variables and call results. */
function refine(c: Expr, truth: boolean, out: [string, Fact][]): void {
  if (c.kind === 'un' && c.op === '!') return refine(c.operand, !truth, out);
  if (c.kind === 'call' && (c.fn === 'unlikely' || c.fn === 'likely') && c.args.length === 1) return refine(c.args[0], truth, out);
  if (c.kind === 'call' && (c.fn === 'IS_ERR' || c.fn === 'IS_ERR_OR_NULL') && c.args.length === 1) {
    const subject = exprText(c.args[0]);
    if (truth) out.push([subject, 'err']);
    else {
      out.push([subject, 'noterr']);
      if (c.fn === 'IS_ERR_OR_NULL') out.push([subject, 'nonnull']);
    }
    return;
  }
  if (c.kind === 'bin' && (c.op === '&&' || c.op === '||')) {
    // a && b true: both true; a || b false: both false. Otherwise nothing certain.
    if ((c.op === '&&' && truth) || (c.op === '||' && !truth)) {
      refine(c.left, truth, out);
      refine(c.right, truth, out);
    }
    return;
  }
  if (c.kind === 'bin' && ['==', '!='].includes(c.op)) {
    const zeroSide = c.right.kind === 'num' && c.right.value === 0n ? c.left : c.left.kind === 'num' && c.left.value === 0n ? c.right : null;
    if (!zeroSide) return;
    const isZero = (c.op === '==') === truth;
    out.push([exprText(zeroSide), isZero ? 'zero' : 'nonzero']);
    return;
  }
  if (c.kind === 'bin' && c.op === '<' && c.right.kind === 'num' && c.right.value === 0n) {
    out.push([exprText(c.left), truth ? 'negative' : 'zero']);
    return;
  }
  if (c.kind === 'id' || c.kind === 'field' || c.kind === 'call' || c.kind === 'assign') {
    const subject = c.kind === 'assign' ? exprText(c.left) : exprText(c);
    out.push([subject, truth ? 'nonzero' : 'zero']);
  }
}

/** Did an acquisition with this success convention succeed, fail, or can't we tell, given a fact? */
function outcome(success: Success, fact: Fact): 'ok' | 'failed' | null {
  const ok: Record<Success, Fact[]> = {
    always: [],
    nonnull: ['nonnull', 'nonzero', 'noterr'],
    'not-err': ['noterr'],
    zero: ['zero'],
    nonzero: ['nonzero', 'nonnull'],
    // `if (n < 0)` not taken reads as `zero` here: not negative.
    nonnegative: ['zero', 'nonzero', 'nonnull', 'noterr'],
    valid: ['nonnull', 'nonzero'],
  };
  const bad: Record<Success, Fact[]> = {
    always: [],
    nonnull: ['null', 'zero'],
    'not-err': ['err'],
    zero: ['nonzero', 'negative'],
    nonzero: ['zero', 'null'],
    nonnegative: ['negative', 'err'],
    valid: ['null', 'zero', 'err'],
  };
  if (ok[success].includes(fact)) return 'ok';
  if (bad[success].includes(fact)) return 'failed';
  return null;
}

const CONTRADICTS: Record<Fact, Fact[]> = {
  zero: ['nonzero', 'negative', 'nonnull', 'err'],
  nonzero: ['zero', 'null'],
  negative: ['zero', 'null', 'nonnull', 'noterr'],
  null: ['nonzero', 'nonnull', 'negative', 'err'],
  nonnull: ['null', 'zero'],
  err: ['noterr', 'zero', 'null'],
  noterr: ['err', 'negative'],
};

/** Applies facts to a state; false when they contradict what the path already knows (infeasible). */
function assume(s: State, facts: [string, Fact][]): boolean {
  for (const [subject, fact] of facts) {
    const known = s.facts.get(subject);
    if (known && CONTRADICTS[known].includes(fact)) return false;
    if (!known || fact === 'zero' || fact === 'null' || fact === 'err' || fact === 'negative') s.facts.set(subject, fact);
    for (let i = s.held.length - 1; i >= 0; i--) {
      const h = s.held[i];
      if (!h.pending || h.pending.subject !== subject) continue;
      const o = outcome(h.pending.success, fact);
      if (o === 'ok') h.pending = null;
      else if (o === 'failed') s.held.splice(i, 1);
    }
  }
  return true;
}

/** The fact an assigned value gives its variable. */
function factOf(e: Expr, s: State): Fact | null {
  if (e.kind === 'num') return e.value === 0n ? (e.text === 'NULL' ? 'null' : 'zero') : 'nonzero';
  if (e.kind === 'un' && e.op === '-' && (e.operand.kind === 'num' || (e.operand.kind === 'id' && /^E[A-Z0-9]+$/.test(e.operand.name)))) return 'negative';
  if (e.kind === 'call' && e.fn === 'ERR_PTR') return 'err';
  if (e.kind === 'call' && e.fn === 'PTR_ERR') return 'negative';
  if (e.kind === 'id' || e.kind === 'field') return s.facts.get(exprText(e)) ?? null;
  if (e.kind === 'cast') return factOf(e.operand, s);
  return null;
}

export interface BalanceOptions {
  pairs: PairIndex;
}

export function analyzeBalance(fn: FunctionAst, opts: BalanceOptions): BalanceResult {
  const cfg = buildCfg(fn);
  const result: BalanceResult = { fn, issues: [], retained: [], released: [], gaveUp: false };
  const acquiredHere = new Set<string>();
  collectAcquired(fn.body, opts.pairs, acquiredHere);
  const seen = new Map<number, Set<string>>();
  const issueKeys = new Set<string>();
  const retainedKeys = new Set<string>();
  const releasedKeys = new Set<string>();
  // Successful returns still holding a reference, and the references some successful return gave back first.
  const successHeld: { h: Holding; span: Span | null; path: PathStep[] }[] = [];
  const successBalanced = new Set<string>();
  // The same for an object stored into memory (`dev->buf = kmalloc()`): whether the function's error paths
  // free what it allocated is its own convention (the object's destructor may), shown by an error path that
  // frees some allocation.
  const errorHeld: { h: Holding; span: Span | null; path: PathStep[] }[] = [];
  const errorBalanced = new Set<string>();
  const objectRids = new Set<string>();
  const lockedCalls = new Map<string, { call: string; site: Span; held: boolean; path: PathStep[] }>();
  const work: { node: number; state: State }[] = [{ node: cfg.entry, state: { held: [], facts: new Map(), asserted: false, path: [], gave: [] } }];
  let visited = 0;

  const report = (issue: BalanceIssue, key: string): void => {
    if (issueKeys.has(key)) return;
    issueKeys.add(key);
    result.issues.push(issue);
  };

  /** Effects of evaluating an expression, in evaluation order (arguments before the call). */
  const evalExpr = (e: Expr, s: State, assignedTo: string | null, node: CfgNode): void => {
    switch (e.kind) {
      case 'call': {
        for (const a of e.args) evalExpr(a, s, null, node);
        if (!e.fn) return;
        if (e.fn === GAP_CALL) {
          // Lines no hunk shows: they may give back, pass on or take anything, and change any variable.
          for (const h of s.held) h.escaped = true;
          s.asserted = true;
          s.facts.clear();
          return;
        }
        if (isAssert(e.fn)) s.asserted = true;
        if (isLockedHelper(e.fn) && fn.entryVisible && !isLockedHelper(fn.name)) {
          // Reported at the end only if no path reaches this call holding or asserting a lock: a caller
          // that locks on some paths and not others may be told by its own caller that it holds it.
          const at = `${e.span.startRow}:${e.span.startCol}`;
          const held = s.asserted || s.held.some((h) => h.pair.kind === 'lock');
          const seenCall = lockedCalls.get(at) ?? { call: e.fn, site: e.span, held: false, path: s.path };
          seenCall.held ||= held;
          lockedCalls.set(at, seenCall);
        }
        const m = opts.pairs.match(e.fn);
        if (!m) {
          // A held local pointer handed to other code may be kept there: not ours to judge any more. Logging,
          // checks and copies use it without keeping it; a devres action frees something we cannot name.
          if (usesWithoutKeeping(e.fn)) return;
          const devres = keepsWhateverItIsGiven(e.fn);
          for (const a of e.args) {
            const t = keyText(a);
            for (const h of s.held) if (devres || (ownsObject(h.pair) && (t === h.key || t.startsWith(h.key + '->')))) h.escaped = true;
          }
          return;
        }
        if (m.role === 'acquire') {
          const key =
            m.pair.key === 'result'
              ? (assignedTo ?? `${e.fn}@${e.span.startRow}:${e.span.startCol}`)
              : keyText(e.args[typeof m.pair.key === 'number' ? m.pair.key : 0]) + (m.pair.keyPath ?? '');
          if (key.includes('[')) return;
          const success = m.pair.success ?? 'always';
          const subject = success === 'always' ? null : (assignedTo ?? exprText(e));
          const id = rid(m.pair, key);
          const have = s.held.find((h) => h.rid === id);
          const site = { call: e.fn, site: e.span, guards: node.guards };
          if (have) {
            have.count = Math.min(have.count + 1, COUNT_CAP);
            if (have.sites.length < COUNT_CAP) have.sites = [...have.sites, site];
          } else {
            if (ownsObject(m.pair)) objectRids.add(id);
            s.held.push({
              rid: id,
              pair: m.pair,
              key,
              aliases: [],
              count: 1,
              call: e.fn,
              site: e.span,
              guards: node.guards,
              sites: [site],
              pending: subject ? { subject, success } : null,
              // Held by a `__free()` local: its scope releases it on every exit.
              escaped: assignedTo !== null && !!fn.scopeFreed?.includes(assignedTo),
            });
          }
          s.held.sort((a, b) => (a.rid < b.rid ? -1 : 1));
        } else {
          const key = keyText(e.args[m.pair.releaseKey ?? 0]);
          if (key.includes('[')) return;
          const id = rid(m.pair, key);
          const rk = `${id}@${e.span.startRow}:${e.span.startCol}`;
          if (!releasedKeys.has(rk)) {
            releasedKeys.add(rk);
            result.released.push({ pair: m.pair, call: e.fn, site: e.span, guards: node.guards, key });
          }
          const family = m.pair.release[0];
          const at = s.held.findIndex((h) => h.rid === id || (h.pair.release[0] === family && h.aliases.includes(key)));
          if (at >= 0) {
            const h = s.held[at];
            if (!s.gave.includes(h.rid)) s.gave = [...s.gave, h.rid];
            h.sites = h.sites.slice(0, -1);
            if (--h.count <= 0) s.held.splice(at, 1);
          } else if (m.pair.kind === 'alloc' && ['null', 'zero', 'err'].includes(s.facts.get(key) ?? '')) {
            /* freeing NULL is allowed */
          } else if (fn.entryVisible && acquiredHere.has(id) && m.pair.kind !== 'ref') {
            // A reference or count on an argument is given back where another branch or call took it (an
            // enable/disable toggle, a folio a split returned): only allocations and locks must pair on a path.
            report({ kind: 'over-release', pair: m.pair, key, call: e.fn, site: e.span, path: s.path }, `over:${rk}`);
          }
        }
        return;
      }
      case 'assign': {
        const target = exprText(e.left);
        evalExpr(e.right, s, e.op === '=' ? target : null, node);
        const f = e.op === '=' ? factOf(e.right, s) : null;
        if (f) s.facts.set(target, f);
        else s.facts.delete(target);
        // A held pointer stored into memory belongs to that memory now, and goes by its new name too.
        if (e.left.kind !== 'id' && e.right.kind === 'id') {
          for (const h of s.held) {
            if (h.key !== e.right.name) continue;
            h.escaped = true;
            if (!h.aliases.includes(target)) h.aliases = [...h.aliases, target];
          }
        }
        return;
      }
      default:
        // Operators, fields, subscripts, the ternary: their operands, in order.
        for (const c of subExprs(e)) evalExpr(c, s, null, node);
        return;
    }
  };

  const exitKind = (ret: Stmt & { kind: 'return' }, s: State): ExitKind => {
    const e = ret.value;
    if (!e) return 'success';
    // dev_err_probe() returns the error it is given: only error paths call it.
    if (e.kind === 'call' && (e.fn === 'ERR_PTR' || e.fn === 'dev_err_probe')) return 'error';
    if (e.kind === 'un' && e.op === '-') return 'error';
    if (e.kind === 'num') return e.value === 0n ? (fn.returnsPointer || e.text === 'NULL' ? 'error' : 'success') : 'success';
    const f = factOf(e, s);
    if (f === 'negative' || f === 'err' || (f === 'null' && fn.returnsPointer) || (f === 'nonzero' && !fn.returnsPointer)) return 'error';
    if (f === 'zero' && !fn.returnsPointer) return 'success';
    if ((f === 'nonnull' || f === 'noterr') && fn.returnsPointer) return 'success';
    if (e.kind === 'id' && s.held.some((h) => h.key === e.name && h.pair.kind === 'alloc')) return 'success';
    return 'unknown';
  };

  const reportLeak = (h: Holding, span: Span | null, kind: ExitKind, path: PathStep[]): void =>
    report(
      { kind: 'leak', holding: { pair: h.pair, key: h.key, call: h.call, site: h.site }, exit: { span, kind }, path },
      `leak:${h.rid}:${h.site.startRow}:${span?.startRow}:${span?.startCol}`,
    );

  const atExit = (s: State, kind: ExitKind, span: Span | null, returned: string | null): void => {
    // Evidence: a return that is not an error (a success, or a value we cannot classify) after giving it back.
    if (kind !== 'error') for (const rid of s.gave) successBalanced.add(rid);
    else for (const rid of s.gave) errorBalanced.add(rid);
    for (const h of s.held) {
      if (h.count <= 0) continue;
      const returnedIt = returned !== null && (returned === h.key || h.pending?.subject === returned);
      const owned = h.escaped || returnedIt;
      // What a constructor returns it keeps, as far as its lifecycle partner is concerned: the destructor frees it.
      if (kind !== 'error' && (!owned || returnedIt)) {
        for (const site of h.sites) {
          const rk = `${h.rid}@${site.site.startRow}:${site.site.startCol}`;
          if (!retainedKeys.has(rk)) {
            retainedKeys.add(rk);
            result.retained.push({ pair: h.pair, call: site.call, site: site.site, guards: site.guards, key: h.key });
          }
        }
      }
      if (kind === 'unknown' || owned) continue;
      // A reference or count this function gives back before some successful return must be given back
      // before every one: judged once all paths are known (successBalanced).
      if (kind === 'success' && (h.pair.kind === 'ref' || h.pair.kind === 'counter') && h.pair.key !== 'result')
        successHeld.push({ h: { ...h }, span, path: s.path });
      // An object this function obtained into a local (an allocation, a lookup's reference) and did not pass on.
      const localAlloc = ownsObject(h.pair) && /^[A-Za-z_]\w*$/.test(h.key) && !fn.params.includes(h.key);
      const mustRelease = kind === 'error' || h.pair.kind === 'lock' || localAlloc;
      // A lock helper (`xe_bo_lock()`, `lock_page()`) returns holding its lock; `pageblock` is no lock.
      if (!mustRelease || (h.pair.kind === 'lock' && kind === 'success' && LOCK_HELPER.test(fn.name))) continue;
      if (kind === 'error' && ownsObject(h.pair) && !/^[A-Za-z_]\w*$/.test(h.key)) {
        errorHeld.push({ h: { ...h }, span, path: s.path });
        continue;
      }
      reportLeak(h, span, kind, s.path);
    }
  };

  while (work.length) {
    const { node: id, state } = work.shift()!;
    const sig = signature(id, state);
    let set = seen.get(id);
    if (!set) seen.set(id, (set = new Set()));
    if (set.has(sig)) continue;
    if (set.size >= MAX_PER_NODE || ++visited > MAX_STATES) {
      result.gaveUp = true;
      break;
    }
    set.add(sig);
    const node = cfg.nodes[id];
    if (node.kind === 'exit' || node.kind === 'unknown-exit') continue;
    if (node.kind === 'branch' && node.cond) {
      for (const edge of node.succ) {
        const s = clone(state);
        evalExpr(node.cond, s, null, node);
        const facts: [string, Fact][] = [];
        refine(node.cond, edge.when !== false, facts);
        if (assume(s, facts)) work.push({ node: edge.to, state: s });
      }
      continue;
    }
    const s = clone(state);
    const st = node.stmt;
    if (st?.kind === 'expr') evalExpr(st.expression, s, null, node);
    else if (st?.kind === 'decl') {
      for (const v of st.vars) {
        if (!v.init) {
          s.facts.delete(v.name);
          continue;
        }
        evalExpr(v.init, s, v.name, node);
        const f = factOf(v.init, s);
        if (f) s.facts.set(v.name, f);
        else s.facts.delete(v.name);
      }
    } else if (st?.kind === 'goto') s.path = [...s.path, { kind: 'goto', label: st.label, span: st.span }];
    else if (st?.kind === 'return') {
      if (st.value) evalExpr(st.value, s, null, node);
      s.path = [...s.path, { kind: 'return', span: st.span }];
      atExit(s, exitKind(st, s), st.span, st.value ? exprText(st.value) : null);
    }
    for (const edge of node.succ) {
      if (edge.to === cfg.unknownExit) atExit(s, 'unknown', null, null);
      work.push({ node: edge.to, state: edge === node.succ[node.succ.length - 1] ? s : clone(s) });
    }
  }
  for (const { h, span, path } of successHeld) if (successBalanced.has(h.rid)) reportLeak(h, span, 'success', path);
  if ([...errorBalanced].some((r) => objectRids.has(r))) for (const { h, span, path } of errorHeld) reportLeak(h, span, 'error', path);
  for (const [at, c] of lockedCalls) if (!c.held) report({ kind: 'not-held', call: c.call, site: c.site, path: c.path }, `not-held:${at}`);
  if (result.gaveUp) result.issues = [];
  return result;
}

/** The resources a function takes anywhere in its visible body. */
function collectAcquired(stmts: Stmt[], pairs: PairIndex, out: Set<string>): void {
  const visitExpr = (e: Expr, assigned: string | null): void => {
    if (e.kind === 'call') {
      e.args.forEach((a) => visitExpr(a, null));
      const m = e.fn ? pairs.match(e.fn) : null;
      if (m?.role === 'acquire') {
        const key = m.pair.key === 'result' ? assigned : keyText(e.args[typeof m.pair.key === 'number' ? m.pair.key : 0]) + (m.pair.keyPath ?? '');
        if (key) out.add(rid(m.pair, key));
      }
      return;
    }
    if (e.kind === 'assign') return visitExpr(e.right, exprText(e.left));
    for (const sub of subExprs(e)) visitExpr(sub, null);
  };
  const visit = (s: Stmt): void => {
    switch (s.kind) {
      case 'expr':
        return visitExpr(s.expression, null);
      case 'decl':
        return s.vars.forEach((v) => v.init && visitExpr(v.init, v.name));
      case 'return':
        return void (s.value && visitExpr(s.value, null));
      case 'block':
        return s.body.forEach(visit);
      case 'if':
        visitExpr(s.condition, null);
        visit(s.then);
        return void (s.otherwise && visit(s.otherwise));
      case 'switch':
        visitExpr(s.condition, null);
        return s.body.forEach(visit);
      case 'while':
      case 'dowhile':
        visitExpr(s.condition, null);
        return visit(s.body);
      case 'for':
        if (s.init) visit(s.init);
        if (s.condition) visitExpr(s.condition, null);
        return visit(s.body);
      case 'foreach':
        return visit(s.body);
      case 'pp':
        return s.branches.forEach((b) => b.forEach(visit));
      default:
        return;
    }
  };
  stmts.forEach(visit);
}

export type { Cfg };
