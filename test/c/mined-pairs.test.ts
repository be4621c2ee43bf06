/** The pairs mined from a kernel tree's headers: their provenance, their shape, and that analyses use them. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_PAIRS, MINED_PAIRS, MINED_PROVENANCE, PairIndex } from '../../server/src/core/kernel/pairs';
import { coveredBy, minePairs } from '../../server/src/core/kernel/pair-miner';
import { sharedEngine } from '../rules/tester';
import { addedCodePatch, lineOf } from '../helpers';

test('the mined table says where it came from, and its counts add up', () => {
  assert.match(String(MINED_PROVENANCE.tree), /^linux \d+\.\d+\.\d+/);
  const { fromGuards, fromClasses, fromGetPutDeclarations, fromAllocFreeDeclarations, fromLockAnnotations } = MINED_PROVENANCE as Record<string, number>;
  assert.equal(fromGuards + fromClasses + fromGetPutDeclarations + fromAllocFreeDeclarations + fromLockAnnotations, MINED_PAIRS.length);
  assert.ok(MINED_PAIRS.length > 100, `${MINED_PAIRS.length} mined pairs`);
});

test('mined pairs are well formed, unique, and name nothing the default table already pairs', () => {
  const defaults = new PairIndex({ pairs: DEFAULT_PAIRS.map((p) => ({ ...p })), lifecycles: [] });
  const ids = MINED_PAIRS.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const p of MINED_PAIRS) {
    assert.ok(['ref', 'lock', 'alloc'].includes(p.kind), p.id);
    assert.doesNotMatch(p.acquire[0], /^(?:devm|dmam|pcim|drmm)_/, `${p.id}: a managed allocation needs no release`);
    assert.equal(p.acquire.length, 1, p.id);
    assert.equal(p.release.length, 1, p.id);
    assert.match(p.acquire[0], /^[A-Za-z_]\w*$/, p.id);
    assert.notEqual(p.acquire[0], p.release[0], p.id);
    assert.equal(defaults.match(p.acquire[0]), null, `${p.id}: the default table already names ${p.acquire[0]}`);
    // Locks come only from guards named for a lock: toggles like disable_irq/enable_irq are left out.
    if (p.kind === 'lock') assert.ok(/lock/.test(p.acquire[0]) && /unlock/.test(p.release[0]), p.id);
  }
});

test('a lock a guard in the headers names is held on an error return: the analysis says so', async () => {
  const doc = addedCodePatch(
    'drivers/foo: reset under the device lock',
    'drivers/foo/foo.c',
    'static int foo_reset(struct foo *foo)\n{\n\tdevice_lock(foo->dev);\n\tif (foo->dead)\n\t\treturn -ENODEV;\n\tfoo_hw_reset(foo);\n\tdevice_unlock(foo->dev);\n\treturn 0;\n}',
  );
  const a = (await sharedEngine()).analyze(doc);
  assert.deepEqual(
    a.findings.filter((f) => f.ruleId === 'unbalanced-counter').map((f) => [f.range.start.line + 1, f.message]),
    [
      [
        lineOf(doc, 'device_lock(foo->dev);'),
        `on the path returning at line ${lineOf(doc, 'return -ENODEV;')}, \`device_lock()\` from line ${lineOf(doc, 'device_lock(foo->dev);')} is never released`,
      ],
    ],
  );
});

test('the miner, table-driven: guards named for locks, pointer classes, get/put, alloc/free and create/destroy families declared together, sparse lock annotations; known names, toggles and managed allocations left out', () => {
  const cases: { name: string; header: string; want: string[] }[] = [
    { name: 'a lock guard', header: 'DEFINE_GUARD(widget, struct widget *, widget_lock(_T), widget_unlock(_T))\n', want: ['lock widget_lock/widget_unlock'] },
    {
      name: 'a lock guard over two lines, with a conditional release',
      header: 'DEFINE_LOCK_GUARD_1(gizmo, struct gizmo,\n\t\t    gizmo_lock(_T->lock),\n\t\t    if (_T->lock) gizmo_unlock(_T->lock))\n',
      want: ['lock gizmo_lock/gizmo_unlock'],
    },
    { name: 'a guard over a toggle is no lock', header: 'DEFINE_LOCK_GUARD_0(irqoff, local_irq_off(), local_irq_on())\n', want: [] },
    { name: 'a guard over a known lock', header: 'DEFINE_GUARD(mutex, struct mutex *, mutex_lock(_T), mutex_unlock(_T))\n', want: [] },
    {
      name: 'a pointer class: its constructor result is given back',
      header: 'DEFINE_CLASS(fdesc, struct fdesc *, fdesc_close(_T), fdesc_open(path), const char *path)\n',
      want: ['ref fdesc_open/fdesc_close result valid'],
    },
    { name: 'a value class is not a pair', header: 'DEFINE_CLASS(token, int, token_drop(_T), token_take(x), int x)\n', want: [] },
    {
      name: 'a lookup that returns a reference',
      header: 'struct widget *widget_get(struct device *dev);\nvoid widget_put(struct widget *w);\n',
      want: ['ref widget_get/widget_put result valid'],
    },
    {
      name: 'a get that takes one on what it is given',
      header: 'static inline struct widget *widget_get_ref(struct widget *w)\n{\n}\nextern void widget_put_ref(struct widget *w);\n',
      want: ['ref widget_get_ref/widget_put_ref'],
    },
    {
      name: 'an alloc/free family: an allocation of its result',
      header: 'struct gizmo_req *gizmo_req_alloc(struct gizmo *g, gfp_t gfp);\nvoid gizmo_req_free(struct gizmo_req *req);\n',
      want: ['alloc gizmo_req_alloc/gizmo_req_free result valid'],
    },
    {
      name: 'a create/destroy family',
      header: 'extern struct gizmo_pool *gizmo_pool_create(const char *name, size_t size);\nextern void gizmo_pool_destroy(struct gizmo_pool *pool);\n',
      want: ['alloc gizmo_pool_create/gizmo_pool_destroy result valid'],
    },
    {
      name: 'a managed allocation needs no free',
      header: 'struct gizmo_pool *dmam_gizmo_create(struct device *dev);\nvoid dmam_gizmo_destroy(struct gizmo_pool *pool);\n',
      want: [],
    },
    {
      name: 'functions annotated __acquires/__releases of one lock',
      header: 'extern void gizmo_list_lock(void) __acquires(gizmo_mutex);\nextern void gizmo_list_unlock(void) __releases(gizmo_mutex);\n',
      want: ['lock gizmo_list_lock/gizmo_list_unlock'],
    },
    {
      name: 'several annotated on one lock name: paired by lock/unlock in the name',
      header:
        'void do_gz_read_lock(gzlock_t *lock) __acquires(lock);\nvoid do_gz_write_lock(gzlock_t *lock) __acquires(lock);\nvoid do_gz_read_unlock(gzlock_t *lock) __releases(lock);\nvoid do_gz_write_unlock(gzlock_t *lock) __releases(lock);\n',
      want: ['lock do_gz_read_lock/do_gz_read_unlock', 'lock do_gz_write_lock/do_gz_write_unlock'],
    },
    {
      name: 'an annotated pair whose names say nothing of locking is left out',
      header: 'int gz_walk_start(struct gz_iter *it) __acquires(RCU);\nvoid gz_walk_stop(struct gz_iter *it) __releases(RCU);\n',
      want: [],
    },
    { name: 'a get whose put takes another type', header: 'struct widget *widget_get(struct device *dev);\nvoid widget_put(struct device *d);\n', want: [] },
    { name: 'a get without a put', header: 'struct widget *widget_get(struct device *dev);\n', want: [] },
  ];
  const known = coveredBy(DEFAULT_PAIRS);
  for (const c of cases) {
    const { pairs, counts } = minePairs([c.header], known);
    assert.deepEqual(
      pairs.map((p) => [p.kind, `${p.acquire[0]}/${p.release[0]}`, ...(p.key ? [p.key] : []), ...(p.success ? [p.success] : [])].join(' ')),
      c.want,
      c.name,
    );
    assert.equal(counts.headers, 1);
    assert.equal(counts.guards + counts.classes + counts.getPut + counts.allocFree + counts.annotated, c.want.length, c.name);
  }
  assert.equal(coveredBy(DEFAULT_PAIRS)('spin_lock_irqsave'), true, 'a glob of the table covers its names');
  assert.equal(coveredBy(DEFAULT_PAIRS)('widget_get'), false);
});
