/** The built language server (dist/server.js, and `mm-review lsp --stdio`), spoken to over stdio. */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, CodeLens, Hover } from 'vscode-languageserver-protocol/node';
import { syntheticSeries } from '../../bench/synthetic';
import { readSeed, repoRoot, staleCallSeed, seedTest } from '../helpers';
import { errorsOf, LspTestClient } from './client';

const server = path.join(repoRoot, 'dist', 'server.js');

const staleCall = staleCallSeed;

let client: LspTestClient;
before(async () => {
  client = new LspTestClient(process.execPath, [server, '--stdio']);
  const init = await client.initialize();
  assert.equal(init.serverInfo?.name, 'mm-review');
});
after(() => client.stop());

seedTest('open → diagnostic → hover → quick fix → diagnostic cleared', async () => {
  const uri = 'file:///tmp/mm-review-e2e/stale-call.patch';
  const text = staleCall();
  const first = client.diagnostics(uri);
  await client.open(uri, text);
  const published = await first;
  const errors = errorsOf(published);
  assert.equal(errors.length, 1, JSON.stringify(published.diagnostics, null, 1));
  const d = errors[0];
  assert.equal(d.code, 'prototype-mismatch');
  assert.equal(d.source, 'mm-review');
  assert.equal(d.range.start.line, 240);
  assert.equal(d.codeDescription?.href, 'mm-review-doc:/rules/prototype-mismatch.md');
  assert.match(d.message as string, /`vmemmap_populate\(\)` is called with 4 arguments/);
  // relatedInformation points at the other end: where include/linux/mm.h changed the prototype.
  const rel = d.relatedInformation?.[0];
  assert.equal(rel?.location.uri, uri);
  assert.match(text.split('\n')[rel!.location.range.start.line], /^int vmemmap_populate\(/);
  assert.equal(published.diagnostics.filter((x) => x.severity === 3).length, 2, 'the two parameter-dropped notes');

  const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: d.range.start })) as Hover;
  const value = (hover.contents as { value: string }).value;
  assert.match(value, /\*\*prototype-mismatch\*\* · error/);
  assert.match(
    value,
    /- after: `vmemmap_populate\(unsigned long start, unsigned long end, int node, struct vmem_altmap \*altmap, struct dev_pagemap \*pgmap\)`/,
  );

  const actions = (await client.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri },
    range: d.range,
    context: { diagnostics: [d] },
  })) as CodeAction[];
  assert.equal(actions.length, 1);
  assert.equal(actions[0].title, 'Pass `NULL` for `pgmap`');
  assert.equal(actions[0].kind, 'quickfix');
  const edits = actions[0].edit!.changes![uri];
  const doc = TextDocument.create(uri, 'diff', 1, text);
  const fixed = TextDocument.applyEdits(doc, edits);
  assert.equal(fixed.split('\n')[240], '+ vmemmap_populate(start, end, nid, NULL, NULL);');
  const second = client.diagnostics(uri, (p) => p.version === 2);
  await client.connection.sendNotification('textDocument/didChange', {
    textDocument: { uri, version: 2 },
    contentChanges: edits.map((e) => ({ range: e.range, text: e.newText })),
  });
  const after2 = await second;
  assert.deepEqual(errorsOf(after2), []);
  assert.equal(after2.diagnostics.length, 2);
});

seedTest('hover on a function the series changed says which sites followed', async () => {
  const uri = 'file:///tmp/mm-review-e2e/hover.patch';
  const ready = client.diagnostics(uri);
  await client.open(uri, staleCall());
  await ready;
  // Line 60 is arm64's `int __meminit vmemmap_populate(unsigned long start, ...`.
  const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 59, character: 20 } })) as Hover;
  const value = (hover.contents as { value: string }).value;
  assert.match(value, /\*\*vmemmap_populate\(\)\*\*: what this series changed/);
  assert.match(value, /\*\*Not updated\*\* \(1\): mm\/hugetlb_vmemmap\.c:832 \(call\): passes 4 arguments, the prototype takes 5/);
  assert.deepEqual(hover.range, { start: { line: 59, character: 14 }, end: { line: 59, character: 30 } });
});

