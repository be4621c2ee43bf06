/**
 * @file Paired operations: what is taken and what gives it back (get/put, lock/unlock, alloc/free,
 * counter inc/dec), and functions whose effects a partner undoes (create/destroy, export/release).
 * The default table is the kernel's common pairs; users add or replace entries by id.
 */
import mined from './mined-pairs.json';

export type PairKind = 'ref' | 'lock' | 'alloc' | 'counter';
/** When an acquiring call has succeeded: its result or the variable it was assigned to. */
/** When an acquiring call has succeeded; `valid`: neither NULL nor an error pointer. */
export type Success = 'always' | 'nonnull' | 'not-err' | 'zero' | 'nonzero' | 'nonnegative' | 'valid';

export interface PairSpec {
  id: string;
  kind: PairKind;
  /** Names, `*` matching any suffix (`spin_lock*`). */
  acquire: string[];
  release: string[];
  /** Names the globs would match but that are not part of the pair (`spin_lock_init`). */
  exclude?: string[];
  /** Argument naming the resource when acquiring (0-based), or `result` (allocations). */
  key?: number | 'result';
  /** Argument naming the resource when releasing. */
  releaseKey?: number;
  /**
   * Appended to the acquiring argument's text to name the resource: a helper `foo_lock_if(priv)` that takes
   * `priv->lock` has key 0 and keyPath `->lock`, so `mutex_unlock(&priv->lock)` gives it back.
   */
  keyPath?: string;
  success?: Success;
  /**
   * Balanced within a call, never across a create/destroy pair: runtime PM usage counts, which probe and
   * remove set up and tear down with calls that are not each other's opposites (get_noresume, set_active).
   */
  perCall?: boolean;
}

export interface LifecyclePair {
  acquire: string;
  release: string;
  /** Inferred from the series (kernel/series-pairs.ts), not listed: compared only where both functions are read whole. */
  inferred?: true;
}

export interface PairTable {
  pairs: PairSpec[];
  lifecycles: LifecyclePair[];
}

