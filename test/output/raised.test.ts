/** Which findings a reply in the thread already commented on: the comment's place, case by case. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ingest } from '../../server/src/core/ingest';
import type { Finding } from '../../server/src/core/findings';
import { raisedFindings } from '../../server/src/core/raised';
import { aFinding } from '../helpers';

const PATCH = [
  'From 1111111111111111111111111111111111111111 Mon Sep 17 00:00:00 2001',
  'From: Dev <dev@example.org>',
  'Subject: [PATCH] mm: two calls',
  '',
  '---',
  'diff --git a/mm/a.c b/mm/a.c',
  '--- a/mm/a.c',
  '+++ b/mm/a.c',
  '@@ -1,5 +1,5 @@',
  ' void f(void)',
  ' {',
  '-\tg(1);',
  '+\tg(2);',
  '+\tg(2);',
  ' }',
];

/** A reply by Rev quoting the whole hunk, with `after` inserted after the quoted line at `index` of the hunk. */
function reply(index: number, after: string[]): string[] {
  const quoted = PATCH.slice(5).map((l) => `> ${l}`);
  const at = 4 + index; // the hunk's lines follow diff --git, ---, +++ and @@ in the quote
  return [
    'From rev@example.net Tue Nov  3 09:00:00 2026',
    'From: Rev <rev@example.net>',
    'Subject: Re: [PATCH] mm: two calls',
    '',
    ...quoted.slice(0, at + 1),
    ...after,
    ...quoted.slice(at + 1),
  ];
}

const finding = (line: number): Finding => aFinding(line, { ruleId: 'r', severity: 'warning', file: 'mm/a.c' });

test('a comment right under a quoted line raises the findings on that line, in the patch and in the quote', () => {
  // [what follows the quoted line, index of the hunk line commented, raised?]
  const cases: [string, string[], boolean][] = [
    ['a comment right under', ['Why 2?'], true],
    ['a blank line, then the comment', ['', 'Why 2?'], true],
    ['an empty quote line, then the comment (the quote goes on)', ['>', 'Why 2?'], false],
    ['a deeper quote (somebody else quoted), then the comment', ['> > earlier words'], false],
    ['a tag for the whole patch', ['', 'Reviewed-by: Rev <rev@example.net>'], false],
    ['a sign-off', ['', 'Thanks,', 'Rev'], false],
  ];
  for (const [what, after, raised] of cases) {
    const lines = [...PATCH, '', ...reply(2, after)];
    const series = ingest(lines.join('\n'));
    const inPatch = finding(11); // '-\tg(1);'
    const inQuote = finding(PATCH.length + 1 + 4 + 4 + 2);
    assert.equal(series.lines[inQuote.range.start.line], '> -\tg(1);', what);
    const marks = raisedFindings(series, [inPatch, inQuote]);
    assert.equal(marks.has(inPatch), raised, what);
    assert.equal(marks.has(inQuote), raised, what);
    if (raised) assert.equal(marks.get(inPatch)!.by, 'Rev <rev@example.net>');
  }
});

test('a comment under the next line does not raise the line before it', () => {
  const series = ingest([...PATCH, '', ...reply(3, ['Why 2?'])].join('\n'));
  const marks = raisedFindings(series, [finding(11), finding(12)]);
  assert.equal(marks.has(finding(11)), false);
  assert.deepEqual(
    [...marks.keys()].map((f) => f.range.start.line),
    [12],
  );
});

test('of two equal lines, the one the quote shows in its place is the one raised', () => {
  // Hunk lines 3 and 4 are both `+\tg(2);`: a comment under the quote's second is about line 13.
  const series = ingest([...PATCH, '', ...reply(4, ['Twice?'])].join('\n'));
  const marks = raisedFindings(series, [finding(12), finding(13)]);
  assert.deepEqual(
    [...marks.keys()].map((f) => f.range.start.line),
    [13],
  );
});

test('nothing is raised in a document without a quoted patch, or in a reply quoting no diff', () => {
  assert.equal(raisedFindings(ingest(PATCH.join('\n')), [finding(11)]).size, 0);
  const prose = [...PATCH, '', 'From rev@example.net Tue Nov  3 09:00:00 2026', 'From: Rev <rev@example.net>', 'Subject: Re: x', '', '> Why?', 'Because.'];
  assert.equal(raisedFindings(ingest(prose.join('\n')), [finding(11)]).size, 0);
});

test('a quoted run that reads the same in two functions is raised only where the quote places it', () => {
  // A new file with two functions opening alike; findings on each one's `ret = lock(dev);`.
  const body = (name: string): string[] => [
    `+int ${name}(struct dev *dev)`,
    '+{',
    '+\tint ret;',
    '+',
    '+\tret = lock(dev);',
    '+\tif (ret)',
    '+\t\treturn ret;',
    '+\treturn 0;',
    '+}',
  ];
  const patch = [
    'From 2222222222222222222222222222222222222222 Mon Sep 17 00:00:00 2001',
    'From: Dev <dev@example.org>',
    'Subject: [PATCH] drivers/x: two ops',
    '',
    '---',
    'diff --git a/drivers/x.c b/drivers/x.c',
    'new file mode 100644',
    '--- /dev/null',
    '+++ b/drivers/x.c',
    '@@ -0,0 +1,18 @@',
    ...body('x_open'),
    ...body('x_close'),
  ];
  const inOpen = finding(patch.indexOf('+\tret = lock(dev);'));
  const inClose = finding(patch.lastIndexOf('+\tret = lock(dev);'));
  const quote = (signature: string | null): string[] => [
    'From rev@example.net Tue Nov  3 09:00:00 2026',
    'From: Rev <rev@example.net>',
    'Subject: Re: [PATCH] drivers/x: two ops',
    '',
    '> diff --git a/drivers/x.c b/drivers/x.c',
    '> @@ -0,0 +1,18 @@',
    '[...]',
    ...(signature ? [`> +int ${signature}(struct dev *dev)`, '[...]'] : []),
    '> +\tint ret;',
    '> +',
    '> +\tret = lock(dev);',
    '',
    'Not unlocked on the error path.',
  ];
  // [the function whose first line the quote keeps, which findings are raised]
  const cases: [string | null, Finding[]][] = [
    [null, []],
    ['x_open', [inOpen]],
    ['x_close', [inClose]],
  ];
  for (const [signature, raised] of cases) {
    const marks = raisedFindings(ingest([...patch, '', ...quote(signature)].join('\n')), [inOpen, inClose]);
    assert.deepEqual([...marks.keys()], raised, String(signature));
  }
});
