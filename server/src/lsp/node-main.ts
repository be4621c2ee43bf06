/**
 * @file The language server on Node: the host's services (workspace files, the analysis worker that holds the
 * grammar and the kernel trees) wired into the server. Started by server-entry.ts (`dist/server.js`) and by
 * `mm-review lsp`.
 */
import * as fs from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ruleDocs from 'mm-review-rule-docs';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { FileReadError, MAX_CONFIG_BYTES, readRegularFile } from '../host/files';
import { looksLikeKernelTree } from '../host/disk-tree';
import { WorkerBackend } from '../host/worker-backend';
import { MmReviewServer } from './server';

export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  const backend = new WorkerBackend();
  new MmReviewServer(connection, {
    backend,
    ruleDocs,
    readFile,
    looksLikeKernelTree: (uri) => uri.startsWith('file:') && looksLikeKernelTree(fileURLToPath(uri)),
    realUri,
  }).register();
  connection.onExit(() => void backend.dispose());
  connection.listen();
}

/** A directory's real location as a file: URI (symlinks resolved), or null. */
function realUri(uri: string): string | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return pathToFileURL(fs.realpathSync(fileURLToPath(uri))).href;
  } catch {
    return null;
  }
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
