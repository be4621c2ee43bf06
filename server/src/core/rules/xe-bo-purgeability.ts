/**
 * @file Runs the xe BO purgeability model (models/bo-purgeability.ts) on a patch that touches the BO's
 * purgeability counters or the VMA walk they replace: the helpers, VMA create/destroy, madvise, dma-buf
 * export and release are executed as the patch writes them, before and after it, over every sequence of
 * events up to a bound. Severity follows the risk: a failing assertion, a counter that no longer counts
 * its holders, a BO purgeable while something needs it, or a sequence without dma-buf events on which
 * the patched code makes the BO more purgeable than the old code did, is a warning; any other departure
 * from the old semantics is information for the reviewer to confirm.
 * Known false positives: lines a hunk does not show are not run (a check there is missed, never
 * invented); the model has one VM and at most two VMAs.
 */
import type { Span } from '../c/syntax/image';
import type { HunkView, ImageView, ParsedSeries } from '../c/syntax/parsed';
import type { SideProgram } from '../c/eval/program';
import { inputOf, modelHunks, modelPatches, sourcesOf, type Origin } from '../models/bo-purgeability/bo-purgeability-input';
import {
  DEFAULT_BOUND,
  EVENT_FUNCTIONS,
  explainIssue,
  explainRun,
  explainTable,
  MECHANISM_FUNCTIONS,
  MODEL_ID,
  describeIssue,
  ISSUE_MESSAGES,
  runPurgeabilityModel,
  type Anchor,
  type PurgeabilityIssue,
  type PurgeabilityResult,
} from '../models/bo-purgeability/bo-purgeability';
import { defineRule, type RuleContext } from './rule';
import { formatMessage } from '../message';
import { traceTimeline } from '../models/bo-purgeability/bo-purgeability-picture';

const GROUP_MESSAGES = {
  departures:
    'the patched code departs from the code it replaces on {{count}} kinds of event sequence, none making a BO without dma-buf more purgeable; shortest: after {{seq}}, it leaves {{bo}} {{now}} where the old code left it {{before}}',
} as const;
// A less-purgeable departure is never a risk of its own: it is always one line of `departures`.
const { lessDivergence: _lessDivergence, ...REPORTED_ISSUES } = ISSUE_MESSAGES;
const MESSAGES = { ...REPORTED_ISSUES, ...GROUP_MESSAGES };
type Ctx = RuleContext<keyof typeof MESSAGES>;

interface Run {
  result: PurgeabilityResult;
  /** By a piece's origin number: the image it came from. */
  origins: Origin[];
  programs: Record<'new' | 'old', SideProgram>;
  patchIndex: number;
  /** Where each event's code came from, for the explanation. */
  sources: string[];
}

function run(series: ParsedSeries, hunks: HunkView[], patchIndex: number, bound: number): Run {
  const { input, origins, newProgram, oldProgram } = inputOf(series, hunks, patchIndex, bound);
  const texts = hunks.map(
    (h) => `${series.series.patches.indexOf(h.patch)}\u0002${h.path}\u0002${h.hunk.section}\u0002${h.old.image.text}\u0002${h.new.image.text}`,
  );
  const result = series.deriveFromTexts(texts, `bo-purgeability:${patchIndex}:${bound}`, () => runPurgeabilityModel({ ...input, budget: series.budget }));
  return {
    result,
    origins,
    programs: { new: newProgram, old: oldProgram },
    patchIndex,
    sources: [...sourcesOf(newProgram, 'patched'), ...sourcesOf(oldProgram, 'before')],
  };
}

/** The functions the model ran, on either side: hovering one of them (a call or its definition) shows the finding. */
const modelled = (r: Run): string[] => [...new Set([...r.programs.new.functions.keys(), ...r.programs.old.functions.keys()])].sort();

