/**
 * @file The language server's analysis backend on Node: the AnalysisService on a worker thread
 * (`analysis-worker.js` beside this bundle). Requests are messages; cancellation is a flag in shared memory,
 * because the worker reads no message while an analysis runs. If the worker dies it is started again, and
 * the analyses it was running end as failed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalysisBackend, AnalysisEvents, AnalysisRun, TreeEvents } from '../lsp/analysis-backend';
import type { AnalysisOutcome, AnalyzeOptions, FromService, ToService } from '../lsp/analysis-service';
import type { Pos } from '../core/ingest';
import type { Description } from '../core/describe';
import type { ModelRunArgs } from '../core/findings';
import type { ModelPanel } from '../core/models/model-panel';

/** Analyses that may run at once (each holds a flag slot until it ends). */
const SLOTS = 1024;

interface Pending {
  events: AnalysisEvents;
  resolve(outcome: AnalysisOutcome | null): void;
  reject(e: Error): void;
  slot: number;
}

/** The worker script beside the running bundle (dist/), or beside the compiled sources (out/). */
function workerScript(): string {
  const candidates = [path.join(__dirname, 'analysis-worker.js'), path.join(__dirname, '..', '..', '..', 'dist', 'analysis-worker.js')];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`analysis-worker.js not found beside ${__dirname}; run \`npm run build\``);
  return found;
}

export class WorkerBackend implements AnalysisBackend {
  private readonly flags = new Int32Array(new SharedArrayBuffer(4 * SLOTS));
  private worker: Worker;
  private nextId = 1;
  private nextSlot = 0;
  private readonly analyses = new Map<number, Pending>();
  /** Answers to hovers and model runs, by request id. */
  private readonly replies = new Map<number, (result: Description | ModelPanel | null) => void>();
  private treeEvents: TreeEvents | null = null;
  private disposed = false;

  constructor() {
    this.worker = this.start();
  }

  private start(): Worker {
    const worker = new Worker(workerScript(), { workerData: { flags: this.flags.buffer } });
    worker.on('message', (m: FromService) => this.receive(m));
    worker.on('error', (e) => this.lost(e));
    worker.on('exit', (code) => {
      if (!this.disposed) this.lost(new Error(`the analysis worker exited (${code})`));
    });
    // The worker must not keep a finished server alive.
    worker.unref();
    return worker;
  }

  /** A worker that died: its analyses fail, its hovers answer nothing, and a new one takes over. */
  private lost(e: Error): void {
    for (const p of this.analyses.values()) p.reject(e);
    this.analyses.clear();
    for (const h of this.replies.values()) h(null);
    this.replies.clear();
    if (!this.disposed) this.worker = this.start();
  }

  private send(message: ToService): void {
    this.worker.postMessage(message);
  }

  private receive(m: FromService): void {
    if (m.kind === 'treeStarted') return this.treeEvents?.started(m.root);
    if (m.kind === 'treeReady') return this.treeEvents?.ready(m.root, m.searching);
    if (m.kind === 'hover' || m.kind === 'model') {
      this.replies.get(m.id)?.(m.result);
      this.replies.delete(m.id);
      return;
    }
    const p = this.analyses.get(m.id);
    if (!p) return;
    if (m.kind === 'progress') return p.events.progress(m.done / m.total);
    if (m.kind === 'quick') return p.events.quick(m.shown);
    this.analyses.delete(m.id);
    if (m.kind === 'done') p.resolve(m.outcome);
    else if (m.kind === 'cancelled') p.resolve(null);
    else p.reject(new Error(m.message));
  }

  analyze(uri: string, text: string, options: AnalyzeOptions, how: { quickFirst: boolean; onlyIfCode: boolean }, events: AnalysisEvents): AnalysisRun {
    const id = this.nextId++;
    const slot = this.nextSlot;
    this.nextSlot = (this.nextSlot + 1) % SLOTS;
    Atomics.store(this.flags, slot, 0);
    const result = new Promise<AnalysisOutcome | null>((resolve, reject) => this.analyses.set(id, { events, resolve, reject, slot }));
    this.send({ kind: 'analyze', id, uri, text, options, quickFirst: how.quickFirst, onlyIfCode: how.onlyIfCode, slot });
    return {
      result,
      cancel: () => {
        if (this.analyses.get(id)?.slot === slot) Atomics.store(this.flags, slot, 1);
      },
    };
  }

  hover(uri: string, position: Pos): Promise<Description | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.replies.set(id, resolve as (r: Description | ModelPanel | null) => void);
      this.send({ kind: 'hover', id, uri, position });
    });
  }

  runModel(uri: string, run: ModelRunArgs): Promise<ModelPanel | null> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.replies.set(id, resolve as (r: Description | ModelPanel | null) => void);
      this.send({ kind: 'model', id, uri, run });
    });
  }

  close(uri: string): void {
    this.send({ kind: 'close', uri });
  }

  tree(op: 'refresh' | 'forget' | 'cancel', root: string): void {
    this.send({ kind: 'tree', op, root });
  }

  onTree(events: TreeEvents): void {
    this.treeEvents = events;
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.worker.terminate();
  }
}
