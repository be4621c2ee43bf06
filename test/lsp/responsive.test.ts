/**
 * The language server answers while an analysis runs, and an edit stops the analysis of the text it
 * replaces. The slow document is ten CXL helpers that never return, each loop step a long sum: the
 * cxl-encoding rule runs them until the analysis's time budget (4 s) is spent. What is asserted is order,
 * and a time against that budget with a wide margin, never an absolute speed.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { helperPatch } from '../cxl-fixture';
import { ONE_LINE_PATCH, repoRoot } from '../helpers';
import { LspTestClient } from './client';

const chain = Array.from({ length: 150 }, () => 'eiw').join(' + ');
const helpers = Array.from(
  { length: 10 },
  (_, i) =>
    `static inline int eiw_to_ways_${i}(u8 eiw, unsigned int *ways)\n{\n\tunsigned int x = 0;\n\n\tfor (;;)\n\t\tx = ${chain};\n\t*ways = x;\n\treturn 0;\n}\n`,
).join('\n');
const SLOW = helperPatch('drivers/cxl/cxl.h', helpers);
const FAST = ONE_LINE_PATCH;

let client: LspTestClient;
before(async () => {
  client = new LspTestClient(process.execPath, [path.join(repoRoot, 'dist', 'server.js'), '--stdio']);
  await client.initialize();
});
after(() => client.stop());

const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

let fullMs = 0;

test('a request and a hover are answered while another document is analysed', async () => {
  const fast = 'file:///tmp/mm-review-responsive/fast.patch';
  const fastReady = client.diagnostics(fast);
  await client.open(fast, FAST);
  await fastReady;
  const slow = 'file:///tmp/mm-review-responsive/slow.patch';
  const events: string[] = [];
  const t0 = performance.now();
  const slowReady = client
    .diagnostics(slow, () => true, 30_000)
    .then((p) => {
      events.push('slow diagnostics');
      fullMs = performance.now() - t0;
      return p;
    });
  await client.open(slow, SLOW);
  // Inside the rule that runs the helpers by now.
  await pause(500);
  const rules = (await client.connection.sendRequest('mmReview/rules', {})) as unknown[];
  events.push('rules answered');
  const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: fast }, position: { line: 6, character: 2 } });
  events.push('hover answered');
  const published = await slowReady;
  assert.ok(rules.length > 10);
  assert.equal(hover, null, 'nothing to say on that line, but an answer');
  assert.deepEqual(events, ['rules answered', 'hover answered', 'slow diagnostics']);
  // The budget ended the slow analysis, and said so.
  assert.ok(
    published.diagnostics.some((d) => d.code === 'analysis-limit' && /ran out of its time \(4 s\) before finishing cxl-encoding/.test(String(d.message))),
    JSON.stringify(published.diagnostics),
  );
  assert.ok(fullMs >= 3_500, `${fullMs} ms`);
});

test('an edit cancels the analysis of the text it replaces, inside the model that runs', async () => {
  assert.ok(fullMs > 0, 'the previous test measured the uncancelled analysis');
  const uri = 'file:///tmp/mm-review-responsive/edited.patch';
  await client.open(uri, SLOW);
  await pause(500);
  const t0 = performance.now();
  const second = client.diagnostics(uri, (p) => p.version === 2, 30_000);
  await client.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: FAST }] });
  await second;
  const ms = performance.now() - t0;
  assert.ok(ms < fullMs / 2, `the edit's findings came after ${Math.round(ms)} ms; the uncancelled analysis took ${Math.round(fullMs)} ms`);
  await pause(300);
  assert.deepEqual(
    client.published.filter((p) => p.uri === uri && p.version === 1),
    [],
    'the replaced text is never published',
  );
});
