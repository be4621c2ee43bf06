/**
 * @file The xe buffer-object purgeability model (the drm/xe patch that tracks purgeability with BO-local counters).
 * A BO is WILLNEED, DONTNEED (the shrinker may purge it) or PURGED (terminal). Events: create a VMA with WILLNEED or
 * DONTNEED advice, destroy it, madvise it, export the BO as a dma-buf (or fail to), release the dma-buf, purge; the BO owned or
 * imported. Each event runs the patch's own code for it (bo-purgeability-world.ts) on two worlds: the
 * code after the patch and the code before it. Every sequence of events up to a bound is explored; the
 * model reports an assertion that fails, a counter that no longer counts its holders, a BO purgeable
 * while something still needs it, PURGED left, and where the patched code's state departs from the old
 * code's, each with the shortest sequence that shows it.
 */
import { Budget } from '../../budget';
import { formatMessage } from '../../message';
import {
  copyWorld,
  COUNTERS,
  eventKey,
  eventLabel,
  EVENT_FUNCTIONS,
  WorldRunner,
  type Advice,
  type Anchor,
  type Counter,
  type PurgeEvent,
  type StepRecord,
  type World,
  type WorldCode,
  type WorldKeys,
} from './bo-purgeability-world';
import { explore, type Exploration, type Step } from '../explore';

export { EVENT_FUNCTIONS, type Anchor, type CodePiece, type WorldCode } from './bo-purgeability-world';

export interface PurgeabilityInput {
  new: WorldCode;
  old: WorldCode;
  /** The longest event sequence explored. */
  bound: number;
  maxStates?: number;
  /** The analysis's budget: each event run spends from it, and the helpers' statements too. */
  budget?: Budget;
}

export const MODEL_ID = 'bo-purgeability';

export const DEFAULT_BOUND = 6;

/** Code that is the mechanism itself: a patch showing any of it is one the model is for. */
export const MECHANISM_FUNCTIONS = [
  'xe_bo_willneed_get_locked',
  'xe_bo_willneed_put_locked',
  'xe_bo_vma_count_inc_locked',
  'xe_bo_vma_count_dec_locked',
  'xe_bo_recompute_purgeable_state',
];

const MAX_VMAS = 2;

type WorldName = 'new' | 'old';
const WORLDS: WorldName[] = ['new', 'old'];

/** A VMA as the model knows it: its name and the latest advice it was given (what its holder should be). */
interface VmaFacts {
  label: string;
  advice: Advice;
}

interface State {
  imported: boolean;
  /** The sequence so far has exported or released a dma-buf (or the BO is imported). */
  dmabuf: boolean;
  /** A dma-buf export is live (the model's own account). */
  exportLive: boolean;
  /** VMAs created so far (for names). */
  created: number;
  /** The live VMAs, index for index with each world's. */
  vmas: VmaFacts[];
  worlds: Record<WorldName, World>;
  keys: Record<WorldName, WorldKeys>;
  /** Once a world's code for an event is not visible, its state is no longer checked. */
  blind: Record<WorldName, boolean>;
  /** Once an assertion failed in a world, its counters are not checked again (one root cause, one finding). */
  failed: Record<WorldName, boolean>;
  /** What the event that led here did in each world. */
  last: Record<WorldName, StepRecord> | null;
  /** The model could not run that event in some world: nothing follows from here. */
  stopped: boolean;
}

/** What an event did to a world: memoised, since many states share a world. */
interface WorldStep {
  world: World;
  record: StepRecord;
  keys: WorldKeys;
}

export interface BoSnapshot {
  state: string;
  willneed: string;
  vmaCount: string;
}

export interface TraceRow {
  event: string;
  /** The live VMAs with their latest advice, and whether a dma-buf export is live. */
  vmas: string;
  new: BoSnapshot;
  old: BoSnapshot;
}

/**
 * What an issue is, by kind: `assert` an assertion fails; `leftPurged` PURGED is left; `holder` a counter
 * no longer counts its holders; `neededByVma`/`neededByExport` the BO is purgeable while a WILLNEED VMA
 * or a dma-buf export needs it; `moreDivergence`/`lessDivergence` the patched code leaves the BO more or
 * less purgeable than the code before it; `stopped` an event could not be run.
 */
export type IssueKind = 'assert' | 'leftPurged' | 'holder' | 'neededByVma' | 'neededByExport' | 'moreDivergence' | 'lessDivergence' | 'stopped';

