/**
 * @file `npm run fuzz`: the mutation fuzzer. Cases (a corpus document and one to five mutations, see
 * mutate.ts) run on worker threads under a watchdog; each is checked by the oracle (no crash, no rule
 * failing on the document, no position outside it), a case that runs past the watchdog is a hang and one
 * that exhausts its worker's memory limit is a memory failure. Prints a table of the classes with their
 * counts, the slowest cases and the peak memory, and writes each failing input to fuzz-findings/ with the
 * command that reproduces it. Exits 1 when any class is not zero.
 *
 *   npm run fuzz -- [--cases N] [--seed S] [--workers W] [--timeout-ms T] [--memory-mb M] [--case I]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { decode } from '../server/src/cli/cli';
import { repoRoot } from '../test/helpers';
import { corpus } from './corpus';
import { makeCase } from './mutate';
import { FAILURE_CLASSES, type Failure, type FailureClass } from './oracle';
import type { WorkerInput, WorkerMessage } from './worker';

export interface FuzzOptions {
  cases: number;
  seed: number;
  workers: number;
  /** A case running longer than this is a hang (the analysis's own budget is 4 s). */
  timeoutMs: number;
  /** Each worker's heap limit: a case that needs more is a memory failure. */
  memoryMb: number;
  /** Only these case numbers (replaying a failure). */
  only?: number[];
  /** Where failing inputs are written; null: nowhere. */
  findingsDir: string | null;
  /** The fuzzer's own test (see WorkerInput). */
  selfTest?: WorkerInput['selfTest'];
  log?: (line: string) => void;
}

export interface CaseFailure extends Failure {
  index: number;
  doc: string;
  mutations: string[];
}

export interface FuzzReport {
  cases: number;
  counts: Record<FailureClass, number>;
  failures: CaseFailure[];
  /** Median and slowest case times, ms. */
  medianMs: number;
  slowest: { index: number; ms: number; doc: string; mutations: string[] }[];
  peakRssMb: number;
  peakHeapMb: number;
  wallMs: number;
}

const WORKER = path.join(__dirname, 'worker.js');

/** Runs the fuzzer; resolves with the report (never rejects on a failing case). */
export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  const t0 = performance.now();
  const all = o.only ?? Array.from({ length: o.cases }, (_, i) => i);
  const counts = Object.fromEntries(FAILURE_CLASSES.map((c) => [c, 0])) as Record<FailureClass, number>;
  const failures: CaseFailure[] = [];
  const times: { index: number; ms: number; doc: string; mutations: string[] }[] = [];
  let peakRss = process.memoryUsage().rss;
  let peakHeap = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const docs = corpus();
  const record = (index: number, fs_: Failure[]): void => {
    for (const f of fs_) {
      counts[f.kind]++;
      const c = makeCase(docs, o.seed, index);
      failures.push({ ...f, index, doc: c.doc.name, mutations: c.mutations });
    }
  };
  // Cases dealt round-robin; a worker that hangs or dies is replaced and goes on after that case.
  const queues: number[][] = Array.from({ length: Math.max(1, o.workers) }, () => []);
  all.forEach((c, i) => queues[i % queues.length].push(c));
  let done = 0;
  const runQueue = (queue: number[]): Promise<void> =>
    new Promise((resolve) => {
      if (!queue.length) return resolve();
      const worker = new Worker(WORKER, {
        workerData: { runSeed: o.seed, cases: queue, selfTest: o.selfTest } satisfies WorkerInput,
        resourceLimits: { maxOldGenerationSizeMb: o.memoryMb },
      });
      let current: number | null = null;
      let timer: NodeJS.Timeout | null = null;
      let finished = false;
      const rest = (): number[] => (current === null ? [] : queue.slice(queue.indexOf(current) + 1));
      const end = (next: number[] | null): void => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        void worker.terminate();
        if (next?.length) void runQueue(next).then(resolve);
        else resolve();
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'start') {
          current = m.index;
          if (timer) clearTimeout(timer);
          timer = setTimeout(() => {
            record(m.index, [{ kind: 'hang', detail: `no answer within ${o.timeoutMs} ms` }]);
            end(rest());
          }, o.timeoutMs);
        } else if (m.kind === 'done') {
          if (timer) clearTimeout(timer);
          record(m.index, m.failures);
          times.push({ index: m.index, ms: m.ms, doc: m.doc, mutations: m.mutations });
          peakHeap = Math.max(peakHeap, m.heapMb);
          current = null;
          if (++done % 1000 === 0) o.log?.(`${done} cases, ${failures.length} failures`);
        } else end(null);
      });
      worker.on('error', (e) => {
        const oom = /out of memory|ERR_WORKER_OUT_OF_MEMORY/i.test(`${(e as NodeJS.ErrnoException).code} ${e.message}`);
        if (current !== null) record(current, [{ kind: oom ? 'memory' : 'crash', detail: e.stack ?? e.message }]);
        end(rest());
      });
      worker.on('exit', () => end(rest()));
    });
  await Promise.all(queues.map(runQueue));
  clearInterval(sampler);
  if (o.findingsDir && failures.length) {
    fs.mkdirSync(o.findingsDir, { recursive: true });
    for (const f of failures) {
      const c = makeCase(docs, o.seed, f.index);
      const base = path.join(o.findingsDir, `seed${o.seed}-case${f.index}`);
      fs.writeFileSync(`${base}.txt`, c.bytes);
      fs.writeFileSync(
        `${base}.why.txt`,
        `${f.kind}: ${f.detail}\n\ndocument: ${f.doc}\nmutations: ${f.mutations.join(', ')}\nreplay: npm run fuzz -- --seed ${o.seed} --case ${f.index}\n`,
      );
    }
  }
  const sorted = [...times].sort((a, b) => a.ms - b.ms);
  return {
    cases: all.length,
    counts,
    failures,
    medianMs: sorted.length ? sorted[Math.floor(sorted.length / 2)].ms : 0,
    slowest: sorted.slice(-5).reverse(),
    peakRssMb: peakRss / 1e6,
    peakHeapMb: peakHeap,
    wallMs: performance.now() - t0,
  };
}

