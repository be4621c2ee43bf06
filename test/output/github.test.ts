/** `--format github`: the workflow commands the Actions runner reads, escaped as it expects. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Finding } from '../../server/src/core/findings';
import { escapeData, escapeProperty, toGithub } from '../../server/src/core/output/github';
import { aFinding } from '../helpers';

const finding = (over: Partial<Finding>): Finding =>
  aFinding(9, {
    ruleId: 'unwind-leak',
    severity: 'warning',
    message: 'a leak',
    range: { start: { line: 9, character: 2 }, end: { line: 9, character: 8 } },
    key: 'k',
    ...over,
  });

test('data escapes %, CR and LF; properties also : and ,', () => {
  assert.equal(escapeData('50% of a\r\nb'), '50%25 of a%0D%0Ab');
  assert.equal(escapeProperty('dir:a,b%.mbox'), 'dir%3Aa%2Cb%25.mbox');
});

test('each severity maps to a command; a range over lines has no columns; origin and raised are said', () => {
  const cases: [Partial<Finding>, string][] = [
    [{ severity: 'error' }, '::error file=p,line=10,endLine=10,col=3,endColumn=9,title=mm-review unwind-leak::a leak'],
    [{ severity: 'warning' }, '::warning file=p,line=10,endLine=10,col=3,endColumn=9,title=mm-review unwind-leak::a leak'],
    [{ severity: 'information' }, '::notice file=p,line=10,endLine=10,col=3,endColumn=9,title=mm-review unwind-leak::a leak'],
    [{ severity: 'hint', origin: 'pre-existing' }, '::notice file=p,line=10,endLine=10,col=3,endColumn=9,title=mm-review unwind-leak::a leak (pre-existing)'],
    [{ range: { start: { line: 0, character: 0 }, end: { line: 2, character: 1 } } }, '::warning file=p,line=1,endLine=3,title=mm-review unwind-leak::a leak'],
    [
      { message: 'two\nlines', raised: { by: 'Rev <r@x.org>', line: 40 } },
      '::warning file=p,line=10,endLine=10,col=3,endColumn=9,title=mm-review unwind-leak::two%0Alines (raised by Rev <r@x.org> on line 41)',
    ],
  ];
  for (const [over, line] of cases) assert.equal(toGithub([{ path: 'p', findings: [finding(over)] }], 1).split('\n')[0], line);
});
