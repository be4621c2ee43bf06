/**
 * @file The command line as a user runs it, in fresh processes: the CPU a check costs (the child's user and
 * system time, read from /proc/self/stat), its peak memory (GNU time's maximum resident set, when
 * /usr/bin/time is there), and a `--tree` check run twice with a fresh cache directory (the second answers
 * from the searches and pairs the first kept).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from './stats';

const cli = path.join(__dirname, '..', '..', 'dist', 'cli.js');

/** CPU seconds of the children reaped so far (cutime + cstime). */
export function childrenCpu(): number {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** CPU seconds a command takes, as a child of this process. */
export function cpuOf(cmd: string, args: string[], cwd?: string): number {
  const before = childrenCpu();
  const r = spawnSync(cmd, args, { stdio: 'ignore', timeout: 600_000, cwd });
  if (r.error) throw r.error;
  return childrenCpu() - before;
}

/** Median CPU seconds of `mm-review check FILE` in a fresh process (the compile cache warm, as after a first run). */
export function checkCpu(file: string, runs: number): number {
  cpuOf(process.execPath, [cli, 'check', '--fail-on', 'never', file]);
  return median(Array.from({ length: runs }, () => cpuOf(process.execPath, [cli, 'check', '--fail-on', 'never', file])));
}

/** Peak resident memory of `mm-review check FILE` in MB, or null without GNU time. */
export function checkPeakMB(file: string): number | null {
  if (!fs.existsSync('/usr/bin/time')) return null;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, 'check', '--fail-on', 'never', file], { encoding: 'utf8', timeout: 600_000 });
  const kb = Number(r.stderr.trim().split('\n').pop());
  return Number.isFinite(kb) ? Math.round((kb * 1024) / 1e6) : null;
}

/** Wall milliseconds of two `check --tree` runs in fresh processes sharing a fresh cache directory. */
export function treeFirstSecond(tree: string, file: string): { firstMs: number; secondMs: number } {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-bench-cache-'));
  const env = { ...process.env, XDG_CACHE_HOME: cache };
  const once = (): number => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [cli, 'check', '--fail-on', 'never', '--tree', tree, file], { stdio: 'ignore', env, timeout: 600_000 });
    if (r.status !== 0) throw new Error(`check --tree exited ${r.status}`);
    return performance.now() - t;
  };
  const firstMs = once();
  const secondMs = once();
  fs.rmSync(cache, { recursive: true, force: true });
  return { firstMs: Math.round(firstMs), secondMs: Math.round(secondMs) };
}