export function formatReport(r: FuzzReport, seed: number): string {
  const rows = FAILURE_CLASSES.map((c) => `| ${c} | ${r.counts[c]} |`);
  const out = [
    `mm-review fuzz: ${r.cases} cases (seed ${seed}) in ${(r.wallMs / 1000).toFixed(1)} s; median case ${r.medianMs.toFixed(1)} ms; peak RSS ${r.peakRssMb.toFixed(0)} MB (a worker's heap at most ${r.peakHeapMb.toFixed(0)} MB)`,
    '',
    '| class | cases |',
    '| --- | --- |',
    ...rows,
    '',
    'slowest: ' + r.slowest.map((s) => `case ${s.index} ${s.ms.toFixed(0)} ms (${s.doc}: ${s.mutations.join(', ')})`).join('; '),
  ];
  for (const f of r.failures.slice(0, 20))
    out.push('', `${f.kind} in case ${f.index} (${f.doc}: ${f.mutations.join(', ')}):`, f.detail.split('\n').slice(0, 6).join('\n'));
  return out.join('\n') + '\n';
}

function arg(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith(name + '='))?.slice(name.length + 1);
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const seed = Number(arg(argv, '--seed') ?? 20261203);
  const only = arg(argv, '--case');
  const options: FuzzOptions = {
    cases: Number(arg(argv, '--cases') ?? 20_000),
    seed,
    workers: Number(arg(argv, '--workers') ?? Math.max(1, Math.min(os.availableParallelism(), 4))),
    timeoutMs: Number(arg(argv, '--timeout-ms') ?? 30_000),
    memoryMb: Number(arg(argv, '--memory-mb') ?? 1536),
    ...(only !== undefined ? { only: only.split(',').map(Number) } : {}),
    findingsDir: path.join(repoRoot, 'fuzz-findings'),
    log: (l) => process.stderr.write(l + '\n'),
  };
  if (options.only) {
    // A replay: print what the case is, then run it.
    const c = makeCase(corpus(), seed, options.only[0]);
    process.stderr.write(`case ${options.only[0]}: ${c.doc.name}: ${c.mutations.join(', ')} (${decode(c.bytes).length} characters)\n`);
  }
  void fuzz(options).then((r) => {
    process.stdout.write(formatReport(r, seed));
    process.exitCode = r.failures.length ? 1 : 0;
  });
}
