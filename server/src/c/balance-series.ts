/**
 * @file Balance across a series: every function in every image that mentions a paired operation,
 * analysed once per image text and pair table; and lifecycle partners compared.
 */
import type { FunctionAst } from './ast';
import { analyzeBalance, type BalanceResult, type CallSiteEffect } from './balance';
import type { Side } from './image';
import type { PairIndex } from './pairs';
import type { HunkView, ImageView, ParsedSeries } from './parsed';

export interface FunctionBalance {
  hunk: HunkView;
  view: ImageView;
  side: Side;
  fn: FunctionAst;
  result: BalanceResult;
}

interface Config {
  pairs: PairIndex;
  pairsKey: string;
}

const relevant = (view: ImageView, pairs: PairIndex): boolean => {
  if (pairs.mentionsAny(view.scan.names)) return true;
  for (const n of view.scan.names) if (n.endsWith('_locked')) return true;
  return false;
};

function imageBalances(series: ParsedSeries, hunk: HunkView, view: ImageView, config: Config): BalanceResult[] {
  return series.derive(view, `balance:${hunk.hunk.section}:${config.pairsKey}`, () => series.functionsOf(hunk, view).map((fn) => analyzeBalance(fn, { pairs: config.pairs })));
}

/** The work balance rules need, as thunks: what the engine runs first, in slices. */
export function balanceWork(series: ParsedSeries, config: Config): (() => unknown)[] {
  const out: (() => unknown)[] = [];
  for (const hunk of series.hunks) for (const view of [hunk.old, hunk.new]) if (relevant(view, config.pairs)) out.push(() => imageBalances(series, hunk, view, config));
  return out;
}

const memo = new WeakMap<ParsedSeries, Map<string, FunctionBalance[]>>();

export function seriesBalances(series: ParsedSeries, config: Config): FunctionBalance[] {
  let byKey = memo.get(series);
  if (!byKey) memo.set(series, (byKey = new Map()));
  const cached = byKey.get(config.pairsKey);
  if (cached) return cached;
  const out: FunctionBalance[] = [];
  for (const hunk of series.hunks) {
    for (const view of [hunk.old, hunk.new]) {
      if (!relevant(view, config.pairs)) continue;
      for (const result of imageBalances(series, hunk, view, config)) out.push({ hunk, view, side: view.side, fn: result.fn, result });
    }
  }
  byKey.set(config.pairsKey, out);
  return out;
}

export interface LifecycleIssue {
  /** `unreleased`: the acquirer newly keeps more than its partner newly gives back; `unacquired`: the reverse. */
  kind: 'unreleased' | 'unacquired';
  acquirer: string;
  releaser: string;
  /** The site the finding goes on (a new image). */
  at: FunctionBalance;
  effect: CallSiteEffect;
  guard: string | null;
  /** Net change on the side that has too many, and on the partner. */
  taken: number;
  given: number;
}

const familyOf = (e: CallSiteEffect): string => e.pair.release[0];
const innermost = (e: CallSiteEffect): string | null => e.guards[e.guards.length - 1] ?? null;
const keyOf = (e: CallSiteEffect): string => `${familyOf(e)}\u0000${innermost(e) ?? ''}`;

/**
 * For each lifecycle pair whose both functions the series shows: what the patch newly makes the acquirer
 * keep, family by family and condition by condition, must be what it newly makes the releaser give back.
 * Comparing changes, not totals, leaves alone whatever the hunks do not show.
 */
export function lifecycleIssues(balances: FunctionBalance[], pairs: PairIndex): LifecycleIssue[] {
  const byName = (side: Side, name: string): FunctionBalance[] => balances.filter((b) => b.side === side && b.fn.name === name && !b.result.gaveUp);
  const defined = new Set(balances.filter((b) => b.side === 'new').map((b) => b.fn.name));
  const issues: LifecycleIssue[] = [];
  for (const l of pairs.lifecycles(defined)) {
    const aNew = byName('new', l.acquire);
    const rNew = byName('new', l.release);
    if (aNew.length === 0 || rNew.length === 0) continue;
    const count = (list: FunctionBalance[], pick: (r: BalanceResult) => CallSiteEffect[]): Map<string, { n: number; sites: { fb: FunctionBalance; e: CallSiteEffect }[] }> => {
      const m = new Map<string, { n: number; sites: { fb: FunctionBalance; e: CallSiteEffect }[] }>();
      for (const fb of list) {
        for (const e of pick(fb.result)) {
          if (e.pair.kind === 'lock') continue;
          const k = keyOf(e);
          const v = m.get(k) ?? { n: 0, sites: [] };
          v.n++;
          v.sites.push({ fb, e });
          m.set(k, v);
        }
      }
      return m;
    };
    const aNewM = count(aNew, (r) => r.retained);
    const aOldM = count(byName('old', l.acquire), (r) => r.retained);
    const rNewM = count(rNew, (r) => r.released);
    const rOldM = count(byName('old', l.release), (r) => r.released);
    const keys = new Set([...aNewM.keys(), ...aOldM.keys(), ...rNewM.keys(), ...rOldM.keys()]);
    for (const k of keys) {
      const dA = (aNewM.get(k)?.n ?? 0) - (aOldM.get(k)?.n ?? 0);
      const dR = (rNewM.get(k)?.n ?? 0) - (rOldM.get(k)?.n ?? 0);
      if (dA === dR) continue;
      const guard = k.split("\u0000")[1];
      // The finding goes on the last such call in the document: the one the partner has nothing for.
      const lastOf = (sites: { fb: FunctionBalance; e: CallSiteEffect }[]) =>
        [...sites].sort((a, b) => a.e.site.startRow - b.e.site.startRow || a.e.site.startCol - b.e.site.startCol).pop();
      if (dA > dR) {
        const site = lastOf(aNewM.get(k)?.sites ?? []);
        if (site) issues.push({ kind: 'unreleased', acquirer: l.acquire, releaser: l.release, at: site.fb, effect: site.e, guard: guard || null, taken: dA, given: dR });
      } else {
        const site = lastOf(rNewM.get(k)?.sites ?? []);
        if (site) issues.push({ kind: 'unacquired', acquirer: l.acquire, releaser: l.release, at: site.fb, effect: site.e, guard: guard || null, taken: dA, given: dR });
      }
    }
  }
  return issues;
}
