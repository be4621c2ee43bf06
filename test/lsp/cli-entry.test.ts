/**
 * `mm-review lsp --stdio` read as raw JSON-RPC frames: every request is answered exactly once and every
 * server request is sent once (the CLI bundle once started a second server on the same stdio).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { ONE_LINE_PATCH as PATCH, repoRoot } from '../helpers';

interface Message {
  id?: number | string;
  method?: string;
  result?: unknown;
  error?: unknown;
  params?: { uri?: string; version?: number };
}

/** Splits a byte stream into LSP frames (Content-Length headers). */
function frames(buffer: Buffer): { messages: Message[]; rest: Buffer } {
  const messages: Message[] = [];
  let rest = buffer;
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const length = Number(/Content-Length: (\d+)/i.exec(rest.subarray(0, end).toString('ascii'))?.[1]);
    if (rest.length < end + 4 + length) break;
    messages.push(JSON.parse(rest.subarray(end + 4, end + 4 + length).toString('utf8')) as Message);
    rest = rest.subarray(end + 4 + length);
  }
  return { messages, rest };
}

const frame = (m: object): string => {
  const body = JSON.stringify({ jsonrpc: '2.0', ...m });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};

test('`mm-review lsp --stdio` answers each request once and sends each server request once', async () => {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const seen: Message[] = [];
  let pending: Buffer = Buffer.alloc(0);
  child.stdout.on('data', (chunk: Buffer) => {
    const { messages, rest } = frames(Buffer.concat([pending, chunk]));
    pending = rest;
    for (const m of messages) {
      seen.push(m);
      // Answer the server's own requests (registrations, configuration), as a client does.
      if (m.method && m.id !== undefined) child.stdin.write(frame({ id: m.id, result: m.method === 'workspace/configuration' ? [{}] : null }));
    }
  });
  const until = async (pred: () => boolean, ms = 20000): Promise<void> => {
    const t0 = Date.now();
    while (!pred()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out; seen: ${JSON.stringify(seen.map((m) => m.method ?? `response ${m.id}`))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  try {
    const uri = 'file:///tmp/mm-review-once/x.patch';
    child.stdin.write(
      frame({
        id: 1,
        method: 'initialize',
        params: {
          processId: process.pid,
          rootUri: null,
          // A folder, so its .mm-review.json is watched: one registration.
          workspaceFolders: [{ uri: 'file:///tmp/mm-review-once', name: 'once' }],
          capabilities: { workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } } },
        },
      }),
    );
    await until(() => seen.some((m) => m.id === 1 && !m.method));
    child.stdin.write(frame({ method: 'initialized', params: {} }));
    child.stdin.write(frame({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'diff', version: 1, text: PATCH } } }));
    child.stdin.write(frame({ id: 2, method: 'mmReview/rules', params: {} }));
    await until(() => seen.some((m) => m.method === 'textDocument/publishDiagnostics') && seen.some((m) => m.id === 2 && !m.method));
    child.stdin.write(frame({ id: 3, method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 6, character: 2 } } }));
    child.stdin.write(frame({ id: 4, method: 'shutdown' }));
    await until(() => seen.some((m) => m.id === 4 && !m.method));
    // Anything a second server would send arrives within this pause.
    await new Promise((r) => setTimeout(r, 500));
    const responses = seen.filter((m) => !m.method);
    for (const id of [1, 2, 3, 4]) assert.equal(responses.filter((m) => m.id === id).length, 1, `response ${id}`);
    assert.equal(responses.length, 4);
    assert.equal(seen.filter((m) => m.method === 'client/registerCapability').length, 1, 'one file-watcher registration');
    assert.equal(seen.filter((m) => m.method === 'textDocument/publishDiagnostics' && m.params?.uri === uri).length, 1, 'one analysis, published once');
    child.stdin.write(frame({ method: 'exit' }));
  } finally {
    child.kill();
  }
});