export const DEFAULT_PAIRS: PairSpec[] = [
  { id: 'folio', kind: 'ref', acquire: ['folio_get'], release: ['folio_put'] },
  { id: 'page', kind: 'ref', acquire: ['get_page'], release: ['put_page'] },
  { id: 'kref', kind: 'ref', acquire: ['kref_get'], release: ['kref_put'] },
  { id: 'refcount', kind: 'ref', acquire: ['refcount_inc'], release: ['refcount_dec*'] },
  { id: 'percpu_ref', kind: 'ref', acquire: ['percpu_ref_get'], release: ['percpu_ref_put'] },
  { id: 'drm_gem_object', kind: 'ref', acquire: ['drm_gem_object_get'], release: ['drm_gem_object_put'] },
  { id: 'xe_bo', kind: 'ref', acquire: ['xe_bo_get'], release: ['xe_bo_put'] },
  { id: 'xe_bo_willneed', kind: 'counter', acquire: ['xe_bo_willneed_get_locked'], release: ['xe_bo_willneed_put_locked'] },
  { id: 'xe_bo_vma_count', kind: 'counter', acquire: ['xe_bo_vma_count_inc_locked'], release: ['xe_bo_vma_count_dec_locked'] },
  { id: 'mutex', kind: 'lock', acquire: ['mutex_lock', 'mutex_lock_nested', 'mutex_lock_io'], release: ['mutex_unlock'] },
  { id: 'mutex_interruptible', kind: 'lock', acquire: ['mutex_lock_interruptible', 'mutex_lock_killable'], release: ['mutex_unlock'], success: 'zero' },
  { id: 'mutex_trylock', kind: 'lock', acquire: ['mutex_trylock'], release: ['mutex_unlock'], success: 'nonzero' },
  { id: 'spinlock', kind: 'lock', acquire: ['spin_lock*'], release: ['spin_unlock*'], exclude: ['spin_lock_init', 'spin_lock_irqsave_nested_init'] },
  { id: 'spin_trylock', kind: 'lock', acquire: ['spin_trylock*'], release: ['spin_unlock*'], success: 'nonzero' },
  { id: 'xe_bo_lock', kind: 'lock', acquire: ['xe_bo_lock'], release: ['xe_bo_unlock'] },
  { id: 'dma_resv', kind: 'lock', acquire: ['dma_resv_lock'], release: ['dma_resv_unlock'] },
  { id: 'rcu_read', kind: 'lock', acquire: ['rcu_read_lock'], release: ['rcu_read_unlock'] },
  {
    id: 'kmalloc',
    kind: 'alloc',
    acquire: ['kmalloc*', 'kzalloc*', 'kcalloc*', 'kmemdup', 'kstrdup'],
    release: ['kfree', 'kfree_sensitive'],
    key: 'result',
    success: 'nonnull',
  },
  { id: 'kvmalloc', kind: 'alloc', acquire: ['kvmalloc*', 'kvzalloc*', 'kvcalloc'], release: ['kvfree'], key: 'result', success: 'nonnull' },
  { id: 'vmalloc', kind: 'alloc', acquire: ['vmalloc*', 'vzalloc*'], release: ['vfree'], key: 'result', success: 'nonnull' },
  { id: 'acomp_request', kind: 'alloc', acquire: ['acomp_request_alloc'], release: ['acomp_request_free'], key: 'result', success: 'nonnull' },
  { id: 'crypto_acomp', kind: 'alloc', acquire: ['crypto_alloc_acomp*'], release: ['crypto_free_acomp'], key: 'result', success: 'not-err' },
  { id: 'crypto_tfm', kind: 'alloc', acquire: ['crypto_alloc_*'], release: ['crypto_free_*'], key: 'result', success: 'not-err' },
  // Runtime PM: a get takes a usage count even when it fails (the error path gives it back with
  // pm_runtime_put_noidle()); pm_runtime_resume_and_get() drops it itself when it fails.
  { id: 'pm_runtime', kind: 'ref', acquire: ['pm_runtime_get_sync', 'pm_runtime_get', 'pm_runtime_get_noresume'], release: ['pm_runtime_put*'], perCall: true },
  { id: 'pm_runtime_resume_and_get', kind: 'ref', acquire: ['pm_runtime_resume_and_get'], release: ['pm_runtime_put*'], success: 'zero', perCall: true },
  { id: 'clk_prepare_enable', kind: 'ref', acquire: ['clk_prepare_enable'], release: ['clk_disable_unprepare'], success: 'zero' },
  { id: 'clk_enable', kind: 'ref', acquire: ['clk_enable'], release: ['clk_disable'], success: 'zero' },
  { id: 'clk_prepare', kind: 'ref', acquire: ['clk_prepare'], release: ['clk_unprepare'], success: 'zero' },
  { id: 'regulator_enable', kind: 'ref', acquire: ['regulator_enable'], release: ['regulator_disable'], success: 'zero' },
  // Lookups return a reference the caller must drop; get_device() takes one on its argument.
  {
    id: 'device_lookup',
    kind: 'ref',
    acquire: ['bus_find_device*', 'class_find_device*', 'device_find_child*', 'driver_find_device*'],
    release: ['put_device'],
    key: 'result',
    success: 'nonnull',
  },
  {
    id: 'pci_dev',
    kind: 'ref',
    acquire: ['pci_get_device', 'pci_get_domain_bus_and_slot', 'pci_get_slot', 'pci_get_class'],
    release: ['pci_dev_put'],
    key: 'result',
    success: 'nonnull',
  },
  { id: 'task_struct', kind: 'ref', acquire: ['get_task_struct'], release: ['put_task_struct'] },
  { id: 'mm_users', kind: 'ref', acquire: ['mmget'], release: ['mmput'] },
  { id: 'mm_count', kind: 'ref', acquire: ['mmgrab'], release: ['mmdrop'] },
  { id: 'netdev', kind: 'ref', acquire: ['dev_hold'], release: ['dev_put'] },
  { id: 'kobject', kind: 'ref', acquire: ['kobject_get'], release: ['kobject_put'] },
  { id: 'irq', kind: 'ref', acquire: ['request_irq', 'request_threaded_irq'], release: ['free_irq'], success: 'zero' },
  { id: 'pfn_track', kind: 'ref', acquire: ['track_pfn_remap'], release: ['untrack_pfn'], success: 'zero' },
  {
    id: 'ioremap',
    kind: 'alloc',
    acquire: ['ioremap', 'ioremap_wc', 'ioremap_cache', 'ioremap_uc', 'ioremap_np'],
    release: ['iounmap'],
    key: 'result',
    success: 'nonnull',
  },
  { id: 'dma_coherent', kind: 'alloc', acquire: ['dma_alloc_coherent'], release: ['dma_free_coherent'], key: 'result', releaseKey: 2, success: 'nonnull' },
];

