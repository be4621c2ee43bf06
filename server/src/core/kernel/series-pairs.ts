/**
 * @file Pairs a series shows but the table does not know: two functions it calls whose names differ only by
 * a verb and its opposite (`hisi_qm_get_dfx_access()` / `hisi_qm_put_dfx_access()`, `foo_lock()` /
 * `foo_unlock()`). Both must be called in the series: the code itself says they pair. They join the table
 * for that analysis only.
 */
import type { PairIndex, PairKind, PairSpec, Success } from './pairs';

/** A verb, the verb that undoes it, and the kind of thing they take and give back. */
const OPPOSITES: [string, string, PairKind][] = [
  ['get', 'put', 'ref'],
  ['lock', 'unlock', 'lock'],
  ['acquire', 'release', 'ref'],
  ['pin', 'unpin', 'ref'],
  ['inc', 'dec', 'counter'],
];

/** Result variables that carry an error code: a zero from the acquire is its success. */
const ERROR_CODE = /^(?:ret|rc|err|error|status|res|result)$/;

/**
 * How a call reports success, read from how the series uses its result: assigned to an error-code variable,
 * zero; to anything else, a non-NULL pointer; not used, it always takes.
 */
function successOf(name: string, text: string): Success {
  const assigned = new RegExp(`\\b(\\w+)\\s*=\\s*${name}\\s*\\(`).exec(text);
  if (!assigned) return 'always';
  return ERROR_CODE.test(assigned[1]) ? 'zero' : 'nonnull';
}

/** The pairs `names` (functions the series calls) make that `index` does not already know. */
export function seriesPairs(names: ReadonlySet<string>, index: PairIndex, text: string): PairSpec[] {
  const out: PairSpec[] = [];
  for (const name of names) {
    if (index.match(name)) continue;
    const tokens = name.split('_');
    for (const [verb, opposite, kind] of OPPOSITES) {
      const at = tokens.indexOf(verb);
      if (at < 0) continue;
      const partner = [...tokens.slice(0, at), opposite, ...tokens.slice(at + 1)].join('_');
      if (!names.has(partner) || index.match(partner)) continue;
      const success = successOf(name, text);
      // `p = foo_get(x)` … `foo_put(p)`: what it returns is what is given back.
      out.push({ id: `series:${name}`, kind, acquire: [name], release: [partner], success, ...(success === 'nonnull' ? { key: 'result' as const } : {}) });
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}
