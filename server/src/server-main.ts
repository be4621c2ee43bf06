/** @file The language server's entry point: `dist/server.js --stdio` (or `--node-ipc` from the extension). */
import ruleDocs from 'mm-review-rule-docs';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { loadParser } from './host/grammar';
import { MmReviewServer } from './server';

export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  new MmReviewServer(connection, { parser: loadParser(), ruleDocs }).register();
  connection.listen();
}

if (require.main === module) startServer();
