/**
 * @file Balance across a series: every function in every image that mentions a paired operation,
 * analysed once per image text and pair table; and lifecycle partners compared.
 */
import type { FunctionAst } from '../syntax/ast';
import { analyzeBalance, type BalanceResult, type CallSiteEffect } from './balance';
import { scanImage } from '../syntax/scan';
import type { Image, Side } from '../syntax/image';
import type { PairIndex } from '../../kernel/pairs';
import type { Hunk } from '../../ingest';
import { readingKind, type HunkView, type ImageView, type ParsedSeries, type Reading } from '../syntax/parsed';

export interface FunctionBalance {
  /** The reading's lead hunk: its patch and file. */
  hunk: HunkView;
  reading: Reading;
  view: ImageView;
  side: Side;
  fn: FunctionAst;
  result: BalanceResult;
}

/**
 * A function's identity for telling its old and new versions apart from other functions: its file and
 * name, and for a part no section line names, the hunk's place in the old file (the same on both sides).
 */
export function functionIdentity(b: FunctionBalance): string {
  return `${b.hunk.path ?? ''}:${b.fn.name === '(unnamed)' ? `@${b.hunk.hunk.oldStart}` : b.fn.name}`;
}

interface Config {
  pairs: PairIndex;
  pairsKey: string;
  /** `introduced`: the old side is read only where it classifies something (saves half the work). */
  findings: 'introduced' | 'all';
}

function relevantNames(names: Set<string>, pairs: PairIndex): boolean {
  if (pairs.mentionsAny(names)) return true;
  for (const n of names) if (n.endsWith('_locked')) return true;
  return false;
}

/** Per pair table, by an image's scanned names (reused while its text is): whether it mentions a pair. */
const relevance = new WeakMap<PairIndex, WeakMap<Set<string>, boolean>>();
function relevant(view: ImageView, pairs: PairIndex): boolean {
  let byNames = relevance.get(pairs);
  if (!byNames) relevance.set(pairs, (byNames = new WeakMap()));
  const names = view.scan.names;
  let r = byNames.get(names);
  if (r === undefined) byNames.set(names, (r = relevantNames(names, pairs)));
  return r;
}

/**
 * Per pair table and findings wanted, by a hunk or an image (reused while its message's text is): a
 * decision about it.
 */
function memoBy<K extends object, T>(): (key: K, config: Config, compute: () => T) => T {
  const memo = new WeakMap<PairIndex, Map<string, WeakMap<K, T>>>();
  return (key, config, compute) => {
    let byFindings = memo.get(config.pairs);
    if (!byFindings) memo.set(config.pairs, (byFindings = new Map()));
    let byKey = byFindings.get(config.findings);
    if (!byKey) byFindings.set(config.findings, (byKey = new WeakMap()));
    if (byKey.has(key)) return byKey.get(key)!;
    const v = compute();
    byKey.set(key, v);
    return v;
  };
}
/** By the reading's new image: a hunk read alone keeps it while its text is; a whole reading is new each analysis. */
const needsOldMemo = memoBy<Image, boolean>();
const skippedMemo = memoBy<Hunk, boolean>();

/** Only functions that call something of the pair table (or a `_locked` helper) are worth converting. */
const mentioning = new WeakMap<PairIndex, { key: string; want: (text: string) => boolean }>();
export function withPairs(config: Config): { key: string; want: (text: string) => boolean } {
  let f = mentioning.get(config.pairs);
  if (!f) {
    const pairs = config.pairs;
    f = { key: `pairs:${config.pairsKey}`, want: (text) => relevantNames(scanImage(text).names, pairs) };
    mentioning.set(pairs, f);
  }
  return f;
}

/** Per pair table, by image (reused while its hunk is), then by image text (an image re-read unchanged). */
const byImage = new WeakMap<PairIndex, WeakMap<Image, BalanceResult[]>>();
function imageBalances(series: ParsedSeries, reading: Reading, view: ImageView, config: Config): BalanceResult[] {
  let memo = byImage.get(config.pairs);
  if (!memo) byImage.set(config.pairs, (memo = new WeakMap()));
  let results = memo.get(view.image);
  if (!results) {
    results = series.derive(view, readingKind('balance', reading.section, config.pairsKey), () =>
      series.functionsIn(view, reading.section, withPairs(config)).map((fn) => analyzeBalance(fn, { pairs: config.pairs })),
    );
    memo.set(view.image, results);
  }
  return results;
}

/** A changed line that cannot change what any path holds: a comment, or a plain call or field update
 * that names nothing of the pair table. */
