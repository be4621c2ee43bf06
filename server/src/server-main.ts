/** @file The language server's entry point: `dist/server.js --stdio` (or `--node-ipc` from the extension). */
import * as fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ruleDocs from 'mm-review-rule-docs';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { loadParser } from './host/grammar';
import { MmReviewServer } from './server';

export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  new MmReviewServer(connection, { parser: loadParser(), ruleDocs, readFile }).register();
  connection.listen();
}

/** A workspace file by URI (file: URIs only); null when it does not exist. */
async function readFile(uri: string): Promise<string | null> {
  if (!uri.startsWith('file:')) return null;
  try {
    return await fs.readFile(fileURLToPath(uri), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

if (require.main === module) startServer();
