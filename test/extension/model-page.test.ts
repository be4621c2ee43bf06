/**
 * The model panel's page: what a patch puts in a parameter or a title is escaped, only the form's own
 * script may run, and the page's messages are taken only as the form it was given.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { formRun, modelPage, type ModelPanel } from '../../client/src/model-page';

const panel: ModelPanel = {
  title: 'unwind (function=<img src=x onerror=alert(1)>)',
  markdown: '',
  svg: '<svg role="img"></svg>',
  form: {
    model: 'unwind',
    params: [{ name: 'function', description: 'run "only" this function', value: '"><script>alert(1)</script>' }],
  },
};

test('the page escapes the title and the form, and lets only the nonce script run', () => {
  const html = modelPage('vscode-resource:', panel, '<p>body</p>', 'N0nce');
  assert.ok(html.includes('<h1>unwind (function=&lt;img src=x onerror=alert(1)&gt;)</h1>'));
  assert.ok(html.includes('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'));
  assert.ok(html.includes('title="run &quot;only&quot; this function"'));
  assert.equal(html.match(/<script\b/g)?.length, 1, 'one script element: the form’s');
  assert.ok(html.includes('<script nonce="N0nce">'));
  const csp = /content="([^"]+)"/.exec(html)![1];
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-N0nce';/);
  assert.doesNotMatch(csp.split('script-src')[1], /unsafe/);
  assert.ok(html.includes('<div class="picture"><svg role="img"></svg></div>'));
});

test('a message is taken only as the form: its model, its parameters, short strings', () => {
  const cases: [unknown, ReturnType<typeof formRun>][] = [
    [
      { model: 'unwind', args: { function: 'foo_probe' } },
      { model: 'unwind', args: { function: 'foo_probe' } },
    ],
    [
      { model: 'unwind', args: { function: 'foo', patch: '/etc/passwd' } },
      { model: 'unwind', args: { function: 'foo' } },
    ],
    [
      { model: 'unwind', args: { function: 7 } },
      { model: 'unwind', args: {} },
    ],
    [
      { model: 'unwind', args: { function: 'x'.repeat(501) } },
      { model: 'unwind', args: {} },
    ],
    [{ model: 'vmemmap', args: { arch: 'arm64' } }, null],
    [{ model: 'unwind' }, null],
    [null, null],
    ['unwind', null],
  ];
  for (const [message, want] of cases) assert.deepEqual(formRun(panel, message), want, JSON.stringify(message));
  assert.equal(formRun({ title: 't', markdown: '' }, { model: 'unwind', args: {} }), null, 'a panel without a form takes nothing');
});
