/** The definition still open after some lines, by kernel layout: what hunk runs and reply quotes rely on. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { openDefinition } from '../../server/src/core/c/syntax/scan';

test('openDefinition: the last definition started and not closed, `closed`, or nothing seen', () => {
  // [lines, expected]
  const cases: [string[], number | 'closed' | null][] = [
    [[], null],
    [['\tx = 1;', '\treturn x;'], null],
    [['static int f(void)', '{', '\treturn 0;'], 0],
    [['static int f(void)', '{', '\treturn 0;', '}'], 'closed'],
    [['int f(void)', '{', '}', '', 'int g(struct dev *d,', '\t  int flags)', '{'], 4],
    // A declaration ends in `;`; a statement is indented; a keyword starts no definition.
    [['int f(void);', '\tfoo(x);', 'if (x)'], null],
    [['}', 'void h(void)'], 1],
  ];
  for (const [lines, expected] of cases) assert.equal(openDefinition(lines), expected, JSON.stringify(lines));
});
