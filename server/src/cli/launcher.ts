/**
 * @file `dist/cli.js`: starts the command line (the bundle `dist/cli-main.js`) at the least CPU a short run
 * can cost, since a check of one patch is mostly start-up. Its JavaScript is compiled from a code cache
 * under the user's cache directory (Node's own compile cache where Node has one, 22.1 and later; else a V8
 * code cache of the whole bundle, written after the first run so that it holds the functions the run
 * compiled). The grammar's WebAssembly is compiled by Liftoff only: TurboFan's background recompilation
 * of it costs a one-patch check about as much CPU again and parses only a few percent faster
 * (bench/checkpatch-bench.ts measures both). Any failure of the cache falls back to a plain load.
 */
import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { defaultCacheDir } from '../host/cache-dir';

v8.setFlagsFromString('--liftoff-only');

const main = path.join(__dirname, 'cli-main.js');
const cacheDir = path.join(defaultCacheDir(), 'compile');

type WithCompileCache = typeof Module & { enableCompileCache?: (dir?: string) => unknown };
/** Loads a module as `require` would (the bundle is CommonJS). */
const loadModule = Module.createRequire(__filename);

function load(): void {
  const enable = (Module as WithCompileCache).enableCompileCache;
  if (process.env.MM_REVIEW_NO_COMPILE_CACHE) return void loadModule(main);
  if (enable) {
    enable(cacheDir);
    return void loadModule(main);
  }
  loadWithCodeCache();
}

/** Node 20: the bundle compiled as a CommonJS module would be, with V8's cached data for it. */
function loadWithCodeCache(): void {
  const source = fs.readFileSync(main, 'utf8');
  const stat = fs.statSync(main);
  // The bundle's size and time, and the Node that made it: a rebuilt bundle or another Node gets its own.
  const file = path.join(cacheDir, `cli-main-${stat.size}-${Math.floor(stat.mtimeMs)}-${process.version}-${process.arch}.bin`);
  let cached: Buffer | undefined;
  try {
    cached = fs.readFileSync(file);
  } catch {
    cached = undefined;
  }
  const script = new vm.Script(Module.wrap(source), { filename: main, cachedData: cached });
  if (!cached || script.cachedDataRejected) process.once('exit', () => writeCache(file, script));
  const mod = new Module(main, module);
  mod.filename = main;
  const run = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: Module, f: string, d: string) => void;
  run.call(mod.exports, mod.exports, Module.createRequire(main), mod, main, path.dirname(main));
}

function writeCache(file: string, script: vm.Script): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, script.createCachedData());
    fs.renameSync(tmp, file);
    // Caches of earlier bundles or other Nodes are of no more use.
    for (const old of fs.readdirSync(path.dirname(file)))
      if (/^cli-main-.*\.bin$/.test(old) && old !== path.basename(file)) fs.rmSync(path.join(path.dirname(file), old), { force: true });
  } catch {
    // A cache that cannot be written costs the next run its compile, nothing else.
  }
}

load();
