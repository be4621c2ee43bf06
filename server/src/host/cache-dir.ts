/** @file Where the user's caches go: `$XDG_CACHE_HOME/mm-review`, else `~/.cache/mm-review`. */
import * as os from 'node:os';
import * as path from 'node:path';

export function defaultCacheDir(): string {
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'mm-review');
}
