/**
 * @file One world of the xe BO purgeability model: a BO, its VMAs and dma-buf, and the code of one side
 * of the patch, run event by event. The kernel's own functions for each event run as the patch shows
 * them; what they call that the patch does not show is a modelled primitive (the BO's state, the GEM
 * object's dma-buf, the GPU VA list the old code walks, the assertions).
 */
import { Budget } from '../../budget';
import { exprText, forEachExpr, type Expr, type FunctionAst, type Stmt } from '../../c/syntax/ast';
import { EvalStop, Evaluator, isObj, obj, UNKNOWN, type Iterator, type Obj, type Primitive, type Value } from '../../c/eval/eval';
import { GraphCopier, fingerprint } from '../../c/eval/values';
import type { Anchor, CodePiece } from '../code';
import { visibleStatements } from '../visible';

export type { Anchor, CodePiece } from '../code';

/** The code of one world: before or after the patch. */
export interface WorldCode {
  /** By name, a wholly visible function (one piece) or the visible parts of one, in file order. */
  functions: ReadonlyMap<string, CodePiece[]>;
  constants: ReadonlyMap<string, bigint>;
  /** The function `.release` of the dma-buf ops names on this side, when the patch shows it. */
  release: string | null;
}

/** The functions that run for each event, in the kernel. */
export const EVENT_FUNCTIONS = {
  create: 'xe_vma_create',
  destroy: 'xe_vma_destroy',
  madvise: 'madvise_purgeable',
  export: 'xe_gem_prime_export',
} as const;

export const COUNTERS = ['willneed_count', 'vma_count'] as const;
export type Counter = (typeof COUNTERS)[number];

/** Values the model assumes when the patch does not define them (the uapi and xe_bo_types.h ones). */
const DEFAULT_CONSTANTS: [string, bigint][] = [
  ['XE_MADV_PURGEABLE_WILLNEED', 0n],
  ['XE_MADV_PURGEABLE_DONTNEED', 1n],
  ['XE_MADV_PURGEABLE_PURGED', 2n],
  ['DRM_XE_VMA_PURGEABLE_STATE_WILLNEED', 0n],
  ['DRM_XE_VMA_PURGEABLE_STATE_DONTNEED', 1n],
  ['DRM_XE_VMA_PURGEABLE_STATE_PURGED', 2n],
];

/** Fields the model itself reads (the primitives, the checks): always part of a world's identity. */
const MODEL_FIELDS = ['madv_purgeable', 'dma_buf', 'vma', 'gpuva', 'attr', 'purgeable_state', 'ttm', 'base', ...COUNTERS];

const ENOMEM = -12n;

export type Advice = 'WILLNEED' | 'DONTNEED';
export type ExportFailure = 'ttm_bo_setup_export' | 'drm_gem_prime_export';
export type StateName = 'WILLNEED' | 'DONTNEED' | 'PURGED';

/** An event. VMAs are named for the reader and found by their index in the world's list. */
export type PurgeEvent =
  | { kind: 'create'; vma: string; advice: Advice }
  | { kind: 'destroy'; vma: string; index: number }
  | { kind: 'madvise'; vma: string; index: number; advice: Advice }
  | { kind: 'export'; fails: ExportFailure | null }
  | { kind: 'release' }
  | { kind: 'purge' };

export function eventLabel(e: PurgeEvent): string {
  switch (e.kind) {
    case 'create':
      return `create ${e.vma} ${e.advice}`;
    case 'destroy':
      return `destroy ${e.vma}`;
    case 'madvise':
      return `madvise ${e.vma} ${e.advice}`;
    case 'export':
      return e.fails ? `export, \`${e.fails}()\` fails` : 'export';
    case 'release':
      return 'release the dma-buf';
    case 'purge':
      return 'purge';
  }
}

/** The same event on any VMA list: what a world's step depends on (the VMA by index, not by name). */
export const eventKey = (e: PurgeEvent): string =>
  e.kind === 'create'
    ? `c${e.advice[0]}`
    : e.kind === 'destroy'
      ? `d${e.index}`
      : e.kind === 'madvise'
        ? `m${e.index}${e.advice[0]}`
        : e.kind === 'export'
          ? `e${e.fails ?? ''}`
          : e.kind;

