/**
 * @file `dist/server.js --stdio` (or `--node-ipc` from the extension): loads the language server
 * (`dist/server-main.js`, server-entry.ts) from a code cache (host/code-cache.ts), written once the server
 * has run a while (an editor ends its server without waiting for it).
 */
import * as path from 'node:path';
import { loadBundle } from '../host/code-cache';

loadBundle(path.join(__dirname, 'server-main.js'), 'server', 10_000);
