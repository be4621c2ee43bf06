/**
 * @file `dist/server.js --stdio` (or `--node-ipc` from the extension): starts the language server when
 * loaded. Only this bundle's entry starts it: inside the CLI bundle a module that started itself on load
 * ran a second server on the same stdio (every response sent twice).
 */
import { startServer } from './node-main';

startServer();