function inertLine(text: string, pairs: PairIndex): boolean {
  const t = text.trim();
  if (t === '' || t.startsWith('/*') || t.startsWith('*') || t.startsWith('//')) return true;
  if (/\b(?:return|goto|break|continue|if|else|for|while|do|switch|case|default)\b|[{}#]|^\w+\s*:(?!:)/.test(t)) return false;
  const call = /^[A-Za-z_]\w*\s*\(.*\)\s*;$/.test(t);
  const fieldUpdate = /^[A-Za-z_][\w>.\-[\]]*(?:->|\.)[\w[\]]+\s*(?:\+|-|\||&|\^|<<|>>)?=[^=].*;$/.test(t) && !/^\w+\s*=/.test(t);
  return (call || fieldUpdate) && !relevantNames(scanImage(t).names, pairs);
}

/**
 * A hunk whose every changed line is inert reads the same on both sides: what its new image holds, the
 * old one held too (pre-existing, never introduced or fixed). With only introduced findings wanted, it
 * need not be read at all.
 */
function changesNothingHeld(hunk: HunkView, pairs: PairIndex): boolean {
  return hunk.hunk.lines.every((l) => l.kind === 'context' || inertLine(l.text, pairs));
}

/**
 * Whether a hunk's old image needs reading: when all findings are wanted (the fixed ones are only
 * there); when its new image has something to classify as introduced or pre-existing; when it holds a
 * function of a lifecycle pair (compared by what the patch changes on either side).
 */
function needsOld(series: ParsedSeries, reading: Reading, config: Config): boolean {
  if (config.findings === 'all') return true;
  return needsOldMemo(reading.new.image, config, () => oldClassifies(series, reading, config));
}

function oldClassifies(series: ParsedSeries, reading: Reading, config: Config): boolean {
  if (relevant(reading.new, config.pairs) && imageBalances(series, reading, reading.new, config).some((r) => r.issues.length > 0)) return true;
  // The functions the reading shows: the one it starts in, and those it defines.
  const shown = [reading.section, ...reading.old.scan.declarators.keys(), ...reading.new.scan.declarators.keys()];
  return shown.some((n) => n !== null && config.pairs.isLifecycleFunction(n));
}

const skipped = (reading: Reading, config: Config): boolean =>
  config.findings === 'introduced' && reading.hunks.every((hunk) => skippedMemo(hunk.hunk, config, () => changesNothingHeld(hunk, config.pairs)));

/** Each reading once: hunks read together are read through the first of them. */
function* readings(series: ParsedSeries): Generator<Reading> {
  for (const hunk of series.hunks) {
    const r = series.readingOf(hunk);
    if (r.hunks[0] === hunk) yield r;
  }
}

/** The work balance rules need, as thunks: what the engine runs first, in slices. */
export function balanceWork(series: ParsedSeries, config: Config): (() => unknown)[] {
  const out: (() => unknown)[] = [];
  for (const r of readings(series)) {
    if (skipped(r, config)) continue;
    if (relevant(r.new, config.pairs)) out.push(() => imageBalances(series, r, r.new, config));
    if (relevant(r.old, config.pairs)) out.push(() => needsOld(series, r, config) && imageBalances(series, r, r.old, config));
  }
  return out;
}

const memo = new WeakMap<ParsedSeries, Map<string, FunctionBalance[]>>();

export function seriesBalances(series: ParsedSeries, config: Config): FunctionBalance[] {
  let byKey = memo.get(series);
  if (!byKey) memo.set(series, (byKey = new Map()));
  const memoKey = `${config.pairsKey}\u0000${config.findings}`;
  const cached = byKey.get(memoKey);
  if (cached) return cached;
  const out: FunctionBalance[] = [];
  for (const r of readings(series)) {
    if (skipped(r, config)) continue;
    for (const view of [r.old, r.new]) {
      if (!relevant(view, config.pairs) || (view === r.old && !needsOld(series, r, config))) continue;
      for (const result of imageBalances(series, r, view, config)) out.push({ hunk: r.hunks[0], reading: r, view, side: view.side, fn: result.fn, result });
    }
  }
  byKey.set(memoKey, out);
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
    // Hunks of one function read across a gap: what it keeps past the gap is not known, so neither is the change.
    if ([...aNew, ...rNew].some((b) => b.reading.hunks.length > 1 && !b.reading.whole)) continue;
    // A pair the series' names suggest is weaker evidence: both functions must be seen whole.
    if (l.inferred && [...aNew, ...rNew].some((b) => !b.fn.entryVisible || !b.fn.endVisible)) continue;
    const count = (
      list: FunctionBalance[],
      pick: (r: BalanceResult) => CallSiteEffect[],
    ): Map<string, { n: number; sites: { fb: FunctionBalance; e: CallSiteEffect }[] }> => {
      const m = new Map<string, { n: number; sites: { fb: FunctionBalance; e: CallSiteEffect }[] }>();
      for (const fb of list) {
        for (const e of pick(fb.result)) {
          if (e.pair.kind === 'lock' || e.pair.perCall) continue;
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
      const guard = k.split('\u0000')[1];
      // The finding goes on the last such call in the document: the one the partner has nothing for.
      const lastOf = (sites: { fb: FunctionBalance; e: CallSiteEffect }[]) =>
        [...sites].sort((a, b) => a.e.site.startRow - b.e.site.startRow || a.e.site.startCol - b.e.site.startCol).pop();
      // Taken more than given back: on the last take; given back more than taken: on the last give.
      const more = dA > dR;
      const site = lastOf((more ? aNewM : rNewM).get(k)?.sites ?? []);
      if (site)
        issues.push({
          kind: more ? 'unreleased' : 'unacquired',
          acquirer: l.acquire,
          releaser: l.release,
          at: site.fb,
          effect: site.e,
          guard: guard || null,
          taken: dA,
          given: dR,
        });
    }
  }
  return issues;
}
