/**
 * @file The failure-injection unwind model. A function that allocates (the allocation families of the
 * pair table) is executed as the patch writes it, once with every allocation succeeding and once more
 * for every allocation it makes, that one failing — inside loops over constant-sized arrays, at every
 * index, with the arrays' size cut to a small bound. Each run follows the function's own unwind labels
 * to its return. It reports an allocation still held when a failing run returns, one freed twice, or a
 * free of something never allocated. A prepare/teardown pair (`_prepare`/`_dead`, `_create`/`_destroy`,
 * …) is run back to back: what prepare leaves allocated, teardown must free exactly once.
 */
import { exprText, forEachExpr, type Expr, type FunctionAst, type Stmt } from '../../c/syntax/ast';
import { EvalStop, Evaluator, isObj, obj, UNKNOWN, type Obj, type Primitive, type Value } from '../../c/eval/eval';
import type { PairIndex, PairSpec } from '../../kernel/pairs';
import type { Budget } from '../../budget';
import type { Anchor, CodePiece } from '../code';
import { visibleStatements } from '../visible';
import { usesWithoutKeeping } from '../../kernel/uses';

export const MODEL_ID = 'unwind';

export interface UnwindFunction {
  name: string;
  /** Wholly visible (one piece) or its visible parts in file order. */
  pieces: CodePiece[];
}

export interface UnwindInput {
  target: UnwindFunction;
  /** The function that undoes it, when the series shows one. */
  teardown: UnwindFunction | null;
  /** Functions of the patch the code may call (wholly visible ones). */
  functions: ReadonlyMap<string, FunctionAst>;
  constants: ReadonlyMap<string, bigint>;
  /** The array sizes to run with: each maps dimension constants to the size the model gives them. */
  sizes: ReadonlyMap<string, bigint>[];
  pairs: PairIndex;
  /** The analysis's budget: every run's statements spend from it. */
  budget?: Budget;
}

/** One step of a run's path; `times` > 1 when the step repeated at once (a loop freeing element after element). */
export type UnwindStep = { kind: 'fail' | 'goto' | 'return' | 'free'; at: Anchor; label?: string; call?: string; times?: number };

/**
 * Bounds that keep the exploration linear whatever the code does: a path keeps its first steps (a run that
 * loops keeps going, its path does not grow), one issue per kind and place per run, and at most so many
 * runs per function (every allocation failing in turn, times the array sizes).
 */
export const MAX_PATH_STEPS = 40;
export const MAX_RUNS = 500;

export type UnwindIssueKind = 'leak' | 'doubleFree' | 'freedUnacquired' | 'teardownLeak' | 'teardownDoubleFree';

export interface UnwindIssue {
  kind: UnwindIssueKind;
  /** The injected failure: the call, and where its result was to go. */
  failure: { call: string; name: string | null; at: Anchor } | null;
  /** What is leaked or freed twice, by where it was stored (`buffer[0]`). */
  resources: string[];
  /** The free call (double free, or a free of something never allocated). */
  freeCall: string | null;
  path: UnwindStep[];
  at: Anchor | null;
  /** The sizes the arrays had in that run. */
  sizes: Record<string, string>;
}

export interface UnwindResult {
  issues: UnwindIssue[];
  runs: number;
  /** Why the model could not run the function, if it could not. */
  stopped: string | null;
  /** The runs the exploration needed but did not make (MAX_RUNS): failures past them were not tried. */
  skippedRuns: number;
  /** Each run of the first configuration and size, in order: what failed and how the run ended (the picture's rows). */
  outcomes: UnwindOutcome[];
}

/** One run: the allocation made to fail (none: every allocation succeeds) and what its return left. */
export interface UnwindOutcome {
  failAt: number;
  /** The failing call and where its result was to go (`vzalloc()`, `page[2]`). */
  call: string | null;
  name: string | null;
  /** `clean`: nothing left, nothing freed twice; `stopped`: the model could not finish the run. */
  result: 'clean' | 'leak' | 'doubleFree' | 'freedUnacquired' | 'stopped';
  /** What the run left allocated (a leak) or freed twice. */
  resources: string[];
}

/** Calls that use a pointer without keeping it. */
/** Accessors of per-CPU data: the same object for the same expression, in any function. */
const PER_CPU = /^(?:per_cpu_ptr|raw_cpu_ptr|this_cpu_ptr|per_cpu|get_cpu_ptr)$/;
const CONTAINER = /^(?:container_of|hlist_entry|list_entry|list_first_entry|rb_entry)$/;

interface Resource {
  call: string;
  pair: PairSpec;
  at: Anchor;
  name: string | null;
  freed: Anchor | null;
  escaped: boolean;
}

const isErrPtr = (v: Value): v is { kind: 'errptr'; code: bigint } => typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'errptr';
const ENOMEM = -12n;

