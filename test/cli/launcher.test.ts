/**
 * dist/cli.js, the launcher: the command line runs the same with its compile cache absent, present,
 * corrupt or unwritable, and a run leaves one cache file for the bundle it ran.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const example = path.join(repoRoot, 'examples', 'pgmap-series.mbox');
/** Node's own compile cache (22.1 and later) keeps its own layout: only the fallback's file is checked. */
const ownCache = !('enableCompileCache' in Module);

function run(cache: string, env: Record<string, string> = {}): string {
  const r = spawnSync(process.execPath, [cli, 'check', '--fail-on', 'never', example], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CACHE_HOME: cache, ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const cacheFiles = (cache: string): string[] => {
  const dir = path.join(cache, 'mm-review', 'compile');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.bin')) : [];
};

test('the same findings without a cache, with the one the first run wrote, and with a corrupt one', () => {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-launcher-'));
  const first = run(cache);
  assert.match(first, /2 errors, 0 warnings, 1 information/);
  if (ownCache) {
    const files = cacheFiles(cache);
    assert.equal(files.length, 1, 'one cache file, for this bundle and this Node');
    assert.ok(fs.statSync(path.join(cache, 'mm-review', 'compile', files[0])).size > 100_000, 'it holds the compiled bundle');
    assert.equal(run(cache), first);
    fs.writeFileSync(path.join(cache, 'mm-review', 'compile', files[0]), 'not a code cache');
    assert.equal(run(cache), first, 'a corrupt cache is rejected, not run');
    assert.ok(fs.statSync(path.join(cache, 'mm-review', 'compile', files[0])).size > 100_000, 'and written again');
    fs.writeFileSync(path.join(cache, 'mm-review', 'compile', 'cli-main-1-2-v0-x.bin'), 'an older bundle’s');
    fs.rmSync(path.join(cache, 'mm-review', 'compile', files[0]));
    run(cache);
    assert.deepEqual(cacheFiles(cache), files, 'a new cache replaces the caches of other bundles');
  }
  assert.equal(run(cache, { MM_REVIEW_NO_COMPILE_CACHE: '1' }), first);
});

test('a cache directory that cannot be written costs nothing but the cache', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-launcher-'));
  const file = path.join(dir, 'a-file');
  fs.writeFileSync(file, '');
  // XDG_CACHE_HOME names a file: no directory can be made under it.
  assert.match(run(file), /2 errors, 0 warnings, 1 information/);
});
