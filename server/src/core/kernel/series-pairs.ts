/**
 * @file Pairs a series shows but the table does not know: two functions it calls whose names differ only by
 * a verb and its opposite (`hisi_qm_get_dfx_access()` / `hisi_qm_put_dfx_access()`, `foo_lock()` /
 * `foo_unlock()`, `pci_alloc_irq_vectors()` / `pci_free_irq_vectors()`). Both must be called in the series: the code itself says they pair. They join the table
 * for that analysis only.
 */
import type { LifecyclePair, PairIndex, PairKind, PairSpec, Success } from './pairs';

/** A verb, the verb that undoes it, and the kind of thing they take and give back. */
const OPPOSITES: [string, string, PairKind][] = [
  ['get', 'put', 'ref'],
  ['lock', 'unlock', 'lock'],
  ['acquire', 'release', 'ref'],
  ['pin', 'unpin', 'ref'],
  ['inc', 'dec', 'counter'],
  ['alloc', 'free', 'alloc'],
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
  if (!ERROR_CODE.test(assigned[1])) return 'nonnull';
  // A count on success, an errno on failure (`if (ret < 0)`): any non-negative result took it.
  const after = text.slice(assigned.index, assigned.index + 2000);
  return new RegExp(`\\bif\\s*\\(\\s*${assigned[1]}\\s*<\\s*0\\s*\\)`).test(after) ? 'nonnegative' : 'zero';
}

/** A name's tokens with the `at`-th (a verb) replaced by `opposite`: `foo_get_bar` → `foo_put_bar`. */
function swapToken(tokens: string[], at: number, opposite: string): string {
  return [...tokens.slice(0, at), opposite, ...tokens.slice(at + 1)].join('_');
}

/** A name the table does not know that has a verb: its would-be partner and their kind. */
interface Candidate {
  partner: string;
  kind: PairKind;
}

/**
 * Per pair table, by name: the partners a name could pair with (none for most names). A series has
 * thousands of names and is re-checked on every edit, and a name's candidates never change.
 */
const candidatesMemo = new WeakMap<PairIndex, Map<string, readonly Candidate[]>>();
const NO_CANDIDATES: readonly Candidate[] = [];
/** Names remembered per table before the memo starts afresh (typing makes new names without end). */
const MAX_REMEMBERED_NAMES = 200_000;

function candidatesOf(name: string, index: PairIndex): readonly Candidate[] {
  let memo = candidatesMemo.get(index);
  if (!memo) candidatesMemo.set(index, (memo = new Map()));
  let found = memo.get(name);
  if (found) return found;
  if (memo.size > MAX_REMEMBERED_NAMES) memo.clear();
  const candidates: Candidate[] = [];
  if (!index.match(name)) {
    const tokens = name.split('_');
    for (const [verb, opposite, kind] of OPPOSITES) {
      const at = tokens.indexOf(verb);
      if (at >= 0) candidates.push({ partner: swapToken(tokens, at, opposite), kind });
    }
  }
  found = candidates.length ? candidates : NO_CANDIDATES;
  memo.set(name, found);
  return found;
}

/** The pairs `names` (functions the series calls) make that `index` does not already know. */
export function seriesPairs(names: Iterable<string> & { has(name: string): boolean }, index: PairIndex, text: string): PairSpec[] {
  const out: PairSpec[] = [];
  for (const name of names) {
    for (const { partner, kind } of candidatesOf(name, index)) {
      if (!names.has(partner) || index.match(partner)) continue;
      const success = successOf(name, text);
      // `p = foo_get(x)` … `foo_put(p)`: what it returns is what is given back. An allocation on an argument
      // (`pci_alloc_irq_vectors(pdev, …)`) is a resource that argument holds, not the argument itself: handing
      // `pdev` on does not hand it on.
      const onArgument = kind === 'alloc' && success !== 'nonnull';
      out.push({
        id: `series:${name}`,
        kind: onArgument ? 'ref' : kind,
        acquire: [name],
        release: [partner],
        success,
        ...(success === 'nonnull' ? { key: 'result' as const } : {}),
      });
    }
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** Verbs whose opposite undoes what a constructor made, for lifecycles named mid-name (`foo_alloc_ctx`). */
const MAKE_UNMAKE: [string, string][] = [
  ['alloc', 'free'],
  ['create', 'destroy'],
];

/**
 * Constructor/destructor pairs a series defines with the verb inside the name (`nx842_crypto_alloc_ctx()` /
 * `nx842_crypto_free_ctx()`), which the table's suffix rule does not see. The name alone is weak evidence
 * (two such functions may undo different things), so the destructor must also be installed as a callback
 * (`.free_ctx = nx842_crypto_free_ctx,`): an ops table that names it the undoing of a construction.
 */
export function seriesLifecycles(defined: ReadonlySet<string>, text: string): LifecyclePair[] {
  const out: LifecyclePair[] = [];
  for (const release of defined) {
    const tokens = release.split('_');
    for (const [make, unmake] of MAKE_UNMAKE) {
      const at = tokens.indexOf(unmake);
      // Mid-name only: a verb at the end is the table's suffix rule.
      if (at <= 0 || at === tokens.length - 1) continue;
      const acquire = swapToken(tokens, at, make);
      if (!defined.has(acquire)) continue;
      if (!new RegExp(`\\.\\s*\\w+\\s*=\\s*&?${release}\\s*[,}\\n]`).test(text)) continue;
      out.push({ acquire, release, inferred: true });
    }
  }
  return out.sort((a, b) => (a.acquire < b.acquire ? -1 : 1));
}
