/**
 * @file `check --jobs N`: files handed out to N worker threads, the next file to whichever finishes first,
 * results given back in the files' order. Each worker is the command line's own bundle, started as a
 * worker (cli-entry.ts), with its own parser and engine; nothing but file names and findings cross.
 */
import { Worker } from 'node:worker_threads';

export type WorkerReply<R> = { index: number; result: R } | { index: number; error: string; usage: boolean };

/** A worker's failure to check a file: `usage` when the file could not be read (exit 2, as without workers). */
export class WorkerFileError extends Error {
  constructor(
    message: string,
    readonly usage: boolean,
  ) {
    super(message);
  }
}

export function runPool<R>(script: string, workerData: unknown, files: string[], jobs: number): Promise<R[]> {
  const results: R[] = new Array(files.length);
  let next = 0;
  let done = 0;
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let failed: Error | null = null;
    const finish = (e: Error | null): void => {
      if (failed) return;
      if (e) failed = e;
      for (const w of workers) void w.terminate();
      if (e) reject(e);
      else resolve(results);
    };
    const feed = (w: Worker): void => {
      if (next < files.length) {
        const index = next++;
        w.postMessage({ index, file: files[index] });
      }
    };
    for (let i = 0; i < Math.min(jobs, files.length); i++) {
      const w = new Worker(script, { workerData });
      workers.push(w);
      w.on('message', (m: WorkerReply<R>) => {
        if ('error' in m) return finish(new WorkerFileError(m.error, m.usage));
        results[m.index] = m.result;
        if (++done === files.length) return finish(null);
        feed(w);
      });
      w.on('error', (e) => finish(e));
      w.on('exit', (code) => {
        if (code !== 0 && !failed && done < files.length) finish(new Error(`a check worker exited (${code})`));
      });
      feed(w);
    }
  });
}
