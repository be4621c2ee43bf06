/**
 * @file The unwind model's runs over a series, shared by `unwind-leak` and `unwind-double-free`: every
 * function a patch shows that allocates (the pair table's allocation families), run before and after the
 * patch, each with its teardown partner when the series shows one.
 */
import { forEachExpr } from '../../c/syntax/ast';
import type { Span } from '../../c/syntax/image';
import type { PairIndex } from '../../kernel/pairs';
import type { HunkView, ImageView, ParsedSeries } from '../../c/syntax/parsed';
import { isWhole, programAt, type SideProgram } from '../../c/eval/program';
import { arrayMembers, defineValues } from '../../c/analysis/structs';
import type { Anchor, CodePiece } from '../code';
import { MAX_PATH_STEPS, runUnwind, type UnwindFunction, type UnwindIssue, type UnwindResult } from './unwind';
import { onDocument } from '../../c/syntax/places';
import type { AnalysisConfig } from '../../config';

/** The largest size a constant-sized array gets in the model: failures at every index stay few. */
export const ARRAY_BOUND = 3n;

interface Origin {
  hunk: HunkView;
  view: ImageView;
  /** The function the piece belongs to. */
  fn: string;
  /** Read whole from the kernel tree. */
  fromTree: boolean;
}

export interface UnwindRunSet {
  side: 'old' | 'new';
  target: string;
  teardown: string | null;
  result: UnwindResult;
  origins: Origin[];
}

const allocates = (pairs: PairIndex, names: Iterable<string>): boolean => {
  for (const n of names) {
    const m = pairs.match(n);
    if (m && m.pair.kind === 'alloc' && m.role === 'acquire') return true;
  }
  return false;
};

function callsIn(pieces: CodePiece[] | undefined): Set<string> {
  const out = new Set<string>();
  for (const p of pieces ?? []) forEachExpr(p.fn.body, (e) => e.kind === 'call' && e.fn && out.add(e.fn));
  return out;
}

/**
 * The sizes arrays are run with: every dimension constant of an array member the series declares, cut
 * to ARRAY_BOUND; and, when the series also defines it as 1 (a configuration without the feature), 1.
 */
function sizesOf(series: ParsedSeries): Map<string, bigint>[] {
  const small = new Map<string, bigint>();
  const one = new Map<string, bigint>();
  for (const decls of arrayMembers(series).values()) {
    for (const d of decls) {
      for (const dim of d.dims) {
        if (!/^[A-Za-z_]\w*$/.test(dim) || small.has(dim)) continue;
        const values = defineValues(series, dim).map((v) => v.value);
        if (!values.length) continue;
        const top = values.reduce((a, b) => (b > a ? b : a));
        small.set(dim, top < ARRAY_BOUND ? top : ARRAY_BOUND);
        if (values.includes(1n) && top > 1n) one.set(dim, 1n);
      }
    }
  }
  return one.size ? [small, new Map([...small, ...one])] : [small];
}

function pieces(program: SideProgram, name: string, origins: Origin[]): CodePiece[] | null {
  const list = program.functions.get(name);
  if (!list) return null;
  return list.map((p) => {
    const added = new Set<number>();
    p.view.image.rows.forEach((r, i) => r.kind !== 'context' && added.add(i));
    origins.push({ hunk: p.hunk, view: p.view, fn: name, fromTree: !!p.fromTree });
    return { origin: origins.length - 1, fn: p.fn, added };
  });
}

const memo = new WeakMap<ParsedSeries, Map<string, UnwindRunSet[]>>();