export interface PurgeabilityIssue {
  kind: IssueKind;
  world: WorldName;
  severity: 'warning' | 'information';
  /** Identity of the issue across runs and between the two worlds. */
  category: string;
  /** The other world shows the same on the same sequence: not something the patch changes. */
  inBoth: boolean;
  /** What a sentence about it needs: always `seq` (the events), `after` (those before the last) and `bo`; the rest by kind. */
  data: Record<string, string>;
  trace: TraceRow[];
  imported: boolean;
  /** The kind of the event that showed it (where to place it when no statement of the patch did it). */
  event: PurgeEvent['kind'];
  anchor: Anchor | null;
}

export interface PurgeabilityResult {
  issues: PurgeabilityIssue[];
  exploration: Exploration;
  bound: number;
  /** Kinds of event explored, and those left out because neither world's code for them is visible. */
  events: string[];
  skipped: string[];
  /** What the model assumed or could not see. */
  notes: string[];
}

const RANK: Record<string, number> = { WILLNEED: 0, DONTNEED: 1, PURGED: 2 };
const ISSUE_ORDER: Record<IssueKind, number> = {
  assert: 0,
  leftPurged: 1,
  holder: 2,
  neededByVma: 3,
  neededByExport: 3,
  moreDivergence: 4,
  lessDivergence: 5,
  stopped: 6,
};

const isDmabufEvent = (e: PurgeEvent): boolean => e.kind === 'export' || e.kind === 'release';