seedTest('code lens on each patch subject with its counts; custom requests for text and rule docs', async () => {
  const uri = 'file:///tmp/mm-review-e2e/lens.mbox';
  const text = readSeed('002');
  const ready = client.diagnostics(uri);
  await client.open(uri, text, 'mm-mail');
  await ready;
  const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
  assert.deepEqual(
    lenses.map((l) => [l.range.start.line, l.command?.title]),
    [[19, 'mm-review: 2 information']],
  );
  assert.match(text.split('\n')[19], /^Subject: \[PATCH 04\/49\]/);
  const asText = (await client.connection.sendRequest('mmReview/findingsText', { uri })) as string;
  assert.match(asText, /^\/tmp\/mm-review-e2e\/lens\.mbox:135:8: information: .*\[parameter-dropped\]$/m);
  const docText = (await client.connection.sendRequest('mmReview/ruleDoc', { id: 'prototype-mismatch' })) as string;
  assert.match(docText, /^# prototype-mismatch\n/);
});

/** The document's "Show model" lens: its title, and the model view the lens opens. */
/** What the "Full explanation" link opens: the finding's whole explanation. */
async function explanationOf(uri: string, d: { data?: unknown }): Promise<string> {
  const key = (d.data as { key: string }).key;
  const r = (await client.connection.sendRequest('mmReview/explanation', { uri, key })) as { title: string; markdown: string };
  return r.markdown;
}

/** Lines a hover takes, long ones wrapping at about 100 columns. */
const shownLines = (markdown: string): number => markdown.split('\n').reduce((n, l) => n + Math.max(1, Math.ceil(l.length / 100)), 0);

async function showModel(uri: string): Promise<{ title: string; model: { id: string; markdown: string; svg?: string } }> {
  const lenses = (await client.connection.sendRequest('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
  const show = lenses.find((l) => l.command?.command === 'mmReview.showModel');
  assert.ok(show?.command, 'a Show model lens');
  const [lensUri, key] = show.command.arguments as [string, string];
  return {
    title: show.command.title,
    model: (await client.connection.sendRequest('mmReview/model', { uri: lensUri, key })) as { id: string; markdown: string; svg?: string },
  };
}

seedTest('a model-backed finding: its hover shows the trace, its lens opens the model', async () => {
  const uri = 'file:///tmp/mm-review-e2e/purgeable.mbox';
  const text = readSeed('004');
  const ready = client.diagnostics(uri);
  await client.open(uri, text, 'mm-mail');
  const published = await ready;
  const notes = published.diagnostics.filter((d) => d.code === 'xe-bo-purgeability');
  assert.equal(notes.length, 1, JSON.stringify(published.diagnostics, null, 1));
  assert.equal(notes[0].severity, 3);
  assert.match(text.split('\n')[notes[0].range.start.line], /if \(vmas\[i\]->attr\.purgeable_state == XE_MADV_PURGEABLE_WILLNEED\) \{/);
  const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: notes[0].range.start })) as Hover;
  const value = (hover.contents as { value: string }).value;
  // The hover is the verdict, at a glance; the trace tables are in the full explanation and the model.
  assert.match(
    value,
    /^\*\*xe-bo-purgeability\*\* · information\n\n\*\*BO purgeability model\*\*: the patched code departs from the code it replaces on \d+ kinds/,
  );
  assert.ok(shownLines(value) <= 14, `${shownLines(value)} lines:\n${value}`);
  assert.doesNotMatch(value, /\| # \| event \|/);
  const full = await explanationOf(uri, notes[0]);
  assert.match(full, /\| # \| event \| VMAs \(latest advice\) \| `willneed_count` \| `vma_count` \| state, patched \| state, before \|/);
  assert.match(full, /\| 3 \| export \| VMA1 D, dma-buf \| 1 \| 1 \| WILLNEED \| DONTNEED \|/);
  const { title, model } = await showModel(uri);
  assert.equal(title, 'Show model (bo-purgeability)');
  assert.equal(model.id, 'bo-purgeability');
  assert.ok(model.markdown.includes('| 3 | export | VMA1 D, dma-buf | 1 | 1 | WILLNEED | DONTNEED |'), 'the export departure, as a table');
  assert.match(model.markdown, /The model ran every sequence of up to 6 events/);
  // A helper the model ran, hovered at a call in a hunk: the model's finding.
  const lines = text.split('\n');
  const callLine = lines.findIndex((l) => l.includes('+ xe_bo_willneed_get_locked(bo);'));
  assert.ok(callLine > 0, 'a call of the helper in a hunk');
  const onHelper = (await client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri },
    position: { line: callLine, character: lines[callLine].indexOf('xe_bo_willneed_get_locked') + 3 },
  })) as Hover;
  assert.match((onHelper.contents as { value: string }).value, /^\*\*xe-bo-purgeability\*\* · `xe_bo_willneed_get_locked`\n\n\*\*BO purgeability model\*\*/);
  // The panel's picture: the shortest departure as a timeline.
  assert.match(model.svg ?? '', /^<svg [^>]*role="img"/);
  assert.match(model.svg ?? '', /<title>Shortest departure: after create VMA1 DONTNEED → madvise VMA1 DONTNEED/);
  // The panel runs the model again on this document with a parameter changed.
  assert.deepEqual(
    (model as { form?: { model: string; params: { name: string }[] } }).form?.params.map((p) => p.name),
    ['bound'],
  );
  const again = (await client.connection.sendRequest('mmReview/runModel', { uri, model: 'bo-purgeability', args: { bound: '4' } })) as {
    title: string;
    markdown: string;
    error?: string;
  };
  assert.equal(again.error, undefined, again.error);
  assert.equal(again.title, 'bo-purgeability (bound=4)');
  assert.match(again.markdown, /up to 4 events/);
});

