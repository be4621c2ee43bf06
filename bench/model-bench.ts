/**
 * @file The BO purgeability model's exploration time on seed 004 (read from ../shared/seeds, never
 * copied here), at the default bound and at the bound + 2: the first run in a fresh process (what one
 * `mm-review check` pays) and the median of repeated runs (an editor session), with the states and
 * events each explored. Baseline in the same run: the rest of the analysis of the same document.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CParser } from '../server/src/core/c/syntax/parser';
import { Engine } from '../server/src/core/engine';
import { DEFAULT_BOUND, runPurgeabilityModel } from '../server/src/core/models/bo-purgeability/bo-purgeability';
import { purgeabilityInputs } from '../server/src/core/models/bo-purgeability/bo-purgeability-input';
import { median } from './stats';

export function seed004(repo: string): string | null {
  const dir = process.env.MM_REVIEW_SEEDS ?? path.resolve(repo, '..', 'shared', 'seeds');
  const name = fs.existsSync(dir) ? fs.readdirSync(dir).find((n) => n.startsWith('004')) : undefined;
  return name ? fs.readFileSync(path.join(dir, name), 'utf8') : null;
}

/** One model run at `bound` on seed 004, in this (fresh) process: the benchmark's child. */
export function firstModelRun(parser: CParser, text: string, bound: number): { ms: number } {
  const parsed = new Engine(parser).analyze(text, { rules: { 'xe-bo-purgeability': 'off' } }).parsed!;
  const [input] = purgeabilityInputs(parsed, bound);
  const t = performance.now();
  runPurgeabilityModel(input);
  return { ms: performance.now() - t };
}

export function modelTimings(parser: CParser, text: string, script: string, runs = 15): object {
  const analysis: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    new Engine(parser).analyze(text, { rules: { 'xe-bo-purgeability': 'off' } });
    analysis.push(performance.now() - t);
  }
  const parsed = new Engine(parser).analyze(text, { rules: { 'xe-bo-purgeability': 'off' } }).parsed!;
  const out: Record<string, unknown> = { seed004RestOfAnalysisMedianMs: +median(analysis).toFixed(1) };
  for (const bound of [DEFAULT_BOUND, DEFAULT_BOUND + 2]) {
    const [input] = purgeabilityInputs(parsed, bound);
    const first = spawnSync(process.execPath, [script, '--model-child', String(bound)], { encoding: 'utf8' });
    if (first.status !== 0) throw new Error(`model child failed: ${first.stderr}`);
    const times: number[] = [];
    let result = runPurgeabilityModel(input);
    for (let r = 0; r < runs; r++) {
      const t = performance.now();
      result = runPurgeabilityModel(input);
      times.push(performance.now() - t);
    }
    out[`bound${bound}`] = {
      states: result.exploration.states,
      events: result.exploration.transitions,
      issues: result.issues.length,
      firstRunFreshProcessMs: +JSON.parse(first.stdout.trim()).ms.toFixed(1),
      medianMs: +median(times).toFixed(1),
    };
  }
  return out;
}