/** Names a resource as a reader would: the member and index it is stored in (`buffer[2]`), or its variable. */
function shortName(lvalue: string): string {
  const m = /(?:->|\.)([A-Za-z_]\w*(?:\[[^\]]*\])*)$/.exec(lvalue);
  return m ? m[1] : lvalue;
}

/** Identifiers used as struct bases that the code does not declare: objects it was given (parameters too). */
function givenObjects(body: Stmt[]): Set<string> {
  const declared = new Set<string>();
  forEachExpr(
    body,
    () => undefined,
    (s) => {
      if (s.kind === 'decl') for (const v of s.vars) declared.add(v.name);
    },
  );
  const out = new Set<string>();
  forEachExpr(body, (e) => {
    if (e.kind === 'field' && e.object.kind === 'id' && !declared.has(e.object.name)) out.add(e.object.name);
  });
  return out;
}

class UnwindRun {
  readonly world = new Map<string, Obj>();
  readonly ledger = new Map<Obj, Resource>();
  readonly path: UnwindStep[] = [];
  /** Steps not recorded past MAX_PATH_STEPS. */
  pathCut = false;
  readonly issues: UnwindIssue[] = [];
  private readonly issueKeys = new Set<string>();
  acquisitions = 0;
  failure: UnwindIssue['failure'] = null;
  private pendingFailureName = false;
  private pieceOf = new Map<FunctionAst, CodePiece>();
  readonly ev: Evaluator;

  constructor(
    private readonly input: UnwindInput,
    constants: Map<string, bigint>,
    private readonly failAt: number,
    readonly sizes: Record<string, string>,
    ppArm: number,
  ) {
    for (const f of [input.target, input.teardown]) for (const p of f?.pieces ?? []) this.pieceOf.set(p.fn, p);
    this.ev = new Evaluator(
      { functions: input.functions, primitives: this.primitives(), iterators: new Map(), constants, resolve: (name) => this.resolve(name) },
      50_000,
      input.budget,
    );
    this.ev.ppArm = ppArm;
    this.ev.hook = (s, fn, phase) => {
      if (phase !== 'enter' || !fn) return;
      const piece = this.pieceOf.get(fn);
      if (!piece) return;
      const at = { origin: piece.origin, row: s.span.startRow, col: s.span.startCol };
      if (s.kind === 'goto') this.step({ kind: 'goto', label: s.label, at });
      else if (s.kind === 'return') this.step({ kind: 'return', at });
    };
    this.ev.onStore = (target, value, scope) => {
      const r = isObj(value) ? this.ledger.get(value) : undefined;
      if (r) r.name = shortName(this.ev.lvalueText(target, scope));
      else if (this.pendingFailureName && this.failure && (value === null || isErrPtr(value))) {
        this.failure.name = shortName(this.ev.lvalueText(target, scope));
        this.pendingFailureName = false;
      }
    };
  }

  object(key: string): Obj {
    let o = this.world.get(key);
    if (!o) this.world.set(key, (o = obj({}, key, true)));
    return o;
  }

  private anchorOf(e: { span: { startRow: number; startCol: number } }): Anchor {
    const fn = this.ev.stack[this.ev.stack.length - 1];
    const piece = fn ? this.pieceOf.get(fn) : undefined;
    return { origin: piece?.origin ?? -1, row: e.span.startRow, col: e.span.startCol };
  }

  private primitives(): Map<string, Primitive> {
    const bool = (b: boolean): bigint => (b ? 1n : 0n);
    return new Map<string, Primitive>([
      ['IS_ERR', (args) => bool(isErrPtr(args[0]))],
      ['IS_ERR_OR_NULL', (args) => bool(isErrPtr(args[0]) || args[0] === null || args[0] === 0n)],
      ['PTR_ERR', (args) => (isErrPtr(args[0]) ? args[0].code : UNKNOWN)],
      ['PTR_ERR_OR_ZERO', (args) => (isErrPtr(args[0]) ? args[0].code : 0n)],
      ['ERR_PTR', (args) => (typeof args[0] === 'bigint' ? { kind: 'errptr', code: args[0] } : UNKNOWN)],
      ['likely', (args) => args[0]],
      ['unlikely', (args) => args[0]],
    ]);
  }

  /** Allocation families from the pair table; per-CPU accessors; anything else keeps what it is handed. */
  private resolve(name: string): Primitive | undefined {
    if (PER_CPU.test(name)) return (_args, call) => this.object(`per-cpu ${exprText(call.args[0] ?? call)}`);
    if (CONTAINER.test(name)) return (_args, call) => this.object(`${name}(${call.args.map(exprText).join(', ')})`);
    const m = this.input.pairs.match(name);
    if (m && m.pair.kind === 'alloc')
      return m.role === 'acquire' ? (_args, call) => this.acquire(name, m.pair, call) : (args, call) => this.release(name, m.pair, args, call);
    return (args) => {
      // Handed to code the model does not run: it may keep it.
      if (!usesWithoutKeeping(name)) for (const a of args) if (isObj(a) && this.ledger.has(a)) this.ledger.get(a)!.escaped = true;
      return UNKNOWN;
    };
  }

