/**
 * @file The shape of a rule: one module with `meta` (id, default severity, one-line summary, messages by
 * id, confidence, known false positives) and `check(ctx)`, which reads the parsed series and reports.
 */
import type { FunctionFilter, ImageView, ParsedSeries } from '../c/syntax/parsed';
import type { Side, Span } from '../c/syntax/image';
import type { Fix, ModelView, RelatedInfo, Severity } from '../findings';
import type { Patch, Range } from '../ingest';
import type { KernelTree } from '../kernel/kernel-tree';
import type { AnalysisConfig } from '../config';

export type Confidence = 'high' | 'medium' | 'low';

/**
 * `M`: the rule's message ids. A rule is written with them as a union (`defineRule` infers it from
 * `meta.messages`), so a report naming an id the rule does not have does not compile.
 */
export interface RuleMeta<M extends string = string> {
  summary: string;
  defaultSeverity: Severity;
  confidence: Confidence;
  /** Message templates by id; `{{name}}` is replaced from the report's data. */
  messages: Readonly<Record<M, string>>;
  /** false: the rule reports on the document itself (its damage, its size), not on old and new code. */
  differential?: boolean;
  /**
   * The rule reads whole functions (parsed into ASTs: to follow their paths, walk their expressions or run
   * a model on them): the costly part of a first analysis. An editor opening a large document may show
   * the other rules' findings before its own.
   */
  readsFunctions?: boolean;
  /**
   * The filters check() reads functions with: the engine registers them with its cache, so the first parse
   * of an image converts the definitions every rule will want, and no rule parses it again.
   */
  functionFilters?: readonly FunctionFilter[];
  /**
   * The rule reads the pair table (`ctx.config.pairs`): the engine extends the table with the pairs the
   * series itself shows (which costs reading the lock helpers it defines) only when a running rule does.
   */
  usesPairTable?: boolean;
  knownFalsePositives?: string[];
}

export interface Rule<M extends string = string> {
  id: string;
  meta: RuleMeta<M>;
  check(ctx: RuleContext<M>): void;
  /**
   * The expensive work check() will need (parsing images, analysing functions), found cheaply from the
   * lexical scans. The engine runs these first, in slices, so a long analysis can report progress and
   * be cancelled; their results are cached, so check() then finds them done.
   */
  prefetch?(series: ParsedSeries, config: AnalysisConfig): Iterable<() => unknown>;
}

/** A rule, its message ids inferred from `meta.messages` and required of every report. */
export function defineRule<const M extends string>(rule: Rule<M>): Rule<M> {
  return rule;
}

/** Where a finding is: a span of an image (mapped to the document by the engine) or a document range. */
export type Location =
  | { view: ImageView; span: Span; patch: Patch | null; path: string | null }
  | { range: Range; patch: Patch | null; path: string | null; fileLine: number | null };

export interface Report<M extends string = string> {
  at: Location;
  /** Which image the finding was made on; findings on `old` only are fixed by the patch. */
  side: Side;
  /** One of the rule's own message ids (the engine refuses any other). */
  messageId: M;
  data?: Record<string, string | number>;
  /** Identity across the old and new image and across edits elsewhere: no document positions in it. */
  key: string;
  explanation?: string;
  /** Overrides the rule's default severity for this finding (a user setting still wins). */
  severity?: Severity;
  fixes?: Fix[];
  related?: RelatedInfo[];
  model?: ModelView;
  /** Names whose hover anywhere in the document shows this finding's explanation. */
  about?: string[];
}

export interface RuleContext<M extends string = string> {
  readonly series: ParsedSeries;
  readonly config: AnalysisConfig;
  /** The reviewer's kernel tree, when the host has one. */
  readonly tree: KernelTree | null;
  report(report: Report<M>): void;
}
