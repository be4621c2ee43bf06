// Runs `node --test` over a compiled test folder with its own cache directory, so that the tests neither
// read nor leave anything in the user's (compile caches, a tree's mined pairs and searches).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const cache = mkdtempSync(join(tmpdir(), 'mm-review-test-cache-'));
const r = spawnSync(process.execPath, ['--test', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, XDG_CACHE_HOME: cache } });
rmSync(cache, { recursive: true, force: true });
process.exit(r.status ?? 1);