  private acquire(name: string, pair: PairSpec, call: Extract<Expr, { kind: 'call' }>): Value {
    this.acquisitions++;
    const at = this.anchorOf(call);
    if (this.acquisitions === this.failAt) {
      this.failure = { call: name, name: null, at };
      this.pendingFailureName = true;
      this.step({ kind: 'fail', at, call: name });
      return pair.success === 'not-err' ? { kind: 'errptr', code: ENOMEM } : null;
    }
    const r = obj({}, `${name}#${this.acquisitions}`);
    this.ledger.set(r, { call: name, pair, at, name: null, freed: null, escaped: false });
    return r;
  }

  private release(name: string, pair: PairSpec, args: Value[], call: Extract<Expr, { kind: 'call' }>): Value {
    const v = args[pair.releaseKey ?? 0];
    const at = this.anchorOf(call);
    if (v === null || v === 0n || v === UNKNOWN || v === undefined) return UNKNOWN;
    if (isErrPtr(v)) {
      // A family that never returns an error pointer cannot take one back.
      if (pair.success !== 'not-err') this.issue('freedUnacquired', [exprText(call.args[pair.releaseKey ?? 0] ?? call)], name, at);
      return UNKNOWN;
    }
    const r = isObj(v) ? this.ledger.get(v) : undefined;
    if (!r) return UNKNOWN;
    this.step({ kind: 'free', at, call: name });
    if (r.freed) this.issue('doubleFree', [r.name ?? `the \`${r.call}()\` result`], name, at);
    else r.freed = at;
    return UNKNOWN;
  }

  /** A step of the path: a repeat of the last one counts on it; past MAX_PATH_STEPS nothing is kept. */
  private step(s: UnwindStep): void {
    const last = this.path[this.path.length - 1];
    if (
      last &&
      last.kind === s.kind &&
      last.call === s.call &&
      last.label === s.label &&
      last.at.origin === s.at.origin &&
      last.at.row === s.at.row &&
      last.at.col === s.at.col
    ) {
      last.times = (last.times ?? 1) + 1;
      return;
    }
    if (this.path.length >= MAX_PATH_STEPS) this.pathCut = true;
    else this.path.push(s);
  }

  /** An issue of this run; the same kind at the same place again (a loop freeing twice, again and again) is one. */
  issue(kind: UnwindIssueKind, resources: string[], freeCall: string | null, at: Anchor | null): void {
    const key = issueKey({ kind, failure: this.failure, at });
    if (this.issueKeys.has(key)) return;
    this.issueKeys.add(key);
    this.issues.push({
      kind,
      failure: this.failure ? { ...this.failure } : null,
      resources,
      freeCall,
      path: this.path.map((s) => ({ ...s })),
      at,
      sizes: this.sizes,
    });
  }

  /** Runs a function's visible code; what it returned, or why it could not. */
  run(f: UnwindFunction, given: ReadonlyMap<string, Value> = new Map()): { value: Value; how: string } {
    const bodies = f.pieces.map((p) => ({ piece: p, body: visibleStatements(p.fn.body) }));
    const bindings = new Map<string, Value>(given);
    for (const { body } of bodies) for (const name of givenObjects(body)) if (!bindings.has(name)) bindings.set(name, this.object(`given ${name}`));
    const scope = this.ev.scope(bindings);
    for (const { piece, body } of bodies) {
      const end = this.ev.runVisible(piece.fn, body, scope);
      if (end.how !== 'end') return end;
    }
    return { value: UNKNOWN, how: 'end' };
  }

  /** What a run's return value says: a failure, a success, or nothing the model can tell. */
  static outcome(fn: FunctionAst, value: Value, how: string): 'error' | 'success' | 'unknown' {
    if (how !== 'return') return 'unknown';
    if (typeof value === 'bigint') return value < 0n ? 'error' : value === 0n && !fn.returnsPointer ? 'success' : fn.returnsPointer ? 'error' : 'unknown';
    if (isErrPtr(value) || value === null) return 'error';
    if (isObj(value)) return 'success';
    return 'unknown';
  }

  live(): Resource[] {
    return [...this.ledger.values()].filter((r) => !r.freed && !r.escaped);
  }
}

