/**
 * @file Paired operations mined from a kernel tree's headers (their texts, handed in: the core reads no
 * files). Three sources:
 *   - DEFINE_GUARD / DEFINE_LOCK_GUARD_0 / DEFINE_LOCK_GUARD_1: the lock and unlock a guard wraps (only guards
 *     named for a lock: the others wrap toggles, like disable_irq/enable_irq);
 *   - DEFINE_CLASS: the constructor and destructor a pointer class wraps (the constructor's result is what is
 *     given back);
 *   - `struct T *X_get*(...)` declared in the header that declares `void X_put*(struct T *...)`: a reference
 *     family (the get's result is the reference when its first parameter is not a `struct T *`, else it takes
 *     one on that).
 * Pairs a name of which the given table already covers are left out. Used by scripts/mine-pairs.mjs for the
 * committed table, and by the host on the reviewer's own tree.
 */
import type { PairSpec } from './pairs';

export interface MinedCounts {
  headers: number;
  guards: number;
  classes: number;
  getPut: number;
}

export interface Mined {
  pairs: PairSpec[];
  counts: MinedCounts;
}

/** The text of a macro invocation starting at `at` (up to its balanced closing parenthesis), lines joined. */
function invocation(text: string, at: number): string | null {
  let depth = 0;
  for (let i = text.indexOf('(', at); i >= 0 && i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0)
      return text
        .slice(at, i + 1)
        .replace(/\\\n/g, ' ')
        .replace(/\s+/g, ' ');
  }
  return null;
}

/** Top-level arguments of `NAME(a, b(c, d), e)`. */
function argsOf(call: string): string[] {
  const inner = call.slice(call.indexOf('(') + 1, -1);
  const args: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of inner) {
    if (c === ',' && depth === 0) {
      args.push(cur.trim());
      cur = '';
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    cur += c;
  }
  if (cur.trim()) args.push(cur.trim());
  return args;
}

/** The function an expression like `mutex_lock(_T)` or `if (_T) put_device(_T)` calls (the last one named). */
function calledIn(expr: string | undefined): string | null {
  const names = [...(expr ?? '').matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]).filter((n) => !['if', 'sizeof', 'typeof', '__typeof__'].includes(n));
  return names.pop() ?? null;
}

/** Whether a table already covers a name: an exact entry, or a glob (`spin_lock*`) it falls under. */
export function coveredBy(table: readonly PairSpec[]): (name: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of table)
    for (const n of [...p.acquire, ...p.release]) {
      if (n.endsWith('*')) prefixes.push(n.slice(0, -1));
      else exact.add(n);
    }
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
}

const MACRO = /^\s*(DEFINE_GUARD|DEFINE_LOCK_GUARD_0|DEFINE_LOCK_GUARD_1|DEFINE_CLASS)\(/gm;
const GETTER = /^(?:extern\s+|static\s+inline\s+)*struct\s+(\w+)\s*\*\s*(\w*_get(?:_\w+)?)\s*\(([^)]*)\)/gm;

/** Mines the headers' texts, in the order given (the first header naming a pair gives it). */
export function minePairs(headers: Iterable<string>, isKnown: (name: string) => boolean): Mined {
  const pairs = new Map<string, PairSpec>();
  const counts: MinedCounts = { headers: 0, guards: 0, classes: 0, getPut: 0 };
  const add = (
    source: 'guards' | 'classes' | 'getPut',
    pair: Omit<PairSpec, 'id' | 'acquire' | 'release'> & { acquire: string | null; release: string | null },
  ): void => {
    const { kind, acquire, release, key, success } = pair;
    if (!acquire || !release || acquire === release) return;
    if (source === 'guards' && !(/lock/.test(acquire) && /unlock/.test(release))) return;
    if (isKnown(acquire) || isKnown(release)) return;
    const id = `mined:${acquire}`;
    if (pairs.has(id)) return;
    pairs.set(id, { id, kind, acquire: [acquire], release: [release], ...(key !== undefined ? { key } : {}), ...(success ? { success } : {}) });
    counts[source]++;
  };
  for (const text of headers) {
    counts.headers++;
    for (const m of text.matchAll(MACRO)) {
      const call = invocation(text, m.index + m[0].indexOf(m[1]));
      if (!call) continue;
      const a = argsOf(call);
      if (m[1] === 'DEFINE_GUARD' || m[1] === 'DEFINE_LOCK_GUARD_1') add('guards', { kind: 'lock', acquire: calledIn(a[2]), release: calledIn(a[3]) });
      else if (m[1] === 'DEFINE_LOCK_GUARD_0') add('guards', { kind: 'lock', acquire: calledIn(a[1]), release: calledIn(a[2]) });
      else if (/\*/.test(a[1] ?? '')) add('classes', { kind: 'ref', acquire: calledIn(a[3]), release: calledIn(a[2]), key: 'result', success: 'valid' });
    }
    for (const [, type, name, params] of text.matchAll(GETTER)) {
      const put = name.replace(/_get(?=_|$)/, '_put');
      if (!new RegExp(`^(?:extern\\s+|static\\s+inline\\s+)*void\\s+${put}\\s*\\(\\s*(?:const\\s+)?struct\\s+${type}\\s*\\*`, 'm').test(text)) continue;
      const takesOne = new RegExp(`^\\s*(?:const\\s+)?struct\\s+${type}\\s*\\*`).test(params);
      add('getPut', takesOne ? { kind: 'ref', acquire: name, release: put } : { kind: 'ref', acquire: name, release: put, key: 'result', success: 'valid' });
    }
  }
  return { pairs: [...pairs.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), counts };
}
