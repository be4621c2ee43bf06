/**
 * @file `dist/cli.js`: starts the command line (the bundle `dist/cli-main.js`) at the least CPU a run can
 * cost, since a check of one patch is mostly start-up and a check of a long series mostly V8's own work:
 * - its JavaScript from a code cache (host/code-cache.ts);
 * - the grammar's WebAssembly compiled by Liftoff only: TurboFan's background recompilation of the grammar
 *   costs a one-patch check about as much CPU again and parses only a few percent faster;
 * - JavaScript optimised later (an interrupt budget of 600 KB of bytecode instead of Node 20's 66 KB): a
 *   check runs once, and optimising early spent more on the compiler threads than it saved (CPU of the
 *   50k-line series 2.6 s -> 2.0 s, the 41 corpus patches in one process 1.23 s -> 1.09 s, one patch
 *   201 -> 180 ms; wall time unchanged or shorter);
 * - `--expose-gc` from the start: the check collects garbage between the parts of a long document, and
 *   setting the flag only then made the code cache written at exit one the next run rejects.
 * `mm-review lsp`, the language server, which lives long, keeps V8's defaults.
 */
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { loadBundle } from '../host/code-cache';

// `mm-review lsp` is the language server, which lives long: V8's defaults.
if (process.argv[2] !== 'lsp') {
  v8.setFlagsFromString('--liftoff-only');
  v8.setFlagsFromString('--interrupt-budget=600000');
}
v8.setFlagsFromString('--expose-gc');
loadBundle(path.join(__dirname, 'cli-main.js'), 'cli-main');