export const DEFAULT_LIFECYCLES: LifecyclePair[] = [
  { acquire: 'xe_vma_create', release: 'xe_vma_destroy' },
  { acquire: 'xe_gem_prime_export', release: 'xe_dma_buf_release' },
];

/** Suffixes whose partners undo them, for lifecycle pairs inferred from names. */
const SUFFIX_PAIRS: [string, string][] = [
  ['create', 'destroy'],
  ['alloc', 'free'],
  ['init', 'fini'],
  ['prepare', 'dead'],
  ['get', 'put'],
  ['export', 'release'],
  ['open', 'release'],
  ['open', 'close'],
  ['attach', 'detach'],
  ['register', 'unregister'],
  ['map', 'unmap'],
  ['pin', 'unpin'],
  ['probe', 'remove'],
];

/**
 * Pairs mined from a kernel tree's headers (scripts/mine-pairs.mjs; its provenance is in the file): lock
 * guards, classes and get/put families the default table does not name. They come after the defaults.
 */
export const MINED_PAIRS: readonly PairSpec[] = (mined as { pairs: PairSpec[] }).pairs;
export const MINED_PROVENANCE = (mined as { provenance: Record<string, string | number> }).provenance;

/** The default pairs, then the mined ones (the committed table's, or a tree's own). */
export function defaultTable(mined: readonly PairSpec[] = MINED_PAIRS): PairTable {
  return { pairs: [...DEFAULT_PAIRS, ...mined].map((p) => ({ ...p })), lifecycles: DEFAULT_LIFECYCLES.map((l) => ({ ...l })) };
}

/** The default table with a user's entries: pairs replace defaults of the same id, lifecycles add. */
export function mergeTable(extra: Partial<PairTable> | undefined, mined: readonly PairSpec[] = MINED_PAIRS): PairTable {
  const table = defaultTable(mined);
  // Indexed by id and by pair, so a table of tens of thousands of entries merges in linear time.
  const at = new Map(table.pairs.map((q, i) => [q.id, i]));
  for (const p of extra?.pairs ?? []) {
    const i = at.get(p.id);
    if (i !== undefined) table.pairs[i] = p;
    else at.set(p.id, table.pairs.push(p) - 1);
  }
  const known = new Set(table.lifecycles.map((l) => `${l.acquire}\u0000${l.release}`));
  for (const l of extra?.lifecycles ?? []) {
    const k = `${l.acquire}\u0000${l.release}`;
    if (known.has(k)) continue;
    known.add(k);
    table.lifecycles.push(l);
  }
  return table;
}

/** A pair's position in the table, and the side a name is on. */
interface Side {
  index: number;
  role: 'acquire' | 'release';
}

export interface PairMatch {
  pair: PairSpec;
  role: 'acquire' | 'release';
}

/** Which pair a called function belongs to, and as which side. */
export class PairIndex {
  private readonly cache = new Map<string, PairMatch | null>();
  /** Exact names and `prefix*` globs, each to the pairs naming it (by table position) and as which side. */
  private readonly exact = new Map<string, Side[]>();
  private readonly prefixes = new Map<string, Side[]>();
  private readonly longestPrefix: number;
  private readonly excluded: Set<string>[];
  private readonly lifecycleNames: Set<string>;
  private readonly lifecyclesByAcquire = new Map<string, LifecyclePair[]>();