export interface World {
  bo: Obj;
  gem: Obj;
  /** The VMAs mapping the BO, in creation order. */
  vmas: Obj[];
  /** The GPU VAs linked to the BO, as the iterators walk them. */
  linked: Obj[];
  /** The live dma-buf as this world's code returned it. */
  dmabuf: Obj | null;
}

export interface StepRecord {
  /** Assertions that failed during the event. */
  failures: string[];
  /** The state PURGED was left for during the event. */
  leftPurged: StateName | null;
  /** Where the model places what the event showed; found only when asked (a second run with hooks). */
  anchor: Anchor | null;
  /** The world's code for the event is not visible: its effect on this world is unknown. */
  blind: boolean;
  stopped: string | null;
}

/** A world's identity: the BO (with its dma-buf) and each VMA, fields nothing reads left out. */
export interface WorldKeys {
  bo: string;
  vmas: string[];
  /** The whole world, VMAs in order. */
  exact: string;
}

const isErrPtr = (v: Value): v is { kind: 'errptr'; code: bigint } => typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'errptr';

/** Field names the code reads (not only assigns): the others cannot change what happens next. */
function readFields(pieces: Iterable<CodePiece>): Set<string> {
  const out = new Set<string>(MODEL_FIELDS);
  for (const p of pieces) {
    const targets = new Set<Expr>();
    forEachExpr(p.fn.body, (e) => {
      if (e.kind === 'assign' && e.op === '=') targets.add(e.left);
      else if (e.kind === 'field' && !targets.has(e)) out.add(e.name);
    });
  }
  return out;
}

/** The model's view of one world's code: its functions, prepared for events, and the primitives. */
export class WorldRunner {
  readonly ev: Evaluator;
  readonly constants: Map<string, bigint>;
  readonly tracks = new Set<Counter>();
  /** The code this world shows ever sets the BO's purgeable state (has purgeability logic at all). */
  readonly setsState: boolean;
  readonly releaseFunction: string;
  private readonly whole = new Map<string, FunctionAst>();
  private readonly pieceOf = new Map<FunctionAst, CodePiece>();
  private readonly glue = new Map<string, { piece: CodePiece; body: Stmt[] }[]>();
  private readonly names = new Map<bigint, StateName>();
  private readonly relevant: (field: string) => boolean;

  // The event being run.
  private world!: World;
  private imported = false;
  private failing: ExportFailure | null = null;
  private record!: StepRecord;
  private entered: { s: Stmt; before: string; failures: number; marks: number }[] = [];
  private changedAt: Anchor | null = null;
  private changedDepth = Infinity;
  /** Per function depth, how many changing statements were recorded (a statement whose child changed the BO is not). */
  private recorded = new Map<number, number>();
  private firstAddedAt: Anchor | null = null;
  private firstAddedDepth = Infinity;

  constructor(code: WorldCode, budget: Budget = Budget.unlimited()) {
    this.constants = new Map([...DEFAULT_CONSTANTS, ...code.constants]);
    for (const n of ['PURGED', 'DONTNEED', 'WILLNEED'] as const) this.names.set(this.constants.get(`XE_MADV_PURGEABLE_${n}`)!, n);
    const all: CodePiece[] = [];
    for (const [name, pieces] of code.functions) {
      all.push(...pieces);
      for (const p of pieces) this.pieceOf.set(p.fn, p);
      if (pieces.length === 1 && pieces[0].fn.entryVisible && pieces[0].fn.endVisible) this.whole.set(name, pieces[0].fn);
    }
    let setsState = false;
    for (const p of all) {
      forEachExpr(p.fn.body, (e) => {
        if (e.kind === 'field' && (COUNTERS as readonly string[]).includes(e.name)) this.tracks.add(e.name as Counter);
        if (e.kind === 'call' && e.fn === 'xe_bo_set_purgeable_state') setsState = true;
      });
    }
    this.setsState = setsState;
    const read = readFields(all);
    this.relevant = (f) => read.has(f);
    for (const name of Object.values(EVENT_FUNCTIONS)) {
      const pieces = code.functions.get(name);
      if (pieces)
        this.glue.set(
          name,
          pieces.map((piece) => ({ piece, body: visibleStatements(piece.fn.body) })),
        );
    }
    this.releaseFunction = code.release ?? 'drm_gem_dmabuf_release';
    this.ev = new Evaluator({ functions: this.whole, primitives: this.primitives(), iterators: this.iterators(), constants: this.constants }, 20_000, budget);
  }

