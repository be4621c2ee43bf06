/**
 * @file `dist/cli-main.js` (started by `dist/cli.js`, launcher.ts): runs the command line when loaded. The
 * only module that does anything on load (see server-entry.ts).
 */
import { isMainThread } from 'node:worker_threads';
import { checkWorker, main } from './cli';

// Output into a pipe that closed (`| head`) is output nobody reads: stop quietly, as other tools do.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});

// The same bundle runs `check --jobs` workers: started as a worker thread, it checks what it is handed.
if (!isMainThread) void checkWorker();
else
  main(process.argv.slice(2), undefined, { workerScript: __filename }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: Error) => {
      process.stderr.write(`mm-review: internal error: ${e.stack ?? e.message}\n`);
      process.exitCode = 2;
    },
  );