function locate(origins: Origin[], a: Anchor): (Origin & { span: Span }) | null {
  const o = origins[a.origin];
  if (!o) return null;
  const text = o.view.image.rows[a.row]?.text ?? '';
  return { ...o, span: { startRow: a.row, startCol: a.col, endRow: a.row, endCol: Math.max(text.length, a.col) } };
}

type Place = Origin & { span: Span };

function rowPlace(hunk: HunkView, view: ImageView, row: number): Place {
  const text = view.image.rows[row]?.text ?? '';
  return { hunk, view, span: { startRow: row, startCol: Math.max(text.search(/\S/), 0), endRow: row, endCol: text.length } };
}

/**
 * Where an issue goes when no statement of the patch did it: the code of the event that showed it (its
 * first changed line; for a release, the `.release` the dma-buf ops name), else the first mechanism
 * helper the world defines. The patch's own hunks first, so the finding stays with its patch.
 */
function fallback(r: Run, side: 'new' | 'old', event: PurgeabilityIssue['event']): Place | null {
  const program = r.programs[side];
  const own = (p: { hunk: HunkView }): boolean => p.hunk.patch.index === r.patchIndex + 1;
  if (event === 'release') {
    for (const v of [...program.views].sort((a, b) => Number(own(b)) - Number(own(a)))) {
      const row = v.view.image.rows.findIndex((l) => /^\s*\.release\s*=/.test(l.text));
      if (row >= 0) return rowPlace(v.hunk, v.view, row);
    }
  }
  const names = [
    ...(event in EVENT_FUNCTIONS ? [EVENT_FUNCTIONS[event as keyof typeof EVENT_FUNCTIONS]] : []),
    ...MECHANISM_FUNCTIONS,
    ...Object.values(EVENT_FUNCTIONS),
  ];
  const pieces = names.flatMap((n) => program.functions.get(n) ?? []);
  const p = pieces.find(own) ?? pieces[0];
  if (!p) return null;
  const changed = p.view.image.rows.findIndex((l, i) => i >= p.fn.span.startRow && i <= p.fn.span.endRow && l.kind !== 'context');
  return rowPlace(p.hunk, p.view, changed >= 0 ? changed : Math.max(p.fn.span.startRow, 0));
}

function place(r: Run, issue: PurgeabilityIssue, side: 'new' | 'old'): Place | null {
  const at = issue.anchor ? locate(r.origins, issue.anchor) : null;
  return at && at.view.side === side ? at : fallback(r, side, issue.event);
}

/** A world's issues that one event sequence shows: one finding, on the first (the most severe kind). */
function report(ctx: Ctx, r: Run, group: PurgeabilityIssue[]): void {
  const [issue, ...also] = group;
  const kind = issue.kind;
  if (kind === 'lessDivergence') throw new Error('a less-purgeable departure is reported in departures, not on its own');
  // `stopped` is about the model, not either side's code: it goes with the patch.
  const side = issue.kind === 'stopped' ? 'new' : issue.world;
  const at = place(r, issue, side);
  if (!at) return;
  const message = describeIssue(issue);
  const markdown = [
    explainIssue(r.result, issue, message, r.sources),
    ...(also.length ? ['', 'The same sequence also shows:', ...also.map((a) => `- ${describeIssue(a)}`)] : []),
  ].join('\n');
  // Found in one world only: its own identity (introduced, or fixed). Found in both on the same
  // sequence: the same identity on both sides, which the engine reads as pre-existing.
  const key = `bo-purgeability:${issue.kind}:${issue.category}:${issue.inBoth ? `both:${issue.data.seq}` : side}`;
  const base = {
    messageId: kind,
    data: issue.data,
    about: modelled(r),
    key,
    severity: issue.severity,
    explanation: markdown,
    model: {
      id: MODEL_ID,
      title: side === 'new' ? 'BO purgeability model: the patched code' : 'BO purgeability model: the code before the patch',
      markdown,
      svg: traceTimeline(issue, message),
      run: { model: MODEL_ID, args: {} },
    },
  };
  ctx.report({ ...base, side, at: { view: at.view, span: at.span, patch: at.hunk.patch, path: at.hunk.path } });
  if (issue.inBoth) {
    const other = side === 'new' ? 'old' : 'new';
    const twin = place(r, { ...issue, anchor: null }, other);
    if (twin) ctx.report({ ...base, side: other, at: { view: twin.view, span: twin.span, patch: twin.hunk.patch, path: twin.hunk.path } });
  }
}

