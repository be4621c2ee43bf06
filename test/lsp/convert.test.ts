import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Finding } from '../../server/src/core/findings';
import type { Patch } from '../../server/src/core/ingest';
import { codeActions, codeLenses, toDiagnostic } from '../../server/src/lsp/convert';
import { readSettings, readSettingsWithProblems } from '../../server/src/lsp/settings';

const range = (l: number, a: number, b: number) => ({ start: { line: l, character: a }, end: { line: l, character: b } });
const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'prototype-mismatch',
  messageId: 'missingParam',
  severity: 'error',
  origin: 'introduced',
  message: 'm',
  range: range(3, 2, 9),
  file: 'mm/x.c',
  fileLine: 10,
  patch: { index: 1, subject: 's' },
  explanation: 'e',
  fixes: [],
  related: [{ range: range(1, 0, 4), message: 'changed here' }],
  key: 'k',
  ...over,
});

test('a finding becomes a diagnostic with its rule, doc link, related location and severity', () => {
  const d = toDiagnostic(finding({}), 'file:///x.patch');
  assert.deepEqual(
    { code: d.code, href: d.codeDescription?.href, severity: d.severity, source: d.source, related: d.relatedInformation },
    {
      code: 'prototype-mismatch',
      href: 'mm-review-doc:/rules/prototype-mismatch.md',
      severity: 1,
      source: 'mm-review',
      related: [{ location: { uri: 'file:///x.patch', range: range(1, 0, 4) }, message: 'changed here' }],
    },
  );
  assert.equal(toDiagnostic(finding({ origin: 'fixed', severity: 'hint' }), 'u').message, 'm (fixed by this patch)');
  assert.equal(toDiagnostic(finding({ severity: 'information' }), 'u').severity, 3);
});

test('quick fixes are offered where the requested range touches the finding', () => {
  const fix = { title: 'Pass `NULL`', edits: [{ range: range(3, 8, 8), newText: ', NULL' }] };
  const f = finding({ fixes: [fix] });
  assert.equal(codeActions([f], 'u', range(3, 5, 5)).length, 1);
  assert.equal(codeActions([f], 'u', range(4, 0, 0)).length, 0);
  const [action] = codeActions([f], 'u', range(3, 0, 20));
  assert.deepEqual([action.title, action.kind, action.isPreferred, action.edit?.changes?.u], ['Pass `NULL`', 'quickfix', true, fix.edits]);
});

test('"Add to reply" for a client that runs the command: on introduced findings about the patch, after the fixes', () => {
  const fix = { title: 'Pass `NULL`', edits: [{ range: range(3, 8, 8), newText: ', NULL' }] };
  // [the finding, the titles offered]
  const cases: [Partial<Finding>, string[]][] = [
    [{ fixes: [fix] }, ['Pass `NULL`', 'Add to reply: prototype-mismatch']],
    [{ raised: { by: 'Rev <rev@example.net>', line: 40 } }, ['Add to reply: prototype-mismatch (raised by Rev <rev@example.net>)']],
    [{ origin: 'pre-existing', severity: 'hint' }, []],
    [{ ruleId: 'analysis-limit' }, []],
    [{ ruleId: 'tree-base' }, []],
  ];
  for (const [over, titles] of cases) {
    const actions = codeActions([finding(over)], 'u', range(3, 0, 20), true);
    assert.deepEqual(
      actions.map((a) => a.title),
      titles,
      JSON.stringify(over),
    );
    const add = actions.find((a) => a.title.startsWith('Add to reply'));
    if (add) assert.deepEqual(add.command, { title: 'Add to reply', command: 'mmReview.addToReply', arguments: ['u', 'k'] });
  }
  assert.deepEqual(
    codeActions([finding({})], 'u', range(3, 0, 20)).map((a) => a.title),
    [],
    'not for a client that cannot run it',
  );
});

test('code lenses: counts on each patch subject, "Show model" on model-backed findings', () => {
  const patches = [
    { index: 1, anchorLine: 3 },
    { index: 2, anchorLine: 40 },
  ] as Patch[];
  const findings = [
    finding({}),
    finding({ severity: 'information', key: 'k2', model: { id: 'bo-purgeability', title: 'BO purgeability', markdown: '...' } }),
    finding({ patch: { index: 2, subject: null }, severity: 'warning', key: 'k3' }),
  ];
  const lenses = codeLenses(patches, findings, 'file:///x.mbox');
  assert.deepEqual(
    lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.command, l.command?.arguments]),
    [
      [3, 'mm-review: 1 error, 1 information', 'workbench.actions.view.problems', undefined],
      [40, 'mm-review: 1 warning', 'workbench.actions.view.problems', undefined],
      [3, 'Show model (bo-purgeability)', 'mmReview.showModel', ['file:///x.mbox', 'k2']],
    ],
  );
});

test('settings are read tolerantly', () => {
  assert.deepEqual(readSettings(undefined), {
    rules: {},
    findings: 'introduced',
    run: 'onType',
    maxDocumentSizeMiB: 32,
    pairs: [],
    lifecycles: [],
    footprintCpus: 224,
    footprintPools: 1,
    kernelTree: '',
    replyFrom: '',
  });
  assert.deepEqual(
    readSettings({
      rules: { 'prototype-mismatch': 'warning', 'no-such-rule': 'off', 'parameter-dropped': 'loud' },
      findings: 'all',
      run: 'onSave',
      maxDocumentSizeMiB: -3,
      kernelTree: ' /src/linux ',
      replyFrom: ' Rev <rev@example.net>\nBcc: everyone@example.org',
    }),
    {
      rules: { 'prototype-mismatch': 'warning' },
      findings: 'all',
      run: 'onSave',
      maxDocumentSizeMiB: 32,
      pairs: [],
      lifecycles: [],
      footprintCpus: 224,
      footprintPools: 1,
      kernelTree: '/src/linux',
      // A line break in a header value would start another header: it is a space.
      replyFrom: 'Rev <rev@example.net> Bcc: everyone@example.org',
    },
  );
  assert.equal(readSettings({ kernelTree: 42 }).kernelTree, '', 'not a string: the default');
});

test('pairs and lifecycles in settings: good entries kept, wrong ones named and left out', () => {
  const { settings, problems } = readSettingsWithProblems({
    pairs: [
      { id: 'my_ref', kind: 'ref', acquire: ['my_get'], release: ['my_put'] },
      { id: 'bad', kind: 'lock', acquire: 'my_lock', release: ['my_unlock'] },
      { id: 'pool', kind: 'alloc', acquire: ['pool_alloc*'], release: ['pool_free'], key: 'result', success: 'nonnull', colour: 'red' },
    ],
    lifecycles: [{ acquire: 'my_open', release: 'my_close' }, { acquire: 'my_open' }],
  });
  assert.deepEqual(settings.pairs, [{ id: 'my_ref', kind: 'ref', acquire: ['my_get'], release: ['my_put'] }]);
  assert.deepEqual(settings.lifecycles, [{ acquire: 'my_open', release: 'my_close' }]);
  assert.deepEqual(problems, [
    'mmReview settings: pairs[1].acquire must be a list of function names (a trailing * matches any suffix)',
    'mmReview settings: pairs[2].colour is not a pair property',
    'mmReview settings: lifecycles[1] must be { "acquire": "<function>", "release": "<function>" }',
  ]);
});