/** Explores the event sequences and reports what it finds. Never throws on the patch's code. */
export function runPurgeabilityModel(input: PurgeabilityInput): PurgeabilityResult {
  const budget = input.budget ?? Budget.unlimited();
  const runners: Record<WorldName, WorldRunner> = { new: new WorldRunner(input.new, budget), old: new WorldRunner(input.old, budget) };
  const visibleIn = (name: string): boolean => runners.new.visible(name) || runners.old.visible(name);
  const events: string[] = [];
  const skipped: string[] = [];
  for (const [kind, fn] of Object.entries(EVENT_FUNCTIONS)) (visibleIn(fn) ? events : skipped).push(`${kind} (\`${fn}()\`)`);
  events.push('release (`.release` of the dma-buf ops)', 'purge');
  const notes: string[] = [];
  // Departures are measured against old code that had purgeability logic; new logic has nothing to depart from.
  const compare = runners.old.setsState;
  if (!compare) notes.push('The code before the patch, as far as it shows, never sets a BO purgeable: departures from it are not reported.');
  for (const w of WORLDS) {
    if (!input[w].release)
      notes.push(
        `The ${w === 'new' ? 'patched' : 'original'} code's dma-buf \`.release\` is not in the patch: the model takes it to be \`drm_gem_dmabuf_release()\`.`,
      );
  }

  const initial = (imported: boolean): State => {
    const worlds = { new: runners.new.newWorld(), old: runners.old.newWorld() };
    return {
      imported,
      dmabuf: imported,
      exportLive: false,
      created: 0,
      vmas: [],
      worlds,
      keys: { new: runners.new.keys(worlds.new), old: runners.old.keys(worlds.old) },
      blind: { new: false, old: false },
      failed: { new: false, old: false },
      last: null,
      stopped: false,
    };
  };
  const roots = [initial(false), initial(true)];

  const isState = (w: WorldName, s: State, name: string): boolean => runners[w].stateOf(s.worlds[w]) === runners[w].constant(`XE_MADV_PURGEABLE_${name}`);

  const possible = (s: State): PurgeEvent[] => {
    const out: PurgeEvent[] = [];
    if (s.stopped) return out;
    if (s.vmas.length < MAX_VMAS && visibleIn(EVENT_FUNCTIONS.create)) {
      for (const advice of ['WILLNEED', 'DONTNEED'] as const) out.push({ kind: 'create', vma: `VMA${s.created + 1}`, advice });
    }
    s.vmas.forEach((v, index) => {
      if (visibleIn(EVENT_FUNCTIONS.destroy)) out.push({ kind: 'destroy', vma: v.label, index });
      if (visibleIn(EVENT_FUNCTIONS.madvise))
        for (const advice of ['WILLNEED', 'DONTNEED'] as const) out.push({ kind: 'madvise', vma: v.label, index, advice });
    });
    if (!s.imported && !s.exportLive && visibleIn(EVENT_FUNCTIONS.export)) {
      out.push({ kind: 'export', fails: null }, { kind: 'export', fails: 'ttm_bo_setup_export' }, { kind: 'export', fails: 'drm_gem_prime_export' });
    }
    if (s.exportLive) out.push({ kind: 'release' });
    if (isState('new', s, 'DONTNEED') || isState('old', s, 'DONTNEED')) out.push({ kind: 'purge' });
    return out;
  };

  // A world's step depends only on the world, the event and whether the BO is imported. Worlds in
  // states are never changed after the step that made them, so states share them.
  const memo = new Map<string, WorldStep>();
  const stepWorld = (w: WorldName, s: State, e: PurgeEvent): WorldStep => {
    const k = `${w}|${s.imported ? 'I' : 'O'}|${eventKey(e)}|${s.keys[w].exact}`;
    let step = memo.get(k);
    if (!step) {
      const world = copyWorld(s.worlds[w]);
      const record = runners[w].run(e, s.imported, world);
      step = { world, record, keys: runners[w].keys(world) };
      memo.set(k, step);
    }
    return step;
  };

  const vmasAfter = (s: State, e: PurgeEvent): VmaFacts[] => {
    if (e.kind === 'create') return [...s.vmas, { label: e.vma, advice: e.advice }];
    if (e.kind === 'destroy') return s.vmas.filter((_, i) => i !== e.index);
    if (e.kind === 'madvise') return s.vmas.map((v, i) => (i === e.index ? { ...v, advice: e.advice } : v));
    return s.vmas;
  };

  function* successors(s: State): Iterable<Step<State, PurgeEvent>> {
    for (const e of possible(s)) {
      const n = stepWorld('new', s, e);
      const o = stepWorld('old', s, e);
      yield {
        event: e,
        state: {
          imported: s.imported,
          dmabuf: s.dmabuf || isDmabufEvent(e),
          exportLive: e.kind === 'export' ? !e.fails : e.kind === 'release' ? false : s.exportLive,
          created: s.created + (e.kind === 'create' ? 1 : 0),
          vmas: vmasAfter(s, e),
          worlds: { new: n.world, old: o.world },
          keys: { new: n.keys, old: o.keys },
          blind: { new: s.blind.new || n.record.blind, old: s.blind.old || o.record.blind },
          failed: { new: s.failed.new || n.record.failures.length > 0, old: s.failed.old || o.record.failures.length > 0 },
          last: { new: n.record, old: o.record },
          stopped: !!(n.record.stopped || o.record.stopped),
        },
      };
    }
  }

  // VMAs are interchangeable: states that differ only in which is which are explored once.
  const key = (s: State): string => {
    const flags = `${s.imported ? 'I' : 'O'}${s.stopped ? 's' : ''}${s.dmabuf ? 'd' : ''}${s.exportLive ? 'x' : ''}${s.blind.new ? 'bn' : ''}${s.blind.old ? 'bo' : ''}${s.failed.new ? 'fn' : ''}${s.failed.old ? 'fo' : ''}`;
    const vmas = s.vmas.map((v, i) => `${v.advice[0]}${s.keys.new.vmas[i]}/${s.keys.old.vmas[i]}`).sort();
    return `${flags}|${s.keys.new.bo}|${s.keys.old.bo}|${vmas.join('|')}`;
  };

  const snapshot = (w: WorldName, s: State): BoSnapshot => {
    const r = runners[w];
    const world = s.worlds[w];
    return {
      state: r.nameOf(r.stateOf(world)),
      willneed: r.tracks.has('willneed_count') ? String(r.counter(world, 'willneed_count')) : '—',
      vmaCount: r.tracks.has('vma_count') ? String(r.counter(world, 'vma_count')) : '—',
    };
  };
  const row = (event: string, s: State): TraceRow => ({
    event,
    vmas: [...s.vmas.map((v) => `${v.label} ${v.advice === 'WILLNEED' ? 'W' : 'D'}`), ...(s.exportLive ? ['dma-buf'] : [])].join(', ') || '—',
    new: snapshot('new', s),
    old: snapshot('old', s),
  });

  interface Violation {
    kind: IssueKind;
    category: string;
    severity: PurgeabilityIssue['severity'];
    data: Record<string, string>;
  }

  const found = new Map<string, PurgeabilityIssue>();
  let current: { from: State; event: PurgeEvent } | null = null;
  const add = (w: WorldName, v: Violation, inBoth: boolean, trace: () => Step<State, PurgeEvent>[]): void => {
    const k = `${w}\u0000${v.kind}\u0000${v.category}\u0000${inBoth}`;
    if (found.has(k) || !current) return;
    const t = trace();
    const last = t[t.length - 1].state;
    // Found again, with statement hooks, on a copy: where in the patch the event did it.
    const anchor = runners[w].run(current.event, current.from.imported, copyWorld(current.from.worlds[w]), true).anchor;
    const before = t
      .slice(0, -1)
      .map((x) => eventLabel(x.event))
      .join(' → ');
    found.set(k, {
      kind: v.kind,
      world: w,
      severity: v.severity,
      category: v.category,
      inBoth,
      data: {
        seq: t.map((x) => eventLabel(x.event)).join(' → '),
        after: before ? `after ${before}` : 'at the start',
        bo: last.imported ? 'an imported BO' : 'the BO',
        ...v.data,
      },
      trace: [
        row(
          'start',
          roots.find((r) => r.imported === last.imported)!,
        ),
        ...t.map((x) => row(eventLabel(x.event), x.state)),
      ],
      imported: last.imported,
      event: current.event.kind,
      anchor,
    });
  };

  /** What is wrong with one world after an event. */
  const violations = (w: WorldName, from: State, s: State): Violation[] => {
    const r = runners[w];
    const rec = s.last![w];
    const out: Violation[] = [];
    if (rec.stopped || s.blind[w]) return out;
    if (!from.failed[w]) for (const f of rec.failures) out.push({ kind: 'assert', category: f, severity: 'warning', data: { assert: f } });
    if (rec.leftPurged) out.push({ kind: 'leftPurged', category: '', severity: 'warning', data: { state: rec.leftPurged } });
    const world = s.worlds[w];
    if (!s.failed[w]) {
      const willneedVmas = s.vmas.filter((v) => v.advice === 'WILLNEED').length;
      const want: Record<Counter, number> = {
        willneed_count: s.imported ? 0 : willneedVmas + (s.exportLive ? 1 : 0),
        vma_count: s.imported ? 0 : s.vmas.length,
      };
      for (const c of COUNTERS) {
        if (!r.tracks.has(c)) continue;
        const got = r.counter(world, c);
        if (got === BigInt(want[c])) continue;
        const plural = want[c] === 1 ? '' : 's';
        const holders = s.imported
          ? 'an imported BO is not tracked'
          : c === 'willneed_count'
            ? `the BO has ${want[c]} WILLNEED holder${plural} (WILLNEED VMAs and live dma-buf exports)`
            : `the BO has ${want[c]} VMA${plural}`;
        out.push({ kind: 'holder', category: c, severity: 'warning', data: { counter: c, got: String(got), holders } });
      }
    }
    if (isState(w, s, 'DONTNEED')) {
      const needs = s.vmas.find((v) => v.advice === 'WILLNEED');
      if (needs) out.push({ kind: 'neededByVma', category: 'vma', severity: 'warning', data: { vma: needs.label } });
      if (s.exportLive) out.push({ kind: 'neededByExport', category: 'export', severity: 'warning', data: {} });
    }
    return out;
  };

  const transition = (from: State, step: Step<State, PurgeEvent>, trace: () => Step<State, PurgeEvent>[]): void => {
    const s = step.state;
    const e = step.event;
    current = { from, event: e };
    for (const w of WORLDS) {
      const stopped = s.last![w].stopped;
      if (stopped) add(w, { kind: 'stopped', category: stopped, severity: 'information', data: { event: eventLabel(e), reason: stopped } }, false, trace);
    }
    // Each world's violations, and whether the other world shows the same on this very sequence.
    const seen = { new: violations('new', from, s), old: violations('old', from, s) };
    for (const w of WORLDS) {
      const other = seen[w === 'new' ? 'old' : 'new'];
      for (const v of seen[w])
        add(
          w,
          v,
          other.some((o) => o.kind === v.kind && o.category === v.category),
          trace,
        );
    }
    // A departure: the two worlds agreed before this event and disagree after it.
    if (!compare || s.blind.new || s.blind.old || s.last!.new.stopped || s.last!.old.stopped) return;
    const name = (w: WorldName, st: State): string => runners[w].nameOf(runners[w].stateOf(st.worlds[w]));
    const [nowBefore, oldBefore, now, old] = [name('new', from), name('old', from), name('new', s), name('old', s)];
    if (nowBefore !== oldBefore || now === old) return;
    const more = (RANK[now] ?? 0) > (RANK[old] ?? 0);
    const category = `${more ? 'more' : 'less'}:${e.kind}:${old}>${now}:${s.dmabuf ? 'dmabuf' : 'plain'}`;
    add(
      'new',
      { kind: more ? 'moreDivergence' : 'lessDivergence', category, severity: more && !s.dmabuf ? 'warning' : 'information', data: { now, before: old } },
      false,
      trace,
    );
  };

  const exploration = explore<State, PurgeEvent>({
    initial: roots,
    bound: input.bound,
    maxStates: input.maxStates ?? 50_000,
    key,
    successors,
    transition,
    budget,
  });
  if (exploration.truncated) notes.push(`The exploration stopped at ${exploration.states} states, before every sequence of ${input.bound} events was covered.`);

  // A departure shown without dma-buf events needs no second showing with them (a failed export on the way).
  const plain = new Set([...found.values()].filter((i) => i.category.endsWith(':plain')).map((i) => `${i.world}:${i.category.replace(/:plain$/, '')}`));
  // A violation the other world shares on its sequence needs no showing if one it does not share exists.
  const alone = new Set([...found.values()].filter((i) => !i.inBoth).map((i) => `${i.world}:${i.kind}:${i.category}`));
  const issues = [...found.values()]
    .filter((i) => !(i.category.endsWith(':dmabuf') && plain.has(`${i.world}:${i.category.replace(/:dmabuf$/, '')}`)))
    .filter((i) => !(i.inBoth && alone.has(`${i.world}:${i.kind}:${i.category}`)))
    .sort((a, b) => ISSUE_ORDER[a.kind] - ISSUE_ORDER[b.kind] || a.trace.length - b.trace.length);
  return { issues, exploration, bound: input.bound, events, skipped, notes };
}