/**
 * Departures a reviewer should confirm but that carry no risk the issue names: one note for all of them,
 * on the shortest, listing each with its sequence.
 */
function reportDepartures(ctx: Ctx, r: Run, issues: PurgeabilityIssue[]): void {
  // The shortest sequence, and of those one where every event succeeds.
  const failed = (i: PurgeabilityIssue): number => i.trace.filter((t) => t.event.includes('fails')).length;
  const first = [...issues].sort((a, b) => a.trace.length - b.trace.length || failed(a) - failed(b))[0];
  const at = place(r, first, 'new');
  if (!at) return;
  const data = { ...first.data, count: issues.length };
  const markdown = [
    `**BO purgeability model**: ${formatMessage(GROUP_MESSAGES.departures, data)}.`,
    '',
    'Information, not a warning: each makes the BO less purgeable than before, or involves a dma-buf (exported, released or imported), where the old code special-cased shared BOs. Confirm each is intended.',
    '',
    ...issues.flatMap((issue, i) => [`**${i + 1}.** ${describeIssue(issue)}.`, '', explainTable(issue), '']),
    explainRun(r.result, r.sources),
  ].join('\n');
  ctx.report({
    side: 'new',
    at: { view: at.view, span: at.span, patch: at.hunk.patch, path: at.hunk.path },
    messageId: 'departures',
    data,
    key: 'bo-purgeability:departures',
    about: modelled(r),
    severity: 'information',
    explanation: markdown,
    model: {
      id: MODEL_ID,
      title: 'BO purgeability model: departures from the old semantics',
      markdown,
      svg: traceTimeline(first, `Shortest departure: ${describeIssue(first)}`),
      run: { model: MODEL_ID, args: {} },
    },
  });
}

export default defineRule({
  id: 'xe-bo-purgeability',
  meta: {
    summary: 'Runs the xe BO purgeability state machine as the patch writes it, against the code it replaces',
    defaultSeverity: 'information',
    confidence: 'medium',
    readsFunctions: true,
    messages: MESSAGES,
    knownFalsePositives: [
      'Lines a hunk does not show are not run: a check there is missed, never invented.',
      'One VM and at most two VMAs per BO; the dma-buf is released as a whole.',
    ],
  },
  prefetch(series) {
    const hunks = modelHunks(series);
    return modelPatches(series, hunks).map((p) => () => run(series, hunks, p, DEFAULT_BOUND));
  },
  check(ctx) {
    const hunks = modelHunks(ctx.series);
    for (const p of modelPatches(ctx.series, hunks)) {
      const r = run(ctx.series, hunks, p, DEFAULT_BOUND);
      const isDeparture = (i: PurgeabilityIssue): boolean =>
        i.world === 'new' && i.severity === 'information' && (i.kind === 'moreDivergence' || i.kind === 'lessDivergence');
      // Issues come most severe kind first; one finding per world and sequence.
      const groups = new Map<string, PurgeabilityIssue[]>();
      for (const issue of r.result.issues) {
        if (isDeparture(issue)) continue;
        const k = `${issue.world}\u0000${issue.inBoth}\u0000${issue.data.seq}`;
        groups.set(k, [...(groups.get(k) ?? []), issue]);
      }
      for (const group of groups.values()) report(ctx, r, group);
      const departures = r.result.issues.filter(isDeparture);
      if (departures.length) reportDepartures(ctx, r, departures);
    }
  },
});
