/**
 * @file mm-review against checkpatch.pl on the same real patches, by CPU time (user + system, the process
 * and its threads: what a machine running either over a list's traffic pays). Two ways of running it:
 * one process per patch (as a mail client hook or `git am` hook runs a checker), and every patch in one
 * process (`mm-review check A B C…`) against checkpatch run over each. The patches are the corpus
 * (.cache/corpus, `npm run corpus:rebuild`); checkpatch.pl comes from a kernel tree (--tree, or
 * MM_REVIEW_KERNEL_TREE, or the trees scripts/kernel-git-repo.sh and the e2e setup unpack under .cache).
 * CPU of a child is read from /proc/self/stat (the children's user and system ticks), so nothing but
 * Linux and perl is needed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cpuOf } from './cli-process';
import { median } from './stats';

const root = path.join(__dirname, '..', '..');

/** checkpatch.pl of the first kernel tree that has one. */
export function findCheckpatch(tree: string | undefined): string | null {
  const roots = [tree, process.env.MM_REVIEW_KERNEL_TREE, ...['full-6.12', 'linux-git-6.12', 'linux-source-6.12'].map((d) => path.join(root, '.cache', d))];
  for (const r of roots) if (r && fs.existsSync(path.join(r, 'scripts', 'checkpatch.pl'))) return path.resolve(r, 'scripts', 'checkpatch.pl');
  return null;
}

export interface CheckpatchComparison {
  patches: number;
  runs: number;
  checkpatchMedianCpuS: number;
  mmReviewMedianCpuS: number;
  /** Median over patches of mm-review's CPU over checkpatch's, one process each. */
  perPatchRatio: number;
  checkpatchTotalCpuS: number;
  mmReviewAllInOneCpuS: number;
  /** One mm-review process over every patch against checkpatch over each. */
  allInOneRatio: number;
}

export function checkpatchComparison(checkpatch: string, corpusDir: string, runs: number): CheckpatchComparison | null {
  const files = fs.existsSync(corpusDir)
    ? fs
        .readdirSync(corpusDir)
        .filter((f) => f.endsWith('.eml'))
        .sort()
        .map((f) => path.join(corpusDir, f))
    : [];
  if (!files.length) return null;
  const cli = path.join(root, 'dist', 'cli.js');
  // In a scratch directory: checkpatch leaves a .checkpatch-camelcase file where it runs.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-checkpatch-'));
  const cp = (f: string): number => cpuOf('perl', [checkpatch, '--no-tree', '--strict', '-q', path.resolve(f)], scratch);
  if (cp(files[0]) < 0.02) throw new Error(`${checkpatch} did not run (no CPU spent): not a baseline`);
  const mm = (fs_: string[]): number => cpuOf(process.execPath, [cli, 'check', '--fail-on', 'never', ...fs_]);
  const per = files.map((f) => {
    const c: number[] = [];
    const m: number[] = [];
    for (let i = 0; i < runs; i++) {
      c.push(cp(f));
      m.push(mm([f]));
    }
    return { c: median(c), m: median(m) };
  });
  const all: number[] = [];
  for (let i = 0; i < runs; i++) all.push(mm(files));
  fs.rmSync(scratch, { recursive: true, force: true });
  const checkpatchTotal = per.reduce((s, p) => s + p.c, 0);
  return {
    patches: files.length,
    runs,
    checkpatchMedianCpuS: +median(per.map((p) => p.c)).toFixed(3),
    mmReviewMedianCpuS: +median(per.map((p) => p.m)).toFixed(3),
    perPatchRatio: +median(per.map((p) => p.m / Math.max(p.c, 0.01))).toFixed(2),
    checkpatchTotalCpuS: +checkpatchTotal.toFixed(2),
    mmReviewAllInOneCpuS: +median(all).toFixed(2),
    allInOneRatio: +(median(all) / checkpatchTotal).toFixed(3),
  };
}
