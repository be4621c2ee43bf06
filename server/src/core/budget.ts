/**
 * @file The work one analysis of one document may do: a number of steps (statements the evaluator runs,
 * events the models explore) and a time, shared by every evaluator and model of that analysis, and a
 * cancellation flag the host sets (an edit, a closed document). Running out is not an error in the input:
 * what was cut short is named in an analysis-limit note and the rest of the findings stand.
 */

export type BudgetEnd = 'steps' | 'time' | 'cancelled';

/** Thrown from deep inside an evaluator or model; caught by the engine around each rule. */
export class BudgetExhausted extends Error {
  constructor(readonly end: BudgetEnd) {
    super(end === 'cancelled' ? 'the analysis was cancelled' : `the analysis budget ran out (${end})`);
  }
}

export interface BudgetLimits {
  /** Evaluator statements and model events, all rules together. */
  steps: number;
  /** Wall-clock milliseconds from the start of the rules. */
  ms: number;
}

/**
 * About 50 times what the five seed messages and the 200-patch benchmark series need at most (the BO
 * model on the xe BO purgeability counters patch: about 60,000 steps), and a time a reader barely notices.
 */
export const DEFAULT_BUDGET: BudgetLimits = { steps: 4_000_000, ms: 4_000 };

/** How often (in steps) the clock and the cancellation flag are read: both cost more than a step. */
const CHECK_EVERY = 1024;

export class Budget {
  private used = 0;
  private nextCheck = CHECK_EVERY;
  private deadline: number;
  /** Why it ended, once it has: every later spend throws at once. */
  ended: BudgetEnd | null = null;

  constructor(
    readonly limits: BudgetLimits = DEFAULT_BUDGET,
    private readonly isCancelled: () => boolean = () => false,
  ) {
    this.deadline = performance.now() + limits.ms;
  }

  /** A budget that never runs out (a model run from the command line on parameters the user gave). */
  static unlimited(): Budget {
    return new Budget({ steps: Number.MAX_SAFE_INTEGER, ms: Number.MAX_SAFE_INTEGER });
  }

  get steps(): number {
    return this.used;
  }

  /** Spends `n` steps; throws BudgetExhausted when the steps or the time are gone, or the work was cancelled. */
  spend(n = 1): void {
    if (this.ended) throw new BudgetExhausted(this.ended);
    this.used += n;
    if (this.used > this.limits.steps) this.end('steps');
    if (this.used >= this.nextCheck) {
      this.nextCheck = this.used + CHECK_EVERY;
      this.check();
    }
  }

  /** Starts the clock again (at the first rule: reading and parsing the document are not the models' work). */
  restart(): void {
    this.deadline = performance.now() + this.limits.ms;
    if (this.ended === 'time') this.ended = null;
  }

  /** Reads the clock and the flag now (between rules, between models' runs). */
  check(): void {
    if (this.ended) throw new BudgetExhausted(this.ended);
    if (this.isCancelled()) this.end('cancelled');
    if (performance.now() > this.deadline) this.end('time');
  }

  private end(why: BudgetEnd): never {
    this.ended = why;
    throw new BudgetExhausted(why);
  }
}