/** An issue's event sequence as a table: each event and the BO after it, in both worlds. */
/** What each kind of issue says, filled from its data (the xe-bo-purgeability rule's messages, the model command's lines). */
export const ISSUE_MESSAGES = {
  assert: '`{{assert}}` fails on {{bo}} after {{seq}}',
  leftPurged: 'after {{seq}}, {{bo}} leaves PURGED for {{state}}, though PURGED is terminal',
  holder: 'after {{seq}}, `{{counter}}` is {{got}} but {{holders}}',
  neededByVma: "after {{seq}}, {{bo}} is DONTNEED (purgeable) while {{vma}}'s latest advice is WILLNEED",
  neededByExport: 'after {{seq}}, {{bo}} is DONTNEED (purgeable) while its dma-buf export is live',
  moreDivergence: 'after {{seq}}, the patched code leaves {{bo}} {{now}} where the code before the patch left it {{before}}: more purgeable',
  lessDivergence: 'after {{seq}}, the patched code leaves {{bo}} {{now}} where the code before the patch left it {{before}}: less purgeable',
  stopped: 'the BO purgeability model could not run {{event}} {{after}}: {{reason}}',
} satisfies Record<PurgeabilityIssue['kind'], string>;

/** An issue in one sentence, as its finding says it. */
export function describeIssue(issue: PurgeabilityIssue): string {
  return formatMessage(ISSUE_MESSAGES[issue.kind], issue.data);
}