  constructor(readonly table: PairTable) {
    let longest = 0;
    table.pairs.forEach((pair, index) => {
      for (const role of ['release', 'acquire'] as const) {
        for (const glob of pair[role]) {
          const star = glob.endsWith('*');
          const key = star ? glob.slice(0, -1) : glob;
          const map = star ? this.prefixes : this.exact;
          if (star) longest = Math.max(longest, key.length);
          let list = map.get(key);
          if (!list) map.set(key, (list = []));
          list.push({ index, role });
        }
      }
    });
    this.longestPrefix = longest;
    this.excluded = table.pairs.map((p) => new Set(p.exclude ?? []));
    this.lifecycleNames = new Set(table.lifecycles.flatMap((l) => [l.acquire, l.release]));
    for (const l of table.lifecycles) {
      const list = this.lifecyclesByAcquire.get(l.acquire);
      if (list) list.push(l);
      else this.lifecyclesByAcquire.set(l.acquire, [l]);
    }
  }

  /**
   * The first pair of the table (in order) whose globs match `name` and that does not exclude it; within
   * one pair, release before acquire. Found through the name's own prefixes, not by trying every pair.
   */
  match(name: string): PairMatch | null {
    let m = this.cache.get(name);
    if (m !== undefined) return m;
    let best: Side | null = null;
    const consider = (sides: Side[] | undefined): void => {
      for (const side of sides ?? []) {
        if (this.excluded[side.index].has(name)) continue;
        if (!best || side.index < best.index || (side.index === best.index && side.role === 'release')) best = side;
      }
    };
    consider(this.exact.get(name));
    for (let k = Math.min(name.length, this.longestPrefix); k >= 0; k--) consider(this.prefixes.get(name.slice(0, k)));
    const found = best as Side | null;
    m = found ? { pair: this.table.pairs[found.index], role: found.role } : null;
    this.cache.set(name, m);
    return m;
  }

  /** Does any name in the set belong to a pair? (From a lexical scan, before parsing.) */
  mentionsAny(names: Iterable<string>): boolean {
    for (const n of names) if (this.match(n)) return true;
    return false;
  }

  /**
   * Lifecycle partners among the defined functions: the table's, and those inferred from names where
   * the prefix is shared and only one partner fits (`foo_create` / `foo_destroy`).
   */
  private readonly kindsMemo = new WeakMap<Set<string>, { allocates: boolean; locks: boolean }>();

  /** Whether names (an image's scanned calls) include an allocation, or a lock operation; cached per set. */
  kindsIn(names: Set<string>): { allocates: boolean; locks: boolean } {
    let k = this.kindsMemo.get(names);
    if (!k) {
      k = { allocates: false, locks: false };
      for (const n of names) {
        const m = this.match(n);
        if (m?.pair.kind === 'alloc' && m.role === 'acquire') k.allocates = true;
        if (m?.pair.kind === 'lock') k.locks = true;
      }
      this.kindsMemo.set(names, k);
    }
    return k;
  }

  /** `name` can be one side of a lifecycle pair: listed in the table, or named like one. */
  isLifecycleFunction(name: string): boolean {
    if (this.lifecycleNames.has(name)) return true;
    return SUFFIX_PAIRS.some(([a, r]) => name.endsWith(`_${a}`) || name.endsWith(`_${r}`));
  }

  lifecycles(defined: Set<string>): LifecyclePair[] {
    const out: LifecyclePair[] = [];
    for (const name of defined) for (const l of this.lifecyclesByAcquire.get(name) ?? []) if (defined.has(l.release)) out.push(l);
    for (const name of defined) {
      for (const [a, r] of SUFFIX_PAIRS) {
        const m = new RegExp(`^(.+)_${a}$`).exec(name);
        if (!m) continue;
        const partners = [...defined].filter((d) => d === `${m[1]}_${r}`);
        if (partners.length === 1 && !out.some((l) => l.acquire === name)) out.push({ acquire: name, release: partners[0] });
      }
    }
    return out;
  }
}
