/** @file The language server on Node: the host's services (files, kernel trees, the grammar) wired into the server. Started by server-entry.ts (`dist/server.js`) and by `mm-review lsp`. */
import * as fs from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import ruleDocs from 'mm-review-rule-docs';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { loadParser } from './host/grammar';
import { DiskKernelTree, looksLikeKernelTree } from './host/kernel-tree';
import { MmReviewServer } from './server';

export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  new MmReviewServer(connection, { parser: loadParser(), ruleDocs, readFile, openKernelTree, looksLikeKernelTree: (uri) => uri.startsWith('file:') && looksLikeKernelTree(fileURLToPath(uri)) }).register();
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

/** A kernel tree at a file: URI, searched in the background. */
function openKernelTree(uri: string, events: { started(): void; ready(): void }): DiskKernelTree | null {
  if (!uri.startsWith('file:')) return null;
  try {
    return new DiskKernelTree(fileURLToPath(uri), events);
  } catch {
    return null;
  }
}