/** Every run the series needs, computed once per parsed series and pair table (results cached by text). */
export function unwindRuns(series: ParsedSeries, config: AnalysisConfig): UnwindRunSet[] {
  let byKey = memo.get(series);
  if (!byKey) memo.set(series, (byKey = new Map()));
  const cached = byKey.get(config.pairsKey);
  if (cached) return cached;
  const out: UnwindRunSet[] = [];
  const pairs = config.pairs;
  const allocating = (h: HunkView): boolean => pairs.kindsIn(h.new.scan.names).allocates || pairs.kindsIn(h.old.scan.names).allocates;
  const files = new Set(series.hunks.filter(allocating).map((h) => h.path));
  if (files.size) {
    const include = (h: HunkView): boolean => files.has(h.path);
    const sizes = sizesOf(series);
    series.series.patches.forEach((patch, p) => {
      const own = series.hunks.filter((h) => h.patch === patch && include(h));
      if (!own.some(allocating)) return;
      for (const side of ['new', 'old'] as const) {
        const program = programAt(series, p, side, include, true);
        const shown = new Set(
          own.flatMap((h) => {
            const r = series.readingOf(h);
            return series.functionsIn(r[side], r.section).map((f) => f.name);
          }),
        );
        const whole = new Map([...program.functions].filter(([, ps]) => ps.length === 1 && isWhole(ps[0].fn)).map(([n, ps]) => [n, ps[0].fn]));
        const lifecycles = pairs.lifecycles(new Set(program.functions.keys()));
        for (const name of shown) {
          const origins: Origin[] = [];
          const target = pieces(program, name, origins);
          if (!target || !allocates(pairs, callsIn(target))) continue;
          const partner = lifecycles.find((l) => l.acquire === name)?.release ?? null;
          const teardownPieces = partner ? pieces(program, partner, origins) : null;
          const texts = [
            ...origins.map((o) => o.view.image.text),
            side,
            name,
            partner ?? '',
            config.pairsKey,
            JSON.stringify([...sizes].map((m) => [...m].map(([k, v]) => `${k}=${v}`))),
          ];
          const targetFn: UnwindFunction = { name, pieces: target };
          const teardown: UnwindFunction | null = partner && teardownPieces ? { name: partner, pieces: teardownPieces } : null;
          const result = series.deriveFromTexts(texts, 'unwind', () =>
            runUnwind({ target: targetFn, teardown, functions: whole, constants: program.constants, sizes, pairs, budget: series.budget }),
          );
          out.push({ side, target: name, teardown: teardown?.name ?? null, result, origins });
        }
      }
    });
  }
  byKey.set(config.pairsKey, out);
  return out;
}

const lineSpan = (o: Origin, a: Anchor): Span => ({
  startRow: a.row,
  startCol: a.col,
  endRow: a.row,
  endCol: Math.max(o.view.image.rows[a.row]?.text.length ?? 0, a.col),
});

/**
 * Where a finding at an anchor goes in the document: a view and a one-line span. An anchor on a line only
 * the kernel tree has gives way to the first of `along` the document shows, and failing those to the
 * anchor's view's first changed line.
 */
export function locate(set: UnwindRunSet, a: Anchor | null, along: Anchor[] = []): (Origin & { span: Span }) | null {
  if (!a) return null;
  const o = set.origins[a.origin];
  if (!o) return null;
  for (const c of [a, ...along]) {
    const co = set.origins[c.origin];
    if (co && co.view.image.treeLineAt(c.row) === null) return { ...co, span: lineSpan(co, c) };
  }
  return { ...o, span: onDocument(o.view.image, []) };
}

/** `line 187` of the document, or `mm/foo.c:412` of the kernel tree, for an anchor. */
function placeOf(set: UnwindRunSet, a: Anchor): string | null {
  const o = set.origins[a.origin];
  return o ? o.view.image.placeOf(a.row, a.col) : null;
}

/** Whether the functions the runs read came whole from the kernel tree. */
export const fromTree = (set: UnwindRunSet): boolean => set.origins.some((o) => o.fromTree);

/** `line 187 → \`goto buf_fail\` (line 192) → \`kfree()\` (line 199) → return (line 203)`. */
export function describePath(set: UnwindRunSet, issue: UnwindIssue): string {
  const steps = issue.path.map((s) => {
    const at = placeOf(set, s.at) ?? 'a line the hunk does not show';
    const times = s.times && s.times > 1 ? ` × ${s.times}` : '';
    if (s.kind === 'fail') return at;
    if (s.kind === 'goto') return `\`goto ${s.label}\` (${at})${times}`;
    if (s.kind === 'free') return `\`${s.call}()\` (${at})${times}`;
    return `return (${at})`;
  });
  if (issue.path.length >= MAX_PATH_STEPS) steps.push('…');
  return steps.join(' → ');
}

/** `` `buffer[0]` and `buffer[1]` ``. */
export function listNames(names: string[]): string {
  const q = names.map((n) => (n.startsWith('the ') ? n : `\`${n}\``));
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

/** Where a finding about a whole function goes: its first changed line (or its first line) in view. */
export function functionStart(set: UnwindRunSet, name: string): Anchor | null {
  const origin = set.origins.findIndex((o) => o.fn === name);
  if (origin < 0) return null;
  const rows = set.origins[origin].view.image.rows;
  const changed = rows.findIndex((r) => r.kind !== 'context');
  return { origin, row: Math.max(changed, 0), col: 0 };
}
