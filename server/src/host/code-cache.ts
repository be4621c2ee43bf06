/**
 * @file Loading a bundle from a code cache under the user's cache directory, so a short run does not pay
 * for compiling it: Node's own compile cache where Node has one (22.1 and later); else (Node 20) a V8 code
 * cache of the whole bundle, written after the first run so that it holds the functions that run compiled,
 * one file per bundle, bundle build and Node. Any failure of the cache falls back to a plain load, and
 * `MM_REVIEW_NO_COMPILE_CACHE` turns it off. Used by the launchers (cli/launcher.ts, host/worker-launcher.ts).
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { defaultCacheDir } from './cache-dir';
import { writeFileAside } from './files';

type WithCompileCache = typeof Module & { enableCompileCache?: (dir?: string) => unknown };
/** Loads a module as `require` would (the bundles are CommonJS). */
const loadModule = Module.createRequire(__filename);

/**
 * `writeAfterMs`: write the cache that long after loading rather than at exit (a worker thread a server
 * ends by terminating it sees no exit), by when the analyses it ran have compiled what they use.
 */
export function loadBundle(main: string, name: string, writeAfterMs?: number): void {
  const cacheDir = path.join(defaultCacheDir(), 'compile');
  const enable = (Module as WithCompileCache).enableCompileCache;
  if (process.env.MM_REVIEW_NO_COMPILE_CACHE) return void loadModule(main);
  if (enable) {
    enable(cacheDir);
    return void loadModule(main);
  }
  const source = fs.readFileSync(main, 'utf8');
  const stat = fs.statSync(main);
  // The bundle's size and time, and the Node that made it: a rebuilt bundle or another Node gets its own.
  const file = path.join(cacheDir, `${name}-${stat.size}-${Math.floor(stat.mtimeMs)}-${process.version}-${process.arch}.bin`);
  let cached: Buffer | undefined;
  try {
    cached = fs.readFileSync(file);
  } catch {
    cached = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: main, cachedData: cached });
  if (!cached || script.cachedDataRejected) {
    if (writeAfterMs === undefined) process.once('exit', () => writeCache(file, name, script));
    else setTimeout(() => writeCache(file, name, script), writeAfterMs).unref();
  }
  const mod = new Module(main, module);
  mod.filename = main;
  const run = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: Module, f: string, d: string) => void;
  run.call(mod.exports, mod.exports, Module.createRequire(main), mod, main, path.dirname(main));
}

function writeCache(file: string, name: string, script: vm.Script): void {
  try {
    writeFileAside(file, script.createCachedData());
    // Caches of earlier builds of this bundle or other Nodes are of no more use.
    const dir = path.dirname(file);
    for (const old of fs.readdirSync(dir))
      if (old.startsWith(`${name}-`) && old.endsWith('.bin') && old !== path.basename(file)) fs.rmSync(path.join(dir, old), { force: true });
  } catch {
    // A cache that cannot be written costs the next run its compile, nothing else.
  }
}
