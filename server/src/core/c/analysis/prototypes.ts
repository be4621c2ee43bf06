/**
 * @file Prototype changes across a series: a function whose declaration or definition reads with one
 * parameter list in a hunk's old image and another in its new image. For each such function, the
 * prototype in effect before and after every patch, in series order.
 */
import type { Patch } from '../../ingest';
import type { CallFact, FunctionFact, ParamFact } from './facts';
import type { Side } from '../syntax/image';
import type { HunkView, ImageView, ParsedSeries } from '../syntax/parsed';
import { changedDeclarators } from '../syntax/scan';

export interface FunctionSite {
  hunk: HunkView;
  view: ImageView;
  fn: FunctionFact;
  patchPos: number;
}

export interface CallSite {
  hunk: HunkView;
  view: ImageView;
  call: CallFact;
  patchPos: number;
}

export interface PrototypeChange {
  name: string;
  patchPos: number;
  patch: Patch;
  path: string | null;
  before: ParamFact[];
  after: ParamFact[];
  beforeVariadic: boolean;
  afterVariadic: boolean;
  oldSite: FunctionSite;
  site: FunctionSite;
  fromHeader: boolean;
}

export interface Prototype {
  params: ParamFact[];
  variadic: boolean;
  /** after: this change put the prototype in effect; before: the prototype as it was before this change. */
  phase: 'before' | 'after';
  change: PrototypeChange;
}

export interface PrototypeHistory {
  name: string;
  /** One canonical change per patch that changes the function, in series order. */
  changes: PrototypeChange[];
  /** Every site whose parameter list changed, canonical or not. */
  allChanges: PrototypeChange[];
  /** A static function: only sites in this file are its sites. null: every file. */
  scopePath: string | null;
  /** The prototype in effect at one side of a patch: before the first change, that change's old list. */
  at(patchPos: number, side: Side): Prototype;
}

export const typesKey = (params: ParamFact[], variadic: boolean): string => params.map((p) => p.type).join(', ') + (variadic ? ', ...' : '');

const memo = new WeakMap<ParsedSeries, Map<string, PrototypeHistory>>();

export function prototypeHistories(series: ParsedSeries): Map<string, PrototypeHistory> {
  const cached = memo.get(series);
  if (cached) return cached;
  const byName = new Map<string, PrototypeChange[]>();
  for (const hunk of series.hunks) {
    // Only hunks whose possible declarators read differently are worth parsing.
    const candidates = changedDeclarators(hunk.old.scan, hunk.new.scan);
    if (candidates.length === 0) continue;
    const patchPos = hunk.patch.index - 1;
    const olds = usable(hunk.old.facts.functions);
    const news = usable(hunk.new.facts.functions);
    for (const [key, oldFns] of olds) {
      const newFns = news.get(key);
      if (!newFns) continue;
      for (let i = 0; i < Math.min(oldFns.length, newFns.length); i++) {
        const o = oldFns[i];
        const n = newFns[i];
        if (typesKey(o.params!, o.variadic) === typesKey(n.params!, n.variadic)) continue;
        const change: PrototypeChange = {
          name: n.name,
          patchPos,
          patch: hunk.patch,
          path: hunk.path,
          before: o.params!,
          after: n.params!,
          beforeVariadic: o.variadic,
          afterVariadic: n.variadic,
          oldSite: { hunk, view: hunk.old, fn: o, patchPos },
          site: { hunk, view: hunk.new, fn: n, patchPos },
          fromHeader: (hunk.path ?? '').endsWith('.h'),
        };
        const list = byName.get(n.name) ?? [];
        list.push(change);
        byName.set(n.name, list);
      }
    }
  }
  const out = new Map<string, PrototypeHistory>();
  for (const [name, all] of byName) out.set(name, history(name, all));
  memo.set(series, out);
  return out;
}