export function explainTable(issue: PurgeabilityIssue): string {
  const head = '| # | event | VMAs (latest advice) | `willneed_count` | `vma_count` | state, patched | state, before |';
  const lines = issue.trace.map((r, i) => `| ${i} | ${r.event} | ${r.vmas} | ${r.new.willneed} | ${r.new.vmaCount} | ${r.new.state} | ${r.old.state} |`);
  return [head, '| --- | --- | --- | --- | --- | --- | --- |', ...lines].join('\n');
}

/** Markdown for one issue: its sentence (`message`), the trace as a table, and how the model ran. */
export function explainIssue(result: PurgeabilityResult, issue: PurgeabilityIssue, message: string, sources: string[] = []): string {
  const world = issue.world === 'new' ? 'the patched code' : 'the code before the patch';
  return [
    `**BO purgeability model** (${world}${issue.imported ? ', imported BO' : ''}): ${message}.`,
    '',
    explainTable(issue),
    '',
    explainRun(result, sources),
  ].join('\n');
}

/** How the model ran: events, bound, states, what it assumed. */
export function explainRun(result: PurgeabilityResult, sources: string[] = []): string {
  const x = result.exploration;
  return [
    `The model ran every sequence of up to ${result.bound} events (${result.events.join(', ')}; at most ${MAX_VMAS} VMAs; an owned and an imported BO) on the patched code and on the code before the patch: ${x.states} distinct states, ${x.transitions} events run.`,
    ...(sources.length ? ['', 'Code it executed:', ...sources.map((s) => `- ${s}`)] : []),
    ...(result.skipped.length ? ['', `Not modelled (the patch shows neither version of the code): ${result.skipped.join(', ')}.`] : []),
    ...(result.notes.length ? ['', ...result.notes] : []),
    '',
    'Lines a hunk does not show are not run; a block opened before a hunk is entered unless it ends by leaving the function (the error path).',
  ].join('\n');
}
