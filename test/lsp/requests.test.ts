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
    ['mmReview/findingsText', { uri: null }],
    ['mmReview/review', 'file:///x.patch'],
  ];
  for (const [method, params] of cases) assert.equal(await errorCode(method, params), INVALID_PARAMS, `${method} ${JSON.stringify(params)}`);
  assert.equal(await client.connection.sendRequest('mmReview/model', { uri: 'file:///nothing-open.patch', key: 'k' }), null);
});
