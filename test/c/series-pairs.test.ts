/** Pairs a series shows: two functions it calls whose names differ by a verb and its opposite. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { PairIndex, defaultTable } from '../../server/src/core/kernel/pairs';
import { seriesPairs } from '../../server/src/core/kernel/series-pairs';

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
  ];
  for (const [name, names, text, want] of cases) assert.deepEqual(pairsOf(names, text), want, name);
});
