/** Hovers end in links to the extension's commands only for a client that runs them (VS Code says so when it starts the server). */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Hover } from 'vscode-languageserver-protocol';
import { addedCodePatch, lineOf, repoRoot } from '../helpers';
import { LspTestClient } from './client';

const server = path.join(repoRoot, 'dist', 'server.js');
const clients: LspTestClient[] = [];
after(() => Promise.all(clients.map((c) => c.stop())));

const doc = addedCodePatch(
  'drivers/foo: reset under the lock',
  'drivers/foo/foo.c',
  'static int foo_reset(struct foo *foo)\n{\n\tmutex_lock(&foo->lock);\n\tif (foo->dead)\n\t\treturn -ENODEV;\n\tfoo_hw_reset(foo);\n\tmutex_unlock(&foo->lock);\n\treturn 0;\n}',
);

const uri = 'file:///tmp/mm-review-links/foo.patch';

async function hoverValue(initializationOptions: unknown): Promise<{ value: string; key: string }> {
  const client = new LspTestClient(process.execPath, [server, '--stdio']);
  clients.push(client);
  await client.initialize({ initializationOptions });
  const ready = client.diagnostics(uri);
  await client.open(uri, doc);
  const d = (await ready).diagnostics.find((x) => x.code === 'unbalanced-counter');
  assert.ok(d, 'the leak is found');
  assert.equal(d.range.start.line + 1, lineOf(doc, 'mutex_lock(&foo->lock);'));
  const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: d.range.start })) as Hover;
  return { value: (hover.contents as { value: string }).value, key: (d.data as { key: string }).key };
}

test('a client that runs command links gets them: the rest of the explanation (its path table), the rule documentation', async () => {
  const { value, key } = await hoverValue({ commandLinks: true });
  assert.match(value, /^\*\*unbalanced-counter\*\* · error\n\n/);
  const arg = (a: unknown[]): string => encodeURIComponent(JSON.stringify(a));
  assert.ok(
    value.endsWith(
      `\n\n[Full explanation](command:mmReview.showExplanation?${arg([uri, key])}) · [Rule documentation (unbalanced-counter)](command:mmReview.showRuleDocumentation?${arg(['unbalanced-counter'])})`,
    ),
    value,
  );
});

test('any other client gets no command link (it could not follow one)', async () => {
  const { value } = await hoverValue({});
  assert.match(value, /^\*\*unbalanced-counter\*\* · error\n\n/);
  assert.doesNotMatch(value, /command:/);
});

test('a function a model is about: a short hover, and a link that runs the model for that file’s architecture', async () => {
  const patch = addedCodePatch(
    'x86/mm: pass pgmap',
    'arch/x86/mm/init_64.c',
    'int __meminit vmemmap_populate(unsigned long start, unsigned long end, int node,\n\t\tstruct vmem_altmap *altmap, struct dev_pagemap *pgmap)\n{\n\treturn vmemmap_populate_hugepages(start, end, node, altmap, pgmap);\n}',
  );
  const client = new LspTestClient(process.execPath, [server, '--stdio']);
  clients.push(client);
  await client.initialize({ initializationOptions: { commandLinks: true } });
  const at = 'file:///tmp/mm-review-links/init_64.patch';
  const ready = client.diagnostics(at);
  await client.open(at, patch);
  await ready;
  const line = lineOf(patch, '+int __meminit vmemmap_populate(') - 1;
  const hover = (await client.connection.sendRequest('textDocument/hover', {
    textDocument: { uri: at },
    position: { line, character: '+int __meminit vm'.length },
  })) as Hover;
  const value = (hover.contents as { value: string }).value;
  assert.match(value, /\*\*vmemmap\*\* behind `vmemmap_populate\(\)`/);
  const arg = encodeURIComponent(JSON.stringify([at, 'vmemmap', { arch: 'x86_64', size: String(128 << 20), shift: '9' }]));
  assert.ok(value.includes(`[Show model: vmemmap](command:mmReview.runModel?${arg})`), value);
  assert.ok(value.split('\n').length <= 16, `a hover at a glance:\n${value}`);
});
