/**
 * @file `dist/cli-main.js` (started by `dist/cli.js`, launcher.ts): runs the command line when loaded. The
 * only module that does anything on load (see server-entry.ts).
 */
import { main } from './cli';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    process.stderr.write(`mm-review: internal error: ${e.stack ?? e.message}\n`);
    process.exitCode = 2;
  },
);