  visible(name: string): boolean {
    return this.glue.has(name);
  }

  constant(name: string): bigint {
    return this.constants.get(name)!;
  }

  nameOf(v: bigint): StateName | string {
    return this.names.get(v) ?? String(v);
  }

  stateOf(w: World): bigint {
    const v = w.bo.fields.get('madv_purgeable');
    return typeof v === 'bigint' ? v : 0n;
  }

  /** A counter wherever the code keeps it in the BO (directly, or in a member struct). */
  counter(w: World, name: Counter): bigint {
    const find = (o: Obj, depth: number): bigint | null => {
      const v = o.fields.get(name);
      if (typeof v === 'bigint') return v;
      if (depth > 0) {
        for (const f of o.fields.values()) {
          if (isObj(f) && f.zeroed) {
            const r = find(f, depth - 1);
            if (r !== null) return r;
          }
        }
      }
      return null;
    };
    return find(w.bo, 2) ?? 0n;
  }

  newWorld(): World {
    const gem = obj({ dma_buf: null }, 'gem', true);
    const bo = obj({ ttm: obj({ base: gem }, 'ttm', true), madv_purgeable: this.constant('XE_MADV_PURGEABLE_WILLNEED') }, 'bo', true);
    return { bo, gem, vmas: [], linked: [], dmabuf: null };
  }

  keys(w: World): WorldKeys {
    const bo = fingerprint([w.bo, w.dmabuf], this.relevant);
    const vmas = w.vmas.map((v) => `${w.linked.includes(v.fields.get('gpuva') as Obj) ? 'L' : ''}${fingerprint([v], this.relevant)}`);
    return { bo, vmas, exact: `${bo}|${vmas.join('|')}` };
  }

  private primitives(): Map<string, Primitive> {
    const bool = (b: boolean): bigint => (b ? 1n : 0n);
    const assertion =
      (index: number, failsWhen: (v: Value) => boolean, name: string): Primitive =>
      (args, call) => {
        if (failsWhen(args[index])) this.record.failures.push(`${name}(${exprText(call.args[index])})`);
        return args[index];
      };
    const nonzero = (v: Value): boolean => typeof v === 'bigint' && v !== 0n;
    const bo = (): Obj => this.world.bo;
    return new Map<string, Primitive>([
      ['xe_assert', assertion(1, (v) => v === 0n, 'xe_assert')],
      ['xe_assert_msg', assertion(1, (v) => v === 0n, 'xe_assert_msg')],
      ['WARN_ON', assertion(0, nonzero, 'WARN_ON')],
      ['WARN_ON_ONCE', assertion(0, nonzero, 'WARN_ON_ONCE')],
      ['XE_WARN_ON', assertion(0, nonzero, 'XE_WARN_ON')],
      ['drm_gem_is_imported', () => bool(this.imported)],
      ['xe_bo_madv_is_dontneed', () => bool(this.stateOf(this.world) === this.constant('XE_MADV_PURGEABLE_DONTNEED'))],
      ['xe_bo_is_purged', () => bool(this.stateOf(this.world) === this.constant('XE_MADV_PURGEABLE_PURGED'))],
      [
        'xe_bo_set_purgeable_state',
        (args) => {
          const next = args[1];
          if (typeof next !== 'bigint') throw new EvalStop('`xe_bo_set_purgeable_state()` is given a state the model does not know');
          const purged = this.constant('XE_MADV_PURGEABLE_PURGED');
          if (this.stateOf(this.world) === purged && next !== purged) this.record.leftPurged = (this.names.get(next) ?? null) as StateName | null;
          this.world.bo.fields.set('madv_purgeable', next);
          return UNKNOWN;
        },
      ],
      ['xe_bo_lock', () => 0n],
      ['dma_resv_lock', () => 0n],
      ['drm_gpuva_link', (args) => (isObj(args[0]) && !this.world.linked.includes(args[0]) && this.world.linked.push(args[0]), UNKNOWN)],
      ['drm_gpuva_unlink', (args) => ((this.world.linked = this.world.linked.filter((g) => g !== args[0])), UNKNOWN)],
      ['ttm_bo_setup_export', () => (this.failing === 'ttm_bo_setup_export' ? ENOMEM : 0n)],
      ['drm_gem_prime_export', (args) => (this.failing === 'drm_gem_prime_export' ? { kind: 'errptr', code: ENOMEM } : this.newDmabuf(args[0]))],
      ['IS_ERR', (args) => bool(isErrPtr(args[0]))],
      ['IS_ERR_OR_NULL', (args) => bool(isErrPtr(args[0]) || args[0] === null || args[0] === 0n)],
      ['PTR_ERR', (args) => (isErrPtr(args[0]) ? args[0].code : 0n)],
      ['ERR_PTR', (args) => (typeof args[0] === 'bigint' ? { kind: 'errptr', code: args[0] } : UNKNOWN)],
      ['gem_to_xe_bo', bo],
      ['ttm_to_xe_bo', bo],
      ['xe_vma_bo', bo],
      ['gpuva_to_vma', (args) => (isObj(args[0]) ? (args[0].fields.get('vma') ?? UNKNOWN) : UNKNOWN)],
      [
        'drm_gem_dmabuf_release',
        (args) => {
          // The GEM object forgets its dma-buf once the last reference to the dma-buf goes.
          if (this.world.gem.fields.get('dma_buf') === args[0]) this.world.gem.fields.set('dma_buf', null);
          return UNKNOWN;
        },
      ],
      ['likely', (args) => args[0]],
      ['unlikely', (args) => args[0]],
    ]);
  }

