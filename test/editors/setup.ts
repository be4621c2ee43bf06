/**
 * @file What the real-editor tests need, installed on first use: Debian packages (when running as root,
 * as CI does) and npm-delivered tools in the git-ignored .cache/editors folder. When something cannot be
 * installed here, the caller skips with the reason.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers';

export const cacheDir = path.join(repoRoot, '.cache', 'editors');
export const artifactsDir = path.join(repoRoot, 'test-artifacts');

export function onPath(binary: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Package lists are refreshed once an hour at most, whichever test process gets there first. */
function aptUpdate(env: NodeJS.ProcessEnv): void {
  const stamp = path.join(cacheDir, 'apt-updated');
  if (fs.existsSync(stamp) && Date.now() - fs.statSync(stamp).mtimeMs < 3_600_000) return;
  execFileSync('apt-get', ['update', '-qq', '-o', 'DPkg::Lock::Timeout=600'], { stdio: 'pipe', env, timeout: 600_000 });
  fs.mkdirSync(cacheDir, { recursive: true });
  fs.writeFileSync(stamp, new Date().toISOString());
}

/** Makes sure every binary exists, installing the Debian packages if it can. Returns a reason to skip, or null. */
export function ensureDebian(packages: string[], binaries: string[], present: () => boolean = () => true): string | null {
  if (binaries.every((b) => onPath(b)) && present()) return null;
  if (process.getuid?.() !== 0 || !onPath('apt-get')) return `${binaries.filter((b) => !onPath(b)).join(', ')} missing, and this user cannot apt-get install ${packages.join(' ')}`;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    aptUpdate(env);
    // Test files may run in parallel: wait for another apt-get rather than fail on its lock.
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=600', ...packages], { stdio: 'pipe', env, timeout: 900_000 });
  } catch (e) {
    return `apt-get install ${packages.join(' ')} failed: ${(e as Error).message.split('\n')[0]}`;
  }
  const still = binaries.filter((b) => !onPath(b));
  if (still.length) return `${still.join(', ')} still missing after apt-get install ${packages.join(' ')}`;
  return present() ? null : `apt-get install ${packages.join(' ')} did not provide what is needed`;
}

/**
 * Installs an npm package into .cache/editors/<dir> once; returns its folder. The folder gets its own
 * package.json, so npm neither climbs to this repository's .npmrc nor runs install scripts other than
 * those of `allowScripts` (npm 11 blocks the rest; older npm runs them anyway).
 */
export function ensureNpm(dir: string, spec: string, opts: { allowScripts?: string[]; env?: NodeJS.ProcessEnv; check: string }): string {
  const prefix = path.join(cacheDir, dir);
  if (fs.existsSync(path.join(prefix, opts.check))) return prefix;
  fs.mkdirSync(prefix, { recursive: true });
  const allow = Object.fromEntries((opts.allowScripts ?? []).map((p) => [p, true]));
  fs.writeFileSync(path.join(prefix, 'package.json'), JSON.stringify({ private: true, allowScripts: allow }, null, 2));
  const args = ['install', '--no-audit', '--no-fund', '--no-save', opts.allowScripts?.length ? '--ignore-scripts=false' : '--ignore-scripts', spec];
  // Under `npm test` the environment carries the outer npm's settings (npm_config_user_agent names its
  // Node, which code-server's install script checks): the nested npm starts from a clean slate.
  const env = Object.fromEntries(Object.entries({ ...process.env, ...opts.env }).filter(([k]) => !/^npm_/i.test(k) || (opts.env && k in opts.env)));
  execFileSync('npm', args, { cwd: prefix, stdio: 'pipe', env, timeout: 1_200_000 });
  if (!fs.existsSync(path.join(prefix, opts.check))) throw new Error(`npm install ${spec} did not produce ${opts.check}`);
  return prefix;
}
