/** @file The settings one analysis runs with, shared by the rules and the models they run. */
import type { PairIndex } from './kernel/pairs';
import type { MinedPairs } from './kernel/kernel-tree';

/** Settings the rules and models share for one analysis. */
export interface AnalysisConfig {
  pairs: PairIndex;
  /** Identity of the pair table, for caches of results that depend on it. */
  pairsKey: string;
  /**
   * `introduced`: the caller shows only what the patches introduce, so a rule may skip work that only
   * finds what they fix (reading old code where the new code has nothing to classify).
   */
  findings: 'introduced' | 'all';
  /** What per-CPU memory is counted for: CPUs per machine, instances (pools) per CPU. */
  footprint: { cpus: number; pools: number };
  /** The tree's own mined pairs in the table, when a tree gave them (else the committed ones are). */
  mined?: MinedPairs | null;
}

/** What per-CPU memory is counted for when nobody says: a large server's CPUs, one instance per CPU. */
export const DEFAULT_FOOTPRINT = { cpus: 224, pools: 1 };
