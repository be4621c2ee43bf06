/**
 * @file `dist/cli.js`: starts the command line (the bundle `dist/cli-main.js`) at the least CPU a short run
 * can cost, since a check of one patch is mostly start-up: its JavaScript from a code cache
 * (host/code-cache.ts), and the grammar's WebAssembly compiled by Liftoff only. TurboFan's background
 * recompilation of the grammar costs a one-patch check about as much CPU again and parses only a few
 * percent faster (bench/checkpatch-bench.ts measures both); the language server, which lives long, keeps it.
 */
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { loadBundle } from '../host/code-cache';

v8.setFlagsFromString('--liftoff-only');
loadBundle(path.join(__dirname, 'cli-main.js'), 'cli-main');
