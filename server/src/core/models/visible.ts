/**
 * @file Running a function a hunk shows only in part. Its visible statements run in order; a block the
 * hunk closes but did not open (rebuilt under an unknown condition, see c/functions.ts) has to be
 * decided. Models run the operation that succeeds, so a block that ends by leaving the function
 * (`goto` to the unwind labels, `return`) is the error path not taken, and any other block is the
 * one the visible code runs in (the `if (bo) {` around a mapping's accounting).
 */
import type { Stmt } from '../c/syntax/ast';
import { UNKNOWN_CONDITION } from '../c/syntax/functions';

const leaves = (s: Stmt | null): boolean => {
  if (!s) return false;
  if (s.kind === 'goto' || s.kind === 'return') return true;
  if (s.kind === 'block') return leaves(s.body[s.body.length - 1] ?? null);
  return false;
};

const isUnknownCondition = (s: Stmt): s is Extract<Stmt, { kind: 'if' }> =>
  s.kind === 'if' && s.condition.kind === 'id' && s.condition.name === UNKNOWN_CONDITION;

/** The statements of a visible part, blocks under unknown conditions decided as above. */
export function visibleStatements(body: Stmt[]): Stmt[] {
  const out: Stmt[] = [];
  for (const s of body) {
    if (!isUnknownCondition(s)) {
      out.push(s);
      continue;
    }
    const taken = leaves(s.then) ? s.otherwise : s.then;
    if (!taken) continue;
    // Spliced in, not nested: a `goto` in the visible part may target a label inside the block.
    out.push(...visibleStatements(taken.kind === 'block' ? taken.body : [taken]));
  }
  return out;
}