  private iterators(): Map<string, Iterator> {
    const varName = (args: Expr[]): string => (args[0]?.kind === 'id' ? args[0].name : '');
    return new Map<string, Iterator>([
      // One VM in the model: one vm_bo, if anything is linked.
      ['drm_gem_for_each_gpuvm_bo', (args) => (this.world.linked.length ? [new Map([[varName(args), obj({}, 'vm_bo', true)]])] : [])],
      ['drm_gpuvm_bo_for_each_va', (args) => [...this.world.linked].map((g) => new Map<string, Value>([[varName(args), g]]))],
    ]);
  }

  private newDmabuf(gem: Value): Value {
    const dmabuf = obj({ priv: gem }, 'dma_buf', true);
    if (isObj(gem)) gem.fields.set('dma_buf', dmabuf);
    return dmabuf;
  }

  /** What an anchor statement must change: the BO's state or a counter. */
  private summary(): string {
    return `${this.stateOf(this.world)}/${this.counter(this.world, 'willneed_count')}/${this.counter(this.world, 'vma_count')}`;
  }

  /**
   * Finds the statement to place a finding on: of the added statements that changed the BO (its state,
   * a counter) or made an assertion fail, those in the outermost function that has any (the event's own
   * code before the helpers it calls); of those, the innermost (the call, not the `if` around it); of
   * those, the last to run (the change that left the BO as it is). No such statement: the first added
   * statement that ran.
   */
  private onStatement(s: Stmt, fn: FunctionAst | null, phase: 'enter' | 'exit'): void {
    const piece = fn ? this.pieceOf.get(fn) : undefined;
    if (!piece) return;
    const depth = this.ev.stack.length;
    if (phase === 'enter') {
      this.entered.push({ s, before: this.summary(), failures: this.record.failures.length, marks: this.recorded.get(depth) ?? 0 });
      if (piece.added.has(s.span.startRow) && depth < this.firstAddedDepth) {
        this.firstAddedDepth = depth;
        this.firstAddedAt = { origin: piece.origin, row: s.span.startRow, col: s.span.startCol };
      }
      return;
    }
    const e = this.entered.pop();
    if (!e || e.s !== s || !piece.added.has(s.span.startRow) || depth > this.changedDepth) return;
    const marks = this.recorded.get(depth) ?? 0;
    if (marks !== e.marks) return;
    if (e.failures === this.record.failures.length && e.before === this.summary()) return;
    this.recorded.set(depth, marks + 1);
    this.changedDepth = depth;
    this.changedAt = { origin: piece.origin, row: s.span.startRow, col: s.span.startCol };
  }

  /** Runs the visible code of an event function; null when this world does not show it. */
  private runGlue(name: string, bindings: Record<string, Value>): { how: string; value: Value } | null {
    const parts = this.glue.get(name);
    if (!parts) return null;
    const scope = this.ev.scope(new Map(Object.entries(bindings)));
    for (const { piece, body } of parts) {
      const end = this.ev.runVisible(piece.fn, body, scope);
      if (end.how !== 'end') return end;
    }
    return { how: 'end', value: UNKNOWN };
  }

