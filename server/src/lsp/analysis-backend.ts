/**
 * @file How the language server reaches its analyses: a backend the host provides (on Node, a worker
 * thread running the AnalysisService). Every call returns at once; results come as promises and events.
 */
import type { Finding, ModelRunArgs } from '../core/findings';
import type { Pos } from '../core/ingest';
import type { AnalysisOutcome, AnalyzeOptions } from './analysis-service';
import type { Description } from '../core/describe';
import type { ModelPanel } from '../core/models/model-panel';

export interface AnalysisRun {
  /** The outcome; null when it was cancelled. */
  result: Promise<AnalysisOutcome | null>;
  /** Stops the analysis, inside a model if need be (within about a thousand steps). */
  cancel(): void;
}

export interface AnalysisEvents {
  /** From 0 to 1. */
  progress(fraction: number): void;
  /** The findings of the rules that read no whole function, before the rest (a long document opened). */
  quick(shown: Finding[]): void;
}

export interface TreeEvents {
  started(root: string): void;
  /** A search of the tree is done; `searching` are still under way. */
  ready(root: string, searching: number): void;
}

export interface AnalysisBackend {
  analyze(uri: string, text: string, options: AnalyzeOptions, how: { quickFirst: boolean; onlyIfCode: boolean }, events: AnalysisEvents): AnalysisRun;
  hover(uri: string, position: Pos): Promise<Description | null>;
  /** A model run for the panel (never rejects: a refusal is the panel's `error`; null if the worker died). */
  runModel(uri: string, run: ModelRunArgs): Promise<ModelPanel | null>;
  close(uri: string): void;
  tree(op: 'refresh' | 'forget' | 'cancel', root: string): void;
  onTree(events: TreeEvents): void;
  dispose(): Promise<void>;
}