seedTest("seed 000, a review thread: findings on the quoted round_down and the reply's snippet; the binding model on hover and lens", async () => {
  const uri = 'file:///tmp/mm-review-e2e/gmem-thread.mbox';
  const text = readSeed('000');
  const lines = text.split('\n');
  const ready = client.diagnostics(uri);
  await client.open(uri, text, 'mm-mail');
  const published = await ready;
  const at = (code: string): string[] => published.diagnostics.filter((d) => d.code === code).map((d) => lines[d.range.start.line]);
  // Where each lands, by the text of its line (the seed's own lines, read for this test).
  assert.equal(at('gmem-binding-alignment').length, 1);
  assert.match(at('gmem-binding-alignment')[0], /round_down\(index, nr_pages\)/);
  assert.deepEqual(
    at('mask-misuse').map((l) => /(offset|gfn)_within_page =/.exec(l)?.[1]),
    ['offset', 'gfn'],
  );
  assert.equal(at('unit-mismatch').length, 1);
  assert.match(at('unit-mismatch')[0], /offset_within_page == gfn_within_page/);
  assert.equal(published.diagnostics.length, 4, JSON.stringify(published.diagnostics.map((d) => d.code)));
  const note = published.diagnostics.find((d) => d.code === 'gmem-binding-alignment')!;
  assert.equal(note.severity, 3, 'information: the thread only quotes the code');
  const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: note.range.start })) as Hover;
  assert.ok(shownLines((hover.contents as { value: string }).value) <= 14);
  const full = await explanationOf(uri, note);
  assert.match(full, /\| 1 \| \[512, 1024\) \| \[2 MiB, 4 MiB\) \| allowed \|/);
  assert.match(full, /\| `offset_within_page == gfn_within_page` \| \d+ \| \d+ \| accepts broken `base_gfn` = 2, `pgoff` = 0/);
  const { title, model } = await showModel(uri);
  assert.equal(title, 'Show model (gmem-alignment)');
  assert.equal(model.id, 'gmem-alignment');
  assert.match(model.markdown, /\*\*3 allowed huge mappings span two folios\.\*\*/);
});

seedTest('seed 003, a thread with no code: the region figures get notes, and a lens opens the CXL model', async () => {
  const uri = 'file:///tmp/mm-review-e2e/cxl-thread.mbox';
  const text = readSeed('003');
  const ready = client.diagnostics(uri);
  await client.open(uri, text, 'mm-mail');
  const published = await ready;
  assert.deepEqual(
    published.diagnostics.map((d) => [d.code, d.severity, d.range.start.line + 1]),
    [
      ['cxl-interleave', 3, 65],
      ['cxl-interleave', 3, 68],
    ],
  );
  const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: published.diagnostics[0].range.start })) as Hover;
  assert.match((hover.contents as { value: string }).value, /2\^40 \/ 2\^8 = 2\^32 ≈ \*\*4\.29 × 10\^9\*\* per device/);
  const { title, model } = await showModel(uri);
  assert.equal(title, 'Show model (cxl-interleave)');
  assert.equal(model.id, 'cxl-interleave');
  assert.match(model.markdown, /\*\*One-to-one\*\*/);
  assert.match(model.markdown, /\| window \| — \| 0x0 \| 16 TiB \| 1 \| 256 B \| hb0 \|/);
});

