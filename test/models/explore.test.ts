/** Bounded breadth-first exploration: shortest sequences first, each state explored once, within bounds. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { explore, type Step } from '../../server/src/core/models/explore';

/** A counter that can be incremented or doubled; we look for ways to reach a value. */
function reach(target: number, bound: number, maxStates = 1000): { first: string[] | null; transitions: number; states: number; truncated: boolean } {
  let first: string[] | null = null;
  const r = explore<number, string>({
    initial: [1],
    bound,
    maxStates,
    key: (n) => String(n),
    successors: (n): Step<number, string>[] => [
      { event: '+1', state: n + 1 },
      { event: '*2', state: n * 2 },
    ],
    transition: (_from, step, trace) => {
      if (step.state === target && !first) first = trace().map((t) => t.event);
    },
  });
  return { first, ...r };
}

const apply = (seq: string[]): number => seq.reduce((n, e) => (e === '+1' ? n + 1 : n * 2), 1);

test('the first sequence reported is a shortest one', () => {
  // 1 → 2 (by either event: the first one listed) → 4 → 8.
  assert.deepEqual(reach(8, 5).first, ['+1', '*2', '*2']);
  const ten = reach(10, 5).first!;
  assert.equal(apply(ten), 10);
  assert.equal(ten.length, 4, 'no 3-event sequence reaches 10 from 1');
});

test('nothing longer than the bound is run', () => {
  assert.equal(reach(8, 2).first, null);
  // Both events take 1 to 2: one new state at depth 1, whose two events give 3 and 4.
  assert.equal(reach(1000, 2).transitions, 2 + 2);
});

test('a state reached twice is explored once; maxStates stops it and says so', () => {
  const r = reach(1000, 10);
  assert.ok(r.states < 2 ** 10, `${r.states} states`);
  const capped = reach(1000, 10, 5);
  assert.equal(capped.truncated, true);
  assert.equal(capped.states, 5);
});
