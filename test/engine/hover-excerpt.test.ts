/** A hover is read at a glance: the start of an explanation, whole paragraphs, tables and code left for the full view. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { describeFindings, hoverExcerpt } from '../../server/src/core/describe';
import type { Finding } from '../../server/src/core/findings';

test('hoverExcerpt, table-driven', () => {
  const long = 'word '.repeat(60).trim(); // 299 characters: three shown lines
  const cases: { name: string; markdown: string; max: number; text: string; cut: boolean }[] = [
    { name: 'short: whole', markdown: 'One.\n\nTwo.', max: 10, text: 'One.\n\nTwo.', cut: false },
    {
      name: 'a table is left for the full view',
      markdown: 'Verdict.\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\nAfter.',
      max: 10,
      text: 'Verdict.\n\nAfter.',
      cut: true,
    },
    { name: 'a code block too', markdown: 'Verdict.\n\n```c\nx = 1;\n```', max: 10, text: 'Verdict.', cut: true },
    { name: 'paragraphs up to the budget, long lines counted as they wrap', markdown: `A.\n\n${long}\n\nC.`, max: 3, text: 'A.', cut: true },
    { name: 'a first paragraph over the budget is cut, never dropped', markdown: `${long}\n\nB.`, max: 2, text: `${'word '.repeat(40).trim()} …`, cut: true },
  ];
  for (const c of cases) assert.deepEqual(hoverExcerpt(c.markdown, c.max), { text: c.text, cut: c.cut }, c.name);
});

const finding = (over: Partial<Finding>): Finding => ({
  ruleId: 'unbalanced-counter',
  messageId: 'neverReleased',
  severity: 'error',
  origin: 'introduced',
  message: 'm',
  range: { start: { line: 3, character: 0 }, end: { line: 3, character: 9 } },
  file: null,
  fileLine: null,
  patch: null,
  explanation: 'Short.',
  fixes: [],
  related: [],
  key: 'k1',
  ...over,
});

test('a finding hover: the rule, the start of the explanation, and links to the model, the rest, the rule', () => {
  const tables = Array.from({ length: 8 }, (_, i) => `| t${i} |\n| --- |\n| ${i} |`).join('\n\n');
  const d = describeFindings(
    [finding({ explanation: `**The verdict.**\n\n${tables}`, model: { id: 'bo-purgeability', title: 'BO purgeability', markdown: '' } })],
    { line: 3, character: 2 },
  )!;
  assert.equal(d.markdown, '**unbalanced-counter** · error\n\n**The verdict.**');
  assert.deepEqual(d.links, [
    { kind: 'model', key: 'k1', title: 'Show model: BO purgeability' },
    { kind: 'explanation', key: 'k1', title: 'Full explanation' },
    { kind: 'ruleDoc', ruleId: 'unbalanced-counter', title: 'Rule documentation (unbalanced-counter)' },
  ]);
  // Nothing left out: no link to the rest.
  assert.deepEqual(
    describeFindings([finding({})], { line: 3, character: 0 })!.links!.map((l) => l.kind),
    ['ruleDoc'],
  );
  assert.equal(describeFindings([finding({})], { line: 4, character: 0 }), null);
});