seedTest("hovering vmemmap_populate() in riscv's hunk of seed 002: what the series changed, then the vmemmap model with riscv highlighted", async () => {
  const uri = 'file:///tmp/mm-review-e2e/vmemmap.mbox';
  const text = readSeed('002');
  const lines = text.split('\n');
  const ready = client.diagnostics(uri);
  await client.open(uri, text, 'mm-mail');
  await ready;
  const riscv = lines.findIndex((l) => l.startsWith('diff --git a/arch/riscv/mm/init.c'));
  const line = lines.findIndex((l, i) => i > riscv && l.startsWith('int __meminit vmemmap_populate('));
  const character = lines[line].indexOf('vmemmap_populate') + 4;
  const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } })) as Hover;
  const value = (hover.contents as { value: string }).value;
  assert.match(value, /\*\*vmemmap_populate\(\)\*\*: what this series changed/);
  assert.match(value, /\*\*vmemmap model\*\*, riscv64: 128 MiB of memory/);
  // The table of every architecture is the panel's (this client takes no command links; hover-links.test
  // checks the link VS Code gets): the model run for riscv.
  assert.doesNotMatch(value, /\| arch \| page \|/);
  const args = { arch: 'riscv64', size: '128M', shift: '9' };
  const panel = (await client.connection.sendRequest('mmReview/runModel', { uri, model: 'vmemmap', args })) as { markdown: string; svg?: string };
  assert.match(panel.markdown, /\| \*\*riscv64\*\* \| 4 KiB \| 128 MiB \| 2 MiB \| 1 PMD \| compound pages, pgmap received; saves 1 MiB \+ 512 KiB \|/);
  assert.match(panel.svg ?? '', /^<svg /);
});

test('a long document shows the quick findings first, then those that read whole functions', async () => {
  const uri = 'file:///tmp/mm-review-e2e/long.mbox';
  const text = syntheticSeries(10).text;
  assert.ok(text.split('\n').length > 2000);
  let count = 0;
  const first = client.diagnostics(uri);
  const complete = client.diagnostics(uri, () => ++count === 2);
  await client.open(uri, text, 'mm-mail');
  const [a, b] = [await first, await complete];
  const codes = (p: { diagnostics: { code?: unknown }[] }): Set<unknown> => new Set(p.diagnostics.map((d) => d.code));
  assert.equal(a.version, b.version);
  assert.ok(!codes(a).has('unbalanced-counter'), 'the first publication waits for no rule that reads whole functions');
  assert.ok(codes(b).has('unbalanced-counter'), 'the second completes it');
  for (const d of a.diagnostics)
    assert.ok(
      b.diagnostics.some((x) => x.code === d.code && x.message === d.message && x.range.start.line === d.range.start.line),
      'nothing shown first is taken back',
    );
});

seedTest('hovering a batch constant anywhere in seed 001 shows what it costs and what it buys', async () => {
  const uri = 'file:///tmp/mm-review-e2e/batch.mbox';
  const text = readSeed('001');
  const ready = client.diagnostics(uri);
  await client.open(uri, text, 'mm-mail');
  const published = await ready;
  assert.deepEqual(published.diagnostics.map((d) => d.code).sort(), ['batch-footprint', 'shared-completion']);
  const line = text.split('\n').findIndex((l) => l.includes('+ u8 *buffer[SWAP_CRYPTO_SUB_BATCH_SIZE];'));
  const character = text.split('\n')[line].indexOf('SWAP_CRYPTO_SUB_BATCH_SIZE') + 3;
  const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } })) as Hover;
  const value = (hover.contents as { value: string }).value;
  // The key figure at a glance; the table of batch sizes in the full explanation.
  assert.match(value, /For 224 CPUs and 1 pool: 8 × 8 KiB × 224 = \*\*14 MiB\*\*/);
  assert.ok(shownLines(value) <= 14, value);
  const footprint = published.diagnostics.find((d) => d.code === 'batch-footprint')!;
  assert.match(await explanationOf(uri, footprint), /\| 8 \| 2t \| 8× \|/);
});

seedTest('settings: a rule turned off, all findings, and the size limit', async () => {
  const uri = 'file:///tmp/mm-review-e2e/settings.patch';
  let ready = client.diagnostics(uri);
  await client.open(uri, staleCall());
  assert.equal((await ready).diagnostics.length, 3);
  client.settings = { rules: { 'parameter-dropped': 'off' } };
  ready = client.diagnostics(uri, (p) => p.diagnostics.length === 1);
  await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  assert.equal((await ready).diagnostics[0].code, 'prototype-mismatch');
  client.settings = { maxDocumentSizeMiB: 0.001 };
  ready = client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'analysis-limit'));
  await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  const limited = await ready;
  assert.equal(limited.diagnostics.length, 1);
  assert.match(limited.diagnostics[0].message as string, /document is 19.0 KiB, over the limit of 1.0 KiB; it is not analysed/);
  client.settings = {};
  ready = client.diagnostics(uri, (p) => p.diagnostics.length === 3);
  await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  await ready;
});

