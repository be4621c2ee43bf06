/** Integer constants read from image text: enumerators and object-like defines. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { constantsOf } from '../../server/src/core/c/eval/constants';

const cases: [string, string, Record<string, bigint>][] = [
  ['implicit values count from 0', 'enum state { IDLE, BUSY, DEAD };', { IDLE: 0n, BUSY: 1n, DEAD: 2n }],
  ['explicit values and counting on from them', 'enum { A = 4, B, C = 0x10, D };', { A: 4n, B: 5n, C: 16n, D: 17n }],
  ['comments and a trailing comma', 'enum e {\n\t/** first */\n\tX = 1, // one\n\tY,\n};', { X: 1n, Y: 2n }],
  ['a value from an earlier name, and a shift', 'enum { BASE = 3, SAME = BASE, BIT = 1 << 3 };', { BASE: 3n, SAME: 3n, BIT: 8n }],
  ['an unknown value stops the counting, not the rest', 'enum { P = SOMETHING, Q, R = 7 };', { R: 7n }],
  ['defines of integers only', '#define MAX_WAYS 16\n#define NAME "x"\n#define NEG (-22)\n#define FN(x) (x)', { MAX_WAYS: 16n, NEG: -22n }],
];

for (const [name, text, want] of cases) {
  test(`constants: ${name}`, () => {
    assert.deepEqual(Object.fromEntries(constantsOf(text)), want);
  });
}

test('constants: an enum a hunk shows only in part gives nothing wrong', () => {
  assert.deepEqual(Object.fromEntries(constantsOf('\tB_TWO,\n\tB_THREE,\n};')), {});
});
