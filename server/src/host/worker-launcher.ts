/**
 * @file `dist/analysis-worker.js`: the language server's analysis worker thread starts here and loads the
 * worker itself (`dist/analysis-worker-main.js`) from a code cache (code-cache.ts): the first analysis of
 * a freshly started server does not wait for its bundle to compile.
 */
import * as path from 'node:path';
import { loadBundle } from './code-cache';

// Written once the first analyses have run (the server ends its worker without an exit event).
loadBundle(path.join(__dirname, 'analysis-worker-main.js'), 'analysis-worker', 10_000);