test('a slow document reports work-done progress; closing clears its diagnostics', async () => {
  const uri = 'file:///tmp/mm-review-e2e/large.mbox';
  const text = syntheticSeries(200).text.repeat(6);
  // A long document is published twice: first without the rules that read whole functions, then complete.
  let publications = 0;
  const ready = client.diagnostics(uri, () => ++publications === 2, 60000);
  const before = client.progress.length;
  await client.open(uri, text, 'mm-mail');
  await ready;
  const events = client.progress.slice(before);
  assert.ok(client.progressCreated.length > 0, 'the server asked for a progress token');
  assert.equal(events[0]?.value.kind, 'begin');
  assert.equal(events[0]?.value.cancellable, true);
  assert.equal(events[events.length - 1]?.value.kind, 'end');
  const cleared = client.diagnostics(uri, (p) => p.diagnostics.length === 0);
  await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
  await cleared;
});

seedTest('`mm-review lsp --stdio` is the same server', async () => {
  const viaCli = new LspTestClient(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lsp', '--stdio']);
  try {
    await viaCli.initialize();
    const uri = 'file:///tmp/mm-review-e2e/cli.patch';
    const ready = viaCli.diagnostics(uri);
    await viaCli.open(uri, staleCall());
    assert.deepEqual(
      errorsOf(await ready).map((d) => d.range.start.line),
      [240],
    );
  } finally {
    await viaCli.stop();
  }
});

seedTest('run on save: edits wait for the save', async () => {
  const uri = 'file:///tmp/mm-review-e2e/on-save.patch';
  client.settings = { run: 'onSave' };
  try {
    const text = readSeed('002');
    let ready = client.diagnostics(uri);
    await client.open(uri, text);
    assert.deepEqual(errorsOf(await ready), [], 'opening checks');
    const line = text.split('\n')[240];
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: { line: 240, character: 0 }, end: { line: 240, character: line.length } }, text: '+ vmemmap_populate(start, end, nid, NULL);' },
      ],
    });
    await new Promise((r) => setTimeout(r, 700));
    assert.equal(client.published.filter((p) => p.uri === uri && p.version === 2).length, 0, 'typing does not check');
    ready = client.diagnostics(uri, (p) => p.version === 2);
    await client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    assert.deepEqual(
      errorsOf(await ready).map((d) => d.range.start.line),
      [240],
    );
  } finally {
    client.settings = {};
  }
});

seedTest('findings "all" adds pre-existing ones as hints', async () => {
  const uri = 'file:///tmp/mm-review-e2e/all.patch';
  // A call that was already wrong before the patch: context in the hunk, at two arguments.
  const text = readSeed('002')
    .replace(
      '\nif (vmemmap_populate_hvo(start, end, huge_page_order(h), zone,',
      '\nvmemmap_populate(start, end);\nif (vmemmap_populate_hvo(start, end, huge_page_order(h), zone,',
    )
    .replace('@@ -845,7 +845,7 @@', '@@ -845,8 +845,8 @@');
  client.settings = { findings: 'all' };
  try {
    const ready = client.diagnostics(uri);
    await client.open(uri, text);
    const hints = (await ready).diagnostics.filter((d) => d.severity === 4);
    assert.equal(hints.length, 1);
    assert.match(hints[0].message as string, /is called with 2 arguments.*\(pre-existing\)$/);
  } finally {
    client.settings = {};
  }
});

test('a cancelled review request is answered as cancelled', async () => {
  const uri = 'file:///tmp/mm-review-e2e/cancel.mbox';
  const ready = client.diagnostics(uri, (p) => p.diagnostics.length > 0, 60000);
  await client.open(uri, syntheticSeries(200).text.repeat(4), 'mm-mail');
  await ready;
  const source = new (await import('vscode-languageserver-protocol/node')).CancellationTokenSource();
  const pending = client.connection.sendRequest('mmReview/review', { uri }, source.token);
  setTimeout(() => source.cancel(), 20);
  await assert.rejects(pending, (e: { code?: number }) => e.code === -32800);
});