/** Runs the target with every allocation succeeding, then with each failing in turn; and its teardown. */
export function runUnwind(input: UnwindInput): UnwindResult {
  const issues = new Issues();
  const outcomes: UnwindOutcome[] = [];
  let runs = 0;
  let skippedRuns = 0;
  let stopped: string | null = null;
  const fn = input.target.pieces[0].fn;
  // Each arm of the #if/#ifdef blocks the code holds, in turn (every first arm, then every second, …):
  // each configuration a reviewer's kernel could be built with is one run, and an issue of any is reported.
  let arms = 1;
  for (let arm = 0; arm < arms; arm++)
    for (const [sizeIndex, size] of (input.sizes.length ? input.sizes : [new Map<string, bigint>()]).entries()) {
      // The picture shows the first configuration and size: one row per failure point.
      const first = arm === 0 && sizeIndex === 0;
      const constants = new Map([...input.constants, ...size]);
      const sizes = Object.fromEntries([...size].map(([k, v]) => [k, String(v)]));
      let total = Infinity;
      for (let failAt = 0; failAt <= total; failAt++) {
        if (runs >= MAX_RUNS) {
          skippedRuns += total === Infinity ? 1 : total - failAt + 1;
          break;
        }
        const run = new UnwindRun(input, constants, failAt, sizes, arm);
        runs++;
        let end: { value: Value; how: string };
        try {
          end = run.run(input.target);
          arms = Math.max(arms, run.ev.ppArms);
        } catch (e) {
          arms = Math.max(arms, run.ev.ppArms);
          if (!(e instanceof EvalStop)) throw e;
          stopped ??= e.message;
          if (first) outcomes.push({ failAt, call: run.failure?.call ?? null, name: run.failure?.name ?? null, result: 'stopped', resources: [] });
          if (failAt === 0) break;
          continue;
        }
        if (failAt === 0) total = run.acquisitions;
        const outcome = UnwindRun.outcome(fn, end.value, end.how);
        if (failAt > 0 && outcome === 'error') {
          // A failing run that returns an error must have given back everything it took.
          const leaked = run.live();
          if (leaked.length)
            run.issue(
              'leak',
              leaked.map((r) => r.name ?? `the \`${r.call}()\` result`),
              null,
              run.failure?.at ?? null,
            );
        }
        issues.add(...run.issues);
        if (first) {
          const worst =
            run.issues.find((i) => i.kind === 'doubleFree') ??
            run.issues.find((i) => i.kind === 'leak') ??
            run.issues.find((i) => i.kind === 'freedUnacquired');
          outcomes.push({
            failAt,
            call: run.failure?.call ?? null,
            name: run.failure?.name ?? null,
            result: worst ? (worst.kind as UnwindOutcome['result']) : 'clean',
            resources: worst?.resources ?? [],
          });
        }
        if (failAt === 0 && outcome === 'success' && input.teardown) {
          const kept = run.live();
          const before = run.issues.length;
          // A constructor that returns what it made (`ctx = foo_alloc_ctx()`) hands it to its destructor's first
          // parameter (`foo_free_ctx(ctx)`).
          const first = input.teardown.pieces[0]?.fn.params[0];
          const given =
            isObj(end.value) && first && !input.target.pieces[0]?.fn.params.includes(first) ? new Map([[first, end.value]]) : new Map<string, Value>();
          try {
            run.run(input.teardown, given);
            arms = Math.max(arms, run.ev.ppArms);
          } catch (e) {
            arms = Math.max(arms, run.ev.ppArms);
            if (!(e instanceof EvalStop)) throw e;
            stopped ??= e.message;
            continue;
          }
          for (const i of run.issues.slice(before)) issues.add({ ...i, kind: i.kind === 'doubleFree' ? 'teardownDoubleFree' : i.kind });
          const missed = kept.filter((r) => !r.freed && !r.escaped);
          if (missed.length)
            issues.add({
              kind: 'teardownLeak',
              failure: null,
              resources: missed.map((r) => r.name ?? `the \`${r.call}()\` result`),
              freeCall: null,
              path: [],
              at: null,
              sizes,
            });
        }
      }
    }
  return { issues: issues.list(), runs, stopped, skippedRuns, outcomes };
}

/** What makes two issues one: their kind, the injected failure's place and the issue's place. */
function issueKey(i: Pick<UnwindIssue, 'kind' | 'failure' | 'at'>): string {
  return `${i.kind}|${i.failure ? `${i.failure.call}@${i.failure.at.origin}:${i.failure.at.row}` : ''}|${i.at ? `${i.at.origin}:${i.at.row}` : ''}`;
}

/** One issue per kind and place, kept as the runs go: of several, the one that involves most (the last loop index). */
class Issues {
  private readonly best = new Map<string, UnwindIssue>();
  add(...issues: UnwindIssue[]): void {
    for (const i of issues) {
      const k = issueKey(i);
      const have = this.best.get(k);
      if (!have || i.resources.length > have.resources.length) this.best.set(k, i);
    }
  }
  list(): UnwindIssue[] {
    return [...this.best.values()];
  }
}
