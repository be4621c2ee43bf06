/**
 * @file The analysis worker on Node: `dist/analysis-worker-main.js`, which the language server starts on a
 * worker thread by way of `dist/analysis-worker.js` (worker-launcher.ts). It runs the AnalysisService with
 * the host's grammar and kernel trees, takes requests as messages, and reads the shared cancellation flags
 * the server sets.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { AnalysisService, type ToService } from '../lsp/analysis-service';
import { loadParser } from './grammar';
import { DiskKernelTree } from './disk-tree';
import { defaultCacheDir } from './cache-dir';

const flags = new Int32Array(workerData.flags as SharedArrayBuffer);
const port = parentPort!;
const service = new AnalysisService(
  {
    parser: loadParser(),
    openKernelTree: (uri, events) => {
      if (!uri.startsWith('file:')) return null;
      try {
        return new DiskKernelTree(fileURLToPath(uri), events, defaultCacheDir());
      } catch {
        return null;
      }
    },
  },
  (message) => port.postMessage(message),
  (slot) => Atomics.load(flags, slot) !== 0,
);
port.on('message', (message: ToService) => void service.handle(message));
