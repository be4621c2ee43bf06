/**
 * @file Paired operations mined from a kernel tree's headers (their texts, handed in: the core reads no
 * files). Three sources:
 *   - DEFINE_GUARD / DEFINE_LOCK_GUARD_0 / DEFINE_LOCK_GUARD_1: the lock and unlock a guard wraps (only guards
 *     named for a lock: the others wrap toggles, like disable_irq/enable_irq);
 *   - DEFINE_CLASS: the constructor and destructor a pointer class wraps (the constructor's result is what is
 *     given back);
 *   - `struct T *X_get*(...)` declared in the header that declares `void X_put*(struct T *...)`: a reference
 *     family (the get's result is the reference when its first parameter is not a `struct T *`, else it takes
 *     one on that); `X_alloc*`/`X_free*` and `X_create*`/`X_destroy*` the same way, as allocations of their
 *     result;
 *   - functions declared `__acquires(L)` and `__releases(L)` in one header: a lock pair, when the release is
 *     the acquire's name with `unlock` for `lock`, or the only ones naming L.
 * Pairs a name of which the given table already covers are left out. Used by scripts/mine-pairs.mjs for the
 * committed table, and by the host on the reviewer's own tree.
 */
import type { PairSpec } from './pairs';

export interface MinedCounts {
  headers: number;
  guards: number;
  classes: number;
  getPut: number;
  allocFree: number;
  annotated: number;
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
const GETTER = /^(?:extern\s+|static\s+inline\s+)*struct\s+(\w+)\s*\*\s*(\w*_(get|alloc|create)(?:_\w+)?)\s*\(([^)]*)\)/gm;
const OPPOSITE: Record<string, string> = { get: 'put', alloc: 'free', create: 'destroy' };
/** A declaration annotated for sparse: `void foo_lock(struct foo *f) __acquires(&f->lock);`. */
const ANNOTATED = /\b([A-Za-z_]\w*)\s*\(([^;{()]*)\)\s*(__acquires|__releases)\s*\(([^()]*)\)/g;

/** Mines the headers' texts, in the order given (the first header naming a pair gives it). */
export function minePairs(headers: Iterable<string>, isKnown: (name: string) => boolean): Mined {
  const pairs = new Map<string, PairSpec>();
  const counts: MinedCounts = { headers: 0, guards: 0, classes: 0, getPut: 0, allocFree: 0, annotated: 0 };
  const add = (
    source: Exclude<keyof MinedCounts, 'headers'>,
    pair: Omit<PairSpec, 'id' | 'acquire' | 'release'> & { acquire: string | null; release: string | null },
  ): void => {
    const { kind, acquire, release, key, success } = pair;
    if (!acquire || !release || acquire === release) return;
    // Managed (devres) allocations are released by the device's teardown, whatever the declared free says.
    if (/^(?:devm|dmam|pcim|drmm)_/.test(acquire)) return;
    if ((source === 'guards' || source === 'annotated') && !(/lock/.test(acquire) && /unlock/.test(release))) return;
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
    for (const [, type, name, verb, params] of text.matchAll(GETTER)) {
      const put = name.replace(new RegExp(`_${verb}(?=_|$)`), `_${OPPOSITE[verb]}`);
      if (!new RegExp(`^(?:extern\\s+|static\\s+inline\\s+)*void\\s+${put}\\s*\\(\\s*(?:const\\s+)?struct\\s+${type}\\s*\\*`, 'm').test(text)) continue;
      if (verb !== 'get') {
        add('allocFree', { kind: 'alloc', acquire: name, release: put, key: 'result', success: 'valid' });
        continue;
      }
      const takesOne = new RegExp(`^\\s*(?:const\\s+)?struct\\s+${type}\\s*\\*`).test(params);
      add('getPut', takesOne ? { kind: 'ref', acquire: name, release: put } : { kind: 'ref', acquire: name, release: put, key: 'result', success: 'valid' });
    }
    const byLock = new Map<string, { acquires: string[]; releases: string[] }>();
    for (const [, name, , which, lock] of text.matchAll(ANNOTATED)) {
      const entry = byLock.get(lock.trim()) ?? { acquires: [], releases: [] };
      (which === '__acquires' ? entry.acquires : entry.releases).push(name);
      byLock.set(lock.trim(), entry);
    }
    for (const { acquires, releases } of byLock.values())
      for (const a of acquires) {
        const named = releases.find((r) => r === a.replace(/lock/, 'unlock'));
        const only = acquires.length === 1 && releases.length === 1 ? releases[0] : undefined;
        add('annotated', { kind: 'lock', acquire: a, release: named ?? only ?? null });
      }
  }
  return { pairs: [...pairs.values()].sort((a, b) => (a.id < b.id ? -1 : 1)), counts };
}