function usable(fns: FunctionFact[]): Map<string, FunctionFact[]> {
  const m = new Map<string, FunctionFact[]>();
  for (const f of fns) {
    if (f.params === null || f.hasError) continue;
    const k = `${f.kind}:${f.name}`;
    const list = m.get(k) ?? [];
    list.push(f);
    m.set(k, list);
  }
  return m;
}

/** Within one patch the header's declaration speaks for the function; then the most common new list. */
function canonical(changes: PrototypeChange[]): PrototypeChange {
  const rank = (c: PrototypeChange): number => (c.fromHeader ? 2 : 0) + (c.site.fn.kind === 'declaration' ? 1 : 0);
  const best = Math.max(...changes.map(rank));
  const top = changes.filter((c) => rank(c) === best);
  const votes = new Map<string, number>();
  for (const c of top) votes.set(typesKey(c.after, c.afterVariadic), (votes.get(typesKey(c.after, c.afterVariadic)) ?? 0) + 1);
  return top.reduce((a, b) => ((votes.get(typesKey(b.after, b.afterVariadic)) ?? 0) > (votes.get(typesKey(a.after, a.afterVariadic)) ?? 0) ? b : a));
}

function history(name: string, all: PrototypeChange[]): PrototypeHistory {
  const byPatch = new Map<number, PrototypeChange[]>();
  for (const c of all) byPatch.set(c.patchPos, [...(byPatch.get(c.patchPos) ?? []), c]);
  const changes = [...byPatch.keys()].sort((a, b) => a - b).map((k) => canonical(byPatch.get(k)!));
  const first = changes[0];
  const scopePath = first.site.fn.isStatic || first.oldSite.fn.isStatic ? first.path : null;
  return {
    name,
    changes,
    allChanges: all,
    scopePath,
    at(patchPos: number, side: Side): Prototype {
      let current: PrototypeChange | null = null;
      for (const c of changes) if (side === 'new' ? c.patchPos <= patchPos : c.patchPos < patchPos) current = c;
      if (current) return { params: current.after, variadic: current.afterVariadic, phase: 'after', change: current };
      return { params: first.before, variadic: first.beforeVariadic, phase: 'before', change: first };
    },
  };
}

/** Every declaration, definition and call of a function in the series, both sides, in document order. */
export function sitesOf(series: ParsedSeries, name: string, scopePath: string | null): { functions: FunctionSite[]; calls: CallSite[] } {
  const functions: FunctionSite[] = [];
  const calls: CallSite[] = [];
  for (const { hunk, view } of series.imagesNaming(name)) {
    if (scopePath !== null && hunk.path !== scopePath) continue;
    const patchPos = hunk.patch.index - 1;
    for (const fn of view.facts.functions) if (fn.name === name) functions.push({ hunk, view, fn, patchPos });
    for (const call of view.facts.calls) if (call.callee === name) calls.push({ hunk, view, call, patchPos });
  }
  return { functions, calls };
}

/**
 * Every image prototype checks may read, from the scans alone: both images of each hunk where a
 * declarator may have changed, and every image naming such a function.
 */
export function candidateImages(series: ParsedSeries): ImageView[] {
  const names = new Set<string>();
  const out = new Set<ImageView>();
  for (const hunk of series.hunks) {
    const changed = changedDeclarators(hunk.old.scan, hunk.new.scan);
    if (changed.length === 0) continue;
    out.add(hunk.old);
    out.add(hunk.new);
    for (const n of changed) names.add(n);
  }
  for (const n of names) for (const { view } of series.imagesNaming(n)) out.add(view);
  return [...out];
}

export interface SiteStanding {
  site: FunctionSite | CallSite;
  /** `arch/riscv/mm/init.c:1445 (definition)` */
  label: string;
  /** What is wrong with it, when it does not follow the prototype. */
  problem: string | null;
}

