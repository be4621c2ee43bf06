/**
 * @file Pre-images from the git objects of a kernel-sized repository (scripts/kernel-git-repo.sh: Linux 6.12
 * packed as a clone is, a 20-patch series over 20 mm/ files, and HEAD moved on over the same files). Times
 * `DiskKernelTree.preImages()` for the series' files, cold (a fresh tree object each run: no answer cached), by
 * their `index` lines and again as if the patches had none (each file looked up at the `base-commit:`),
 * against two baselines in the same run: one `git show <base>:<path>` per file (the obvious way), and reading
 * the 20 working files (what it cost before, and gave the wrong base). Then the whole tree-aware check of
 * the series. Medians.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../server/src/core/engine';
import { ingest } from '../server/src/core/ingest';
import type { PreImageRequest } from '../server/src/core/kernel/kernel-tree';
import { DiskKernelTree } from '../server/src/host/disk-tree';
import { gitCommand } from '../server/src/host/git';
import { loadParser } from '../server/src/host/grammar';
import { median } from './stats';

export interface GitBaseTimings {
  files: number;
  sources: Record<string, number>;
  preImagesMedianMs: number;
  /** The same files when the patches carry no `index` lines: each looked up at the base-commit trailer. */
  byBaseCommitMedianMs: number;
  gitShowPerFileMedianMs: number;
  workingFilesMedianMs: number;
  checkWithTreeMedianMs: number;
  checkWithoutTreeMedianMs: number;
  baseUsedNote: string | null;
}

/** What treeFiles asks for: each changed file's first `index` line and the patch's base commit. */
function requestsOf(series: string): PreImageRequest[] {
  const seen = new Map<string, PreImageRequest>();
  for (const p of ingest(series).patches)
    for (const f of p.files) {
      const at = f.oldPath ?? f.newPath;
      if (at && !f.isNew && !seen.has(at)) seen.set(at, { path: at, index: f.oldIndex, baseCommit: p.baseCommit });
    }
  return [...seen.values()];
}

export async function gitBaseTimings(repo: string, mbox: string, runs: number): Promise<GitBaseTimings> {
  const series = fs.readFileSync(mbox, 'utf8');
  const wanted = requestsOf(series);
  const sources: Record<string, number> = {};
  const pre: number[] = [];
  const byCommit: number[] = [];
  const withoutIndex = wanted.map((w) => ({ ...w, index: null }));
  const show: number[] = [];
  const working: number[] = [];
  repo = fs.realpathSync(repo);
  const gitDir = path.join(repo, '.git');
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    const got = new DiskKernelTree(repo).preImages(wanted);
    pre.push(performance.now() - t);
    if (i === 0) for (const g of got.values()) sources[g.source] = (sources[g.source] ?? 0) + 1;

    t = performance.now();
    const atCommit = new DiskKernelTree(repo).preImages(withoutIndex);
    byCommit.push(performance.now() - t);
    if ([...atCommit.values()].some((g) => g.source !== 'base-commit')) throw new Error('a file was not found at the base commit');

    t = performance.now();
    for (const w of wanted) {
      const cmd = gitCommand(repo, gitDir, ['show', `${w.baseCommit}:${w.path}`]);
      const r = spawnSync(cmd.file, cmd.args, { cwd: repo, env: cmd.env, maxBuffer: 64 << 20 });
      if (r.status !== 0) throw new Error(`git show failed: ${r.stderr}`);
    }
    show.push(performance.now() - t);

    t = performance.now();
    for (const w of wanted) fs.readFileSync(path.join(repo, w.path), 'utf8');
    working.push(performance.now() - t);
  }
  const engine = new Engine(await loadParser());
  const withTree: number[] = [];
  const without: number[] = [];
  let note: string | null = null;
  for (let i = 0; i < Math.min(runs, 5); i++) {
    let t = performance.now();
    const a = engine.analyze(series, { tree: new DiskKernelTree(repo), findings: 'introduced' });
    withTree.push(performance.now() - t);
    note ??= a.findings.find((f) => f.messageId === 'baseUsed')?.message ?? null;
    t = performance.now();
    engine.analyze(series, { findings: 'introduced' });
    without.push(performance.now() - t);
  }
  return {
    files: wanted.length,
    sources,
    preImagesMedianMs: +median(pre).toFixed(1),
    byBaseCommitMedianMs: +median(byCommit).toFixed(1),
    gitShowPerFileMedianMs: +median(show).toFixed(1),
    workingFilesMedianMs: +median(working).toFixed(1),
    checkWithTreeMedianMs: +median(withTree).toFixed(1),
    checkWithoutTreeMedianMs: +median(without).toFixed(1),
    baseUsedNote: note,
  };
}
