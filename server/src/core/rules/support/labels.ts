/** @file How findings name things: a patch by its number in the series. */
import type { Patch } from '../../ingest';

/** `patch 4/49` from the subject's `[PATCH 4/49]`, else by position in the document. */
export function patchLabel(patch: Patch): string {
  const n = patch.number;
  return n ? `patch ${n.n}/${n.total}` : `patch ${patch.index}`;
}

/** A preprocessor condition as a reader says it: `defined(CONFIG_X)` → `with CONFIG_X`. */
export function describeCondition(cond: string): string {
  const c = cond.trim();
  let m = /^defined\s*\(?\s*(\w+)\s*\)?$/.exec(c) ?? /^IS_ENABLED\s*\(\s*(\w+)\s*\)$/.exec(c);
  if (m) return `with ${m[1]}`;
  m = /^!\s*\(?\s*defined\s*\(?\s*(\w+)\s*\)?\s*\)?$/.exec(c);
  if (m) return `without ${m[1]}`;
  return `when \`#if ${c}\``;
}
