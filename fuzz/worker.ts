/**
 * @file A fuzzing worker thread: runs the cases it is given, one at a time, telling the runner when each
 * starts and what it found, so that the runner's watchdog knows which case hangs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Engine } from '../server/src/core/engine';
import { decode } from '../server/src/cli/cli';
import { loadParser } from '../server/src/host/grammar';
import { corpus } from './corpus';
import { makeCase } from './mutate';
import { checkCase, type Failure } from './oracle';

export interface WorkerInput {
  runSeed: number;
  /** The case numbers to run, in order. */
  cases: number[];
  /** The fuzzer's own test: at these cases the worker hangs, or exhausts its memory, on purpose. */
  selfTest?: { hangAt?: number; exhaustMemoryAt?: number };
}

export type WorkerMessage =
  | { kind: 'start'; index: number }
  | { kind: 'done'; index: number; ms: number; failures: Failure[]; doc: string; mutations: string[]; heapMb: number }
  | { kind: 'finished' };

const port = parentPort!;
const input = workerData as WorkerInput;

void (async () => {
  const docs = corpus();
  const parser = await loadParser();
  // A fresh engine now and then: its caches would otherwise grow with the run, not with a case.
  let engine = new Engine(parser);
  for (const [k, index] of input.cases.entries()) {
    if (k % 200 === 0) engine = new Engine(parser);
    const c = makeCase(docs, input.runSeed, index);
    port.postMessage({ kind: 'start', index } satisfies WorkerMessage);
    const t0 = performance.now();
    if (index === input.selfTest?.hangAt) for (;;);
    if (index === input.selfTest?.exhaustMemoryAt) {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array(1 << 20).fill(index));
    }
    const failures = checkCase(engine, decode(c.bytes));
    port.postMessage({
      kind: 'done',
      index,
      ms: performance.now() - t0,
      failures,
      doc: c.doc.name,
      mutations: c.mutations,
      heapMb: process.memoryUsage().heapUsed / 1e6,
    } satisfies WorkerMessage);
  }
  port.postMessage({ kind: 'finished' } satisfies WorkerMessage);
})();
