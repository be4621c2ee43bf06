/**
 * Quick-fix edits that put new lines into a hunk: the hunk's header counts them, the file's later hunks
 * move down, a quoted patch keeps its quote, and the result reads back as the same patch plus the lines.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ingest } from '../../server/src/core/ingest';
import { applyTextEdits } from '../../server/src/core/textedit';
import { insertHunkLines } from '../../server/src/core/rules/support/edits';
import { doc } from '../helpers';

const TWO_HUNKS = doc`
  |diff --git a/mm/x.c b/mm/x.c
  |--- a/mm/x.c
  |+++ b/mm/x.c
  |@@ -10,3 +10,4 @@ int f(void)
  | 	a();
  |+	b();
  | 	return 0;
  | }
  |@@ -40,2 +41,2 @@ int g(void)
  |-	c();
  |+	d();
  | }
  |diff --git a/mm/y.c b/mm/y.c
  |--- a/mm/y.c
  |+++ b/mm/y.c
  |@@ -5 +5 @@
  |-	e();
  |+	f();
`;

function insert(text: string, find: (t: string) => boolean, where: 'before' | 'after', texts: string[]): string | null {
  const series = ingest(text);
  const line = series.patches
    .flatMap((p) => p.files)
    .flatMap((f) => f.hunks)
    .flatMap((h) => h.lines)
    .find((l) => find(l.text));
  assert.ok(line, 'the line is in a hunk');
  const edits = insertHunkLines(series.lines, series, [{ line, where, texts }]);
  return edits && applyTextEdits(text, edits);
}

const cases: { name: string; text: string; at: string; where: 'before' | 'after'; texts: string[]; want: string[] | null }[] = [
  {
    name: 'before a context line: its hunk grows, the next hunk of the file moves down, another file is untouched',
    text: TWO_HUNKS,
    at: '\treturn 0;',
    where: 'before',
    texts: ['\tput(x);'],
    want: ['@@ -10,3 +10,5 @@ int f(void)', ' \ta();', '+\tb();', '+\tput(x);', ' \treturn 0;', ' }', '@@ -40,2 +42,2 @@ int g(void)', '@@ -5 +5 @@'],
  },
  {
    name: 'after an added line, two lines',
    text: TWO_HUNKS,
    at: '\td();',
    where: 'after',
    texts: ['\tif (y)', '\t\tz();'],
    want: ['@@ -40,2 +41,4 @@ int g(void)', '-\tc();', '+\td();', '+\tif (y)', '+\t\tz();', ' }'],
  },
  {
    name: 'a header without counts gets them',
    text: TWO_HUNKS,
    at: '\tf();',
    where: 'before',
    texts: ['\tg();'],
    want: ['@@ -5 +5,2 @@', '-\te();', '+\tg();', '+\tf();'],
  },
  {
    name: 'a quoted patch: the new line is quoted as its neighbour is',
    text: TWO_HUNKS.replace(/^/gm, '> '),
    at: '\treturn 0;',
    where: 'before',
    texts: ['\tput(x);'],
    want: ['> @@ -10,3 +10,5 @@ int f(void)', '> +\tb();', '> +\tput(x);', '> @@ -40,2 +42,2 @@ int g(void)'],
  },
  { name: 'next to a removed line: refused', text: TWO_HUNKS, at: '\tc();', where: 'before', texts: ['\tx();'], want: null },
];

for (const c of cases) {
  test(`insertHunkLines: ${c.name}`, () => {
    const out = insert(c.text, (t) => t === c.at, c.where, c.texts);
    if (c.want === null) return assert.equal(out, null);
    assert.ok(out !== null, 'edits are made');
    const lines = out.split('\n');
    let from = 0;
    for (const w of c.want) {
      const at = lines.indexOf(w, from);
      assert.ok(at >= from, `"${w}" follows in order:\n${out}`);
      from = at + 1;
    }
    assert.deepEqual(ingest(out).problems, [], 'the edited patch ingests without problems');
    assert.equal(out.split('\n').length, c.text.split('\n').length + c.texts.length);
  });
}
