/**
 * @file `dist/server-main.js` (loaded by `dist/server.js`, server-launcher.ts): starts the language server
 * when loaded. Only this bundle's entry starts it: inside the CLI bundle a module that started itself on load
 * ran a second server on the same stdio (every response sent twice).
 */
import { startServer } from './node-main';

startServer();
