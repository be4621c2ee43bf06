/** The server's own requests (mmReview/*) given params they do not expect: an answer or invalid params, never an internal error. */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { repoRoot } from '../helpers';
import { LspTestClient } from './client';

let client: LspTestClient;
before(async () => {
  client = new LspTestClient(process.execPath, [path.join(repoRoot, 'dist', 'server.js'), '--stdio']);
  await client.initialize();
});
after(() => client.stop());

const INVALID_PARAMS = -32602;

async function errorCode(method: string, params: unknown): Promise<number | null> {
  try {
    await client.connection.sendRequest(method, params);
    return null;
  } catch (e) {
    return (e as { code: number }).code;
  }
}

test('mmReview/ruleDoc answers a rule page by own id only: names on Object.prototype are no rule', async () => {
  assert.match((await client.connection.sendRequest('mmReview/ruleDoc', { id: 'prototype-mismatch' })) as string, /^# prototype-mismatch/m);
  for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'no-such-rule']) {
    assert.equal(await client.connection.sendRequest('mmReview/ruleDoc', { id }), null, id);
  }
});

test('mmReview requests with missing or mistyped params answer invalid params', async () => {
  const cases: [string, unknown][] = [
    ['mmReview/ruleDoc', null],
    ['mmReview/ruleDoc', { id: 7 }],
    ['mmReview/model', null],
    ['mmReview/model', { uri: 'file:///x.patch' }],
    ['mmReview/model', [1, 2]],
    ['mmReview/runModel', { uri: 'file:///x.patch' }],
    ['mmReview/runModel', { uri: 'file:///x.patch', model: 3 }],
    ['mmReview/findingsText', { uri: null }],
    ['mmReview/review', 'file:///x.patch'],
  ];
  for (const [method, params] of cases) assert.equal(await errorCode(method, params), INVALID_PARAMS, `${method} ${JSON.stringify(params)}`);
  assert.equal(await client.connection.sendRequest('mmReview/model', { uri: 'file:///nothing-open.patch', key: 'k' }), null);
});

test('mmReview/models lists the models; mmReview/runModel runs one for the panel, refusing what the panel may not pass', async () => {
  const models = (await client.connection.sendRequest('mmReview/models', {})) as { id: string }[];
  assert.deepEqual(models.map((m) => m.id).sort(), ['batch-throughput', 'bo-purgeability', 'cxl-interleave', 'gmem-alignment', 'unwind', 'vmemmap']);
  const run = (args: unknown): Promise<{ title: string; svg?: string; error?: string; form?: { model: string } }> =>
    client.connection.sendRequest('mmReview/runModel', { uri: 'file:///nothing-open.patch', model: 'cxl-interleave', args }) as Promise<never>;
  const ok = await run({ ways: '4', granularity: '1K', hpa: '0x1000' });
  assert.equal(ok.title, 'cxl-interleave (ways=4 granularity=1K hpa=0x1000)');
  assert.match(ok.svg ?? '', /^<svg /);
  assert.equal(ok.form?.model, 'cxl-interleave');
  // Values that are not strings are dropped; a file is never read from the panel.
  assert.equal((await run({ ways: 4 })).title, 'cxl-interleave');
  assert.match((await run({ topology: '/etc/passwd' })).error ?? '', /takes no parameter topology here/);
});
