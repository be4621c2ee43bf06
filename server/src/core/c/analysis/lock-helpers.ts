/**
 * @file Lock helpers a series defines: a function named for taking a lock (`foo_lock_if_valid()`) that
 * returns holding one on its successful returns and holds nothing on its error returns is, to its callers,
 * an acquire of that lock. The lock is named through the helper's parameter (`mutex_lock(&priv->lock)` with
 * `priv` its third parameter: the caller's third argument, then `->lock`), so the caller's
 * `mutex_unlock(&priv->lock)` gives it back. They join the pair table for that analysis only, as the pairs
 * the series shows by name do (kernel/series-pairs.ts).
 */
import type { PairIndex, PairSpec, Success } from '../../kernel/pairs';
import type { FunctionAst } from '../syntax/ast';
import type { ParsedSeries } from '../syntax/parsed';
import { analyzeBalance, LOCK_HELPER } from './balance';

/** How the helper says it took the lock, from what it returns. */
function successOf(returnType: string | null, returnsPointer: boolean): Success {
  if (returnsPointer) return 'valid';
  if (returnType === 'void') return 'always';
  if (returnType === 'bool') return 'nonzero';
  return 'zero';
}

/** What one helper takes for its callers, or null: its balance read once per pair table (the series is re-read per edit). */
const byTable = new WeakMap<PairIndex, WeakMap<FunctionAst, PairSpec | null>>();
function helperPair(fn: FunctionAst, index: PairIndex): PairSpec | null {
  let memo = byTable.get(index);
  if (!memo) byTable.set(index, (memo = new WeakMap()));
  if (!memo.has(fn)) memo.set(fn, inferHelper(fn, index));
  return memo.get(fn)!;
}

function inferHelper(fn: FunctionAst, index: PairIndex): PairSpec | null {
  const result = analyzeBalance(fn, { pairs: index });
  if (result.gaveUp || result.issues.length) return null;
  const locks = result.retained.filter((r) => r.pair.kind === 'lock');
  const keys = new Set(locks.map((r) => r.key));
  if (locks.length === 0 || keys.size !== 1 || new Set(locks.map((r) => r.pair.release[0])).size !== 1) return null;
  const key = locks[0].key ?? '';
  const param = fn.params.findIndex((p) => key === p || key.startsWith(`${p}->`) || key.startsWith(`${p}.`));
  if (param < 0) return null;
  return {
    id: `helper:${fn.name}`,
    kind: 'lock',
    acquire: [fn.name],
    release: [...locks[0].pair.release],
    key: param,
    ...(key.length > fn.params[param].length ? { keyPath: key.slice(fn.params[param].length) } : {}),
    success: successOf(fn.returnType, fn.returnsPointer),
  };
}

/** The lock helpers the new side of the series defines, as pairs `index` can add. */
export function lockHelperPairs(series: ParsedSeries, index: PairIndex): PairSpec[] {
  const out = new Map<string, PairSpec>();
  for (const hunk of series.hunks) {
    const view = hunk.new;
    const candidates = [...view.scan.declarators.keys()].filter((n) => LOCK_HELPER.test(n) && !index.match(n));
    if (!candidates.length) continue;
    const fns = series.functionsIn(view, null, { key: `lock-helpers:${candidates.join(',')}`, want: (text) => candidates.some((n) => text.includes(n)) });
    for (const fn of fns) {
      if (!candidates.includes(fn.name) || !fn.entryVisible || out.has(fn.name)) continue;
      const pair = helperPair(fn, index);
      if (pair) out.set(fn.name, pair);
    }
  }
  return [...out.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
}
