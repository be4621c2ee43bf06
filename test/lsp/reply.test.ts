/**
 * The reply requests the VS Code extension's commands use ("Compose review reply", "Add to reply"), the
 * code action that runs the second, and raised findings' diagnostics, over stdio as an editor speaks them.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { repoRoot } from '../helpers';
import { LspTestClient } from './client';

const server = path.join(repoRoot, 'dist', 'server.js');
const read = (...p: string[]): string => fs.readFileSync(path.join(repoRoot, ...p), 'utf8');
const example = read('examples', 'pgmap-series.mbox');
const expected = (name: string): string => read('test', 'output', 'expected', name);
const uri = 'file:///tmp/mm-review-reply/pgmap-series.mbox';
const threadUri = 'file:///tmp/mm-review-reply/kasan-thread.mbox';

interface Reply {
  subject: string;
  inReplyTo: string | null;
  text: string;
  keys: string[];
}

let vscodeLike: LspTestClient;
let diagnostics: Diagnostic[];
let threadDiagnostics: Diagnostic[];
before(async () => {
  vscodeLike = new LspTestClient(process.execPath, [server, '--stdio']);
  await vscodeLike.initialize({ initializationOptions: { commandLinks: true } });
  const ready = vscodeLike.diagnostics(uri);
  await vscodeLike.open(uri, example, 'mm-mail');
  diagnostics = (await ready).diagnostics;
  const thread = vscodeLike.diagnostics(threadUri);
  await vscodeLike.open(threadUri, read('test', 'output', 'fixtures', 'kasan-thread.mbox'), 'mm-mail');
  threadDiagnostics = (await thread).diagnostics;
});
after(() => vscodeLike.stop());

const keyOf = (d: Diagnostic): string => (d.data as { key: string }).key;

test('composeReply: the replies of the document as mail, each with the findings it comments on', async () => {
  const replies = (await vscodeLike.connection.sendRequest('mmReview/composeReply', { uri })) as Reply[];
  assert.deepEqual(
    replies.map((r) => [r.subject, r.inReplyTo, r.keys.length]),
    [
      ['Re: [PATCH 1/3] kasan: pass a gfp mask to kasan_populate_shadow()', '20261102100000.1-dev@example.org', 2],
      ['Re: [PATCH 2/3] kasan: populate shadow for hot-added memory', '20261102100000.2-dev@example.org', 1],
    ],
  );
  assert.equal(replies[0].text, expected('pgmap-1.eml'));
  assert.equal(replies[1].text, expected('pgmap-2.eml'));
  // The reviewer's address as From; a document nobody opened has no replies to give.
  const from = (await vscodeLike.connection.sendRequest('mmReview/composeReply', { uri, from: 'Rev <rev@example.net>' })) as Reply[];
  assert.ok(from[0].text.startsWith('From: Rev <rev@example.net>\nTo: Example Developer <dev@example.org>\n'));
  assert.equal(await vscodeLike.connection.sendRequest('mmReview/composeReply', { uri: 'file:///not-open.mbox' }), null);
});

test('"Add to reply" is a code action on each finding, and puts the finding into the reply being written', async () => {
  const riscv = diagnostics.find((d) => d.range.start.line === 62)!;
  const x86 = diagnostics.find((d) => d.range.start.line === 81)!;
  const actions = (await vscodeLike.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: riscv.range,
    context: { diagnostics: [riscv] },
  })) as CodeAction[];
  const add = actions.find((a) => a.title === 'Add to reply: prototype-mismatch');
  assert.ok(add, actions.map((a) => a.title).join(', '));
  assert.deepEqual(add.command, { title: 'Add to reply', command: 'mmReview.addToReply', arguments: [uri, keyOf(riscv)] });
  // The quick fix stays first.
  assert.equal(actions[0].title, 'Add parameter `gfp_t gfp`');
  // A reply with x86's finding only, then riscv's added: the reply composed with both.
  const [onlyX86] = (await vscodeLike.connection.sendRequest('mmReview/composeReply', { uri, keys: [keyOf(x86)] })) as Reply[];
  assert.deepEqual(onlyX86.keys, [keyOf(x86)]);
  const both = await vscodeLike.connection.sendRequest('mmReview/addToReply', { uri, key: keyOf(riscv), reply: onlyX86.text });
  assert.equal(both, expected('pgmap-1.eml'));
  // Not this reply's message: the client tries its other replies, or composes a new one.
  const [second] = (await vscodeLike.connection.sendRequest('mmReview/composeReply', {
    uri,
    keys: [keyOf(diagnostics.find((d) => d.range.start.line === 137)!)],
  })) as Reply[];
  assert.equal(await vscodeLike.connection.sendRequest('mmReview/addToReply', { uri, key: keyOf(riscv), reply: second.text }), null);
});

test('a finding a reply in the thread raised says who; composing leaves it out unless it is asked for', async () => {
  const raised = threadDiagnostics.find((d) => d.code === 'prototype-mismatch')!;
  assert.match(raised.message as string, / \(raised by Reviewer One <one@example\.net>\)$/);
  const replies = (await vscodeLike.connection.sendRequest('mmReview/composeReply', { uri: threadUri })) as Reply[];
  assert.deepEqual(
    replies.map((r) => r.keys.length),
    [1],
  );
  const asked = (await vscodeLike.connection.sendRequest('mmReview/composeReply', { uri: threadUri, keys: [keyOf(raised)] })) as Reply[];
  assert.deepEqual(asked[0].keys, [keyOf(raised)]);
});

test('a client that cannot run the extension`s commands is offered no "Add to reply"', async () => {
  const plain = new LspTestClient(process.execPath, [server, '--stdio']);
  try {
    await plain.initialize();
    const ready = plain.diagnostics(uri);
    await plain.open(uri, example, 'mm-mail');
    const riscv = (await ready).diagnostics.find((d) => d.range.start.line === 62)!;
    const actions = (await plain.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: riscv.range,
      context: { diagnostics: [riscv] },
    })) as CodeAction[];
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Add parameter `gfp_t gfp`'],
    );
  } finally {
    await plain.stop();
  }
});