/** Each site in the new images of the patches since the latest change, against that change's prototype. */
export function standings(history: PrototypeHistory, functions: FunctionSite[], calls: CallSite[]): SiteStanding[] {
  const last = history.changes[history.changes.length - 1];
  const out: SiteStanding[] = [];
  const where = (s: FunctionSite | CallSite, span: { startRow: number }, what: string): string => {
    const row = s.view.image.lineAt(span.startRow);
    return `${s.hunk.path ?? 'a quoted hunk'}${row?.newLine ? `:${row.newLine}` : ''} (${what})`;
  };
  for (const s of functions) {
    if (s.view.side !== 'new' || s.patchPos < last.patchPos || s.fn.params === null || s.fn.hasError) continue;
    const a = alignParams(s.fn.params, last.after);
    const wrong = a.missing.length + a.extra.length + a.mismatched.length > 0;
    out.push({
      site: s,
      label: where(s, s.fn.nameSpan, s.fn.kind),
      problem: wrong ? `takes ${s.fn.params.length} parameter${s.fn.params.length === 1 ? '' : 's'}, the prototype ${last.after.length}` : null,
    });
  }
  for (const c of calls) {
    if (c.view.side !== 'new' || c.patchPos < last.patchPos || !c.call.reliable) continue;
    const n = c.call.args.length;
    const ok = n === last.after.length || (last.afterVariadic && n >= last.after.length);
    out.push({
      site: c,
      label: where(c, c.call.span, 'call'),
      problem: ok ? null : `passes ${n} argument${n === 1 ? '' : 's'}, the prototype takes ${last.after.length}`,
    });
  }
  return out;
}

/** Names defined as macros anywhere in the series: calls through them may add arguments. */
export function macroNames(series: ParsedSeries): Set<string> {
  const names = new Set<string>();
  for (const hunk of series.hunks) for (const view of [hunk.old, hunk.new]) for (const m of view.scan.macros) names.add(m.name);
  return names;
}

export interface ParamAlignment {
  /** Prototype parameters the site lacks, with the site parameter they belong after (null: first). */
  missing: { param: ParamFact; index: number; after: ParamFact | null; before: ParamFact | null }[];
  /** Site parameters the prototype lacks. */
  extra: ParamFact[];
  /** Same position, different type. */
  mismatched: { site: ParamFact; proto: ParamFact; index: number }[];
}

/** Aligns a site's parameters with the prototype's by type (longest common subsequence). */
export function alignParams(site: ParamFact[], proto: ParamFact[]): ParamAlignment {
  const n = site.length;
  const m = proto.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i][j] = site[i].type === proto[j].type ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const matchOfProto = new Array<number>(m).fill(-1);
  const matchedSite = new Array<boolean>(n).fill(false);
  for (let i = 0, j = 0; i < n && j < m;) {
    if (site[i].type === proto[j].type) {
      matchOfProto[j] = i;
      matchedSite[i] = true;
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) i++;
    else j++;
  }
  const extra = site.filter((_, i) => !matchedSite[i]);
  const missingIdx = proto.map((_, j) => j).filter((j) => matchOfProto[j] < 0);
  if (n === m && extra.length > 0) {
    // Same count: report position by position rather than as a removal plus an addition.
    const mismatched = site.map((s, i) => ({ site: s, proto: proto[i], index: i })).filter((x) => x.site.type !== x.proto.type);
    return { missing: [], extra: [], mismatched };
  }
  const missing = missingIdx.map((j) => {
    let after: ParamFact | null = null;
    for (let k = j - 1; k >= 0; k--)
      if (matchOfProto[k] >= 0) {
        after = site[matchOfProto[k]];
        break;
      }
    let before: ParamFact | null = null;
    for (let k = j + 1; k < m; k++)
      if (matchOfProto[k] >= 0) {
        before = site[matchOfProto[k]];
        break;
      }
    return { param: proto[j], index: j, after, before };
  });
  return { missing, extra, mismatched: [] };
}
