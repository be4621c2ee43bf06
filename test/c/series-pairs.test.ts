/** Pairs a series shows: two functions it calls whose names differ by a verb and its opposite. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { PairIndex, defaultTable } from '../../server/src/core/kernel/pairs';
import { seriesLifecycles, seriesPairs } from '../../server/src/core/kernel/series-pairs';

const index = new PairIndex(defaultTable());
const pairsOf = (names: string[], text = ''): string[] =>
  seriesPairs(new Set(names), index, text).map((p) => `${p.kind} ${p.acquire[0]}/${p.release[0]} ${p.success}${p.key ? ` ${p.key}` : ''}`);

test('a verb and its opposite, both called, make a pair; its success read from how the result is used', () => {
  const cases: [string, string[], string, string[]][] = [
    [
      'get/put with an error code',
      ['hisi_qm_get_dfx_access', 'hisi_qm_put_dfx_access'],
      'ret = hisi_qm_get_dfx_access(qm);',
      ['ref hisi_qm_get_dfx_access/hisi_qm_put_dfx_access zero'],
    ],
    ['a lock and its unlock, result unused', ['foo_lock', 'foo_unlock'], 'foo_lock(f);', ['lock foo_lock/foo_unlock always']],
    ['a get returning what is put', ['bar_get', 'bar_put'], 'b = bar_get(id);', ['ref bar_get/bar_put nonnull result']],
    ['an inc and a dec', ['vma_count_inc', 'vma_count_dec'], '', ['counter vma_count_inc/vma_count_dec always']],
    ['the partner is not called: nothing', ['baz_get'], 'baz_get(x);', []],
    ['a pair the table knows: nothing added', ['folio_get', 'folio_put', 'mutex_lock', 'mutex_unlock'], '', []],
    ['enable/disable is not inferred (runtime PM enable is no count)', ['pm_runtime_enable', 'pm_runtime_disable'], '', []],
    [
      'an allocation on an argument, a count on success: a resource the argument holds, taken when not negative',
      ['pci_alloc_irq_vectors', 'pci_free_irq_vectors'],
      'ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);\n\tif (ret < 0)\n\t\treturn ret;',
      ['ref pci_alloc_irq_vectors/pci_free_irq_vectors nonnegative'],
    ],
    [
      'an allocation returning what is freed',
      ['foo_alloc_ctx', 'foo_free_ctx'],
      'ctx = foo_alloc_ctx(dev);',
      ['alloc foo_alloc_ctx/foo_free_ctx nonnull result'],
    ],
  ];
  for (const [name, names, text, want] of cases) assert.deepEqual(pairsOf(names, text), want, name);
});

test('constructor/destructor pairs named mid-name are inferred only when an ops table installs the destructor', () => {
  const defined = new Set(['nx_crypto_alloc_ctx', 'nx_crypto_free_ctx', 'foo_create_queue', 'foo_destroy_queue', 'bar_alloc', 'bar_free']);
  const cases: [string, string, string[]][] = [
    ['installed as a callback', '\t.alloc_ctx\t= nx_crypto_alloc_ctx,\n\t.free_ctx\t= nx_crypto_free_ctx,\n', ['nx_crypto_alloc_ctx/nx_crypto_free_ctx']],
    ['installed last in the initializer, by address', 'static struct foo_ops ops = { .destroy = &foo_destroy_queue }', ['foo_create_queue/foo_destroy_queue']],
    ['only called, never installed: the name alone is not enough', 'nx_crypto_free_ctx(ctx);\n', []],
    ['verbs at the end are the table suffix rule, not this one', '.free = bar_free,\n', []],
  ];
  for (const [name, text, want] of cases)
    assert.deepEqual(
      seriesLifecycles(defined, text).map((l) => `${l.acquire}/${l.release}`),
      want,
      name,
    );
  assert.deepEqual(seriesLifecycles(new Set(['nx_crypto_free_ctx']), '.free_ctx = nx_crypto_free_ctx,'), [], 'the constructor must be defined too');
});