  /**
   * Runs one event on a world, changing it. `anchored`: also find the statement to place a finding on
   * (statement hooks make a run several times slower, so only the few runs that found something do it).
   */
  run(e: PurgeEvent, imported: boolean, w: World, anchored = false): StepRecord {
    this.ev.hook = anchored ? (s, fn, phase) => this.onStatement(s, fn, phase) : null;
    this.world = w;
    this.imported = imported;
    this.failing = e.kind === 'export' ? e.fails : null;
    this.record = { failures: [], leftPurged: null, anchor: null, blind: false, stopped: null };
    this.entered = [];
    this.recorded = new Map();
    this.changedAt = this.firstAddedAt = null;
    this.changedDepth = this.firstAddedDepth = Infinity;
    this.ev.steps = 0;
    try {
      this.apply(e, w);
    } catch (err) {
      if (!(err instanceof EvalStop)) throw err;
      this.record.stopped = err.message;
    }
    this.record.anchor = this.changedAt ?? this.firstAddedAt;
    return this.record;
  }

  private apply(e: PurgeEvent, w: World): void {
    const bo = w.bo;
    switch (e.kind) {
      case 'create': {
        const vma = obj({}, e.vma, true);
        const attr = obj({ purgeable_state: this.constant(`XE_MADV_PURGEABLE_${e.advice}`) }, undefined, true);
        const gpuva = obj({ vma }, undefined, true);
        vma.fields.set('attr', attr);
        vma.fields.set('gpuva', gpuva);
        w.vmas.push(vma);
        // Linked whether or not the hunk shows the link: the old code's walk must see the mapping.
        w.linked.push(gpuva);
        this.record.blind = !this.runGlue(EVENT_FUNCTIONS.create, { bo, vma, vm_bo: obj({}, 'vm_bo', true), bo_offset_or_userptr: 0n });
        return;
      }
      case 'destroy': {
        const vma = w.vmas[e.index];
        w.linked = w.linked.filter((g) => g !== vma.fields.get('gpuva'));
        this.record.blind = !this.runGlue(EVENT_FUNCTIONS.destroy, { bo, vma, fence: null });
        w.vmas = w.vmas.filter((x) => x !== vma);
        return;
      }
      case 'madvise': {
        const op = obj({ purge_state_val: obj({ val: this.constant(`DRM_XE_VMA_PURGEABLE_STATE_${e.advice}`) }, undefined, true) }, 'op', true);
        this.record.blind = !this.runGlue(EVENT_FUNCTIONS.madvise, { bo, vmas: [w.vmas[e.index]], i: 0n, num_vmas: 1n, op });
        return;
      }
      case 'export': {
        const ran = this.runGlue(EVENT_FUNCTIONS.export, { obj: w.gem, flags: 0n, bo });
        if (!ran) {
          this.record.blind = true;
          if (!e.fails) w.dmabuf = this.newDmabuf(w.gem) as Obj;
        } else if (ran.how === 'return' && isObj(ran.value)) w.dmabuf = ran.value;
        return;
      }
      case 'release': {
        const dmabuf = w.dmabuf;
        w.dmabuf = null;
        if (!dmabuf) return;
        const fn = this.whole.get(this.releaseFunction);
        if (fn) {
          this.ev.call(fn, [dmabuf]);
          return;
        }
        if (this.releaseFunction !== 'drm_gem_dmabuf_release') this.record.blind = true;
        if (w.gem.fields.get('dma_buf') === dmabuf) w.gem.fields.set('dma_buf', null);
        return;
      }
      case 'purge':
        if (this.stateOf(w) === this.constant('XE_MADV_PURGEABLE_DONTNEED')) bo.fields.set('madv_purgeable', this.constant('XE_MADV_PURGEABLE_PURGED'));
        return;
    }
  }
}

export function copyWorld(w: World): World {
  const c = new GraphCopier();
  return { bo: c.obj(w.bo), gem: c.obj(w.gem), vmas: w.vmas.map((v) => c.obj(v)), linked: w.linked.map((g) => c.obj(g)), dmabuf: w.dmabuf && c.obj(w.dmabuf) };
}
