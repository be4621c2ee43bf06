/** @file The language server on Node: the host's services (files, kernel trees, the grammar) wired into the server. Started by server-entry.ts (`dist/server.js`) and by `mm-review lsp`. */
import { fileURLToPath } from 'node:url';
import ruleDocs from 'mm-review-rule-docs';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { FileReadError, MAX_CONFIG_BYTES, readRegularFile } from './host/files';
import { loadParser } from './host/grammar';
import { DiskKernelTree, looksLikeKernelTree } from './host/kernel-tree';
import { MmReviewServer } from './server';


export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  new MmReviewServer(connection, { parser: loadParser(), ruleDocs, readFile, openKernelTree, looksLikeKernelTree: (uri) => uri.startsWith('file:') && looksLikeKernelTree(fileURLToPath(uri)) }).register();
  connection.listen();
}

/**
 * A workspace configuration file by URI (file: URIs only); null when it does not exist. Only a regular file
 * of at most 1 MiB is read (a FIFO would block the server, a link to /dev/zero exhaust its memory).
 */
async function readFile(uri: string): Promise<string | null> {
  if (!uri.startsWith('file:')) return null;
  try {
    return readRegularFile(fileURLToPath(uri), MAX_CONFIG_BYTES).toString('utf8');
  } catch (e) {
    if (e instanceof FileReadError && e.code === 'ENOENT') return null;
    throw e;
  }
}

/** A kernel tree at a file: URI, searched in the background. */
function openKernelTree(uri: string, events: { started(): void; ready(): void }): DiskKernelTree | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return new DiskKernelTree(fileURLToPath(uri), events);
  } catch {
    return null;
  }
}
