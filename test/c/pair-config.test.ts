/** User extensions of the pair table: read tolerantly, combined in order of precedence. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { combinePairTables, parsePairConfig, readPairConfig } from '../../server/src/core/kernel/pair-config';
import { syntheticSeries } from '../../bench/synthetic';
import { Engine } from '../../server/src/core/engine';
import { loadParser } from '../../server/src/host/grammar';
import { RING } from '../ring-fixture';
import { DEFAULT_LIFECYCLES, DEFAULT_PAIRS, MINED_PAIRS, mergeTable, PairIndex, type PairSpec, type PairTable } from '../../server/src/core/kernel/pairs';

test('a config file that is not JSON, or not an object, is one problem and nothing else', () => {
  assert.deepEqual(parsePairConfig('{ "pairs": [ }', 'x.json').table, {});
  assert.match(parsePairConfig('{ "pairs": [ }', 'x.json').problems[0], /^x\.json is not valid JSON \(/);
  assert.deepEqual(readPairConfig([1, 2], 'x.json').problems, ['x.json must be an object with "pairs" and "lifecycles"']);
  assert.deepEqual(readPairConfig({ pair: [] }, 'x.json').problems, ['x.json: "pair" is not read (only "pairs" and "lifecycles")']);
});

test('later sources replace earlier entries with the same id, and the defaults', () => {
  const file = readPairConfig(
    {
      pairs: [
        { id: 'folio', kind: 'ref', acquire: ['folio_get', 'folio_try_get'], release: ['folio_put'] },
        { id: 'mine', kind: 'lock', acquire: ['my_lock'], release: ['my_unlock'] },
      ],
    },
    'file',
  ).table;
  const settings = readPairConfig({ pairs: [{ id: 'mine', kind: 'lock', acquire: ['my_lock_irq'], release: ['my_unlock_irq'] }] }, 'settings').table;
  const table = mergeTable(combinePairTables(file, settings));
  assert.deepEqual(table.pairs.find((p) => p.id === 'folio')?.acquire, ['folio_get', 'folio_try_get']);
  assert.deepEqual(
    table.pairs.filter((p) => p.id === 'mine').map((p) => p.acquire),
    [['my_lock_irq']],
  );
});

/** The table's meaning, written out as a scan of every pair in order (what the index must agree with). */
function scanMatch(table: PairTable, name: string): { id: string; role: string } | null {
  const glob = (g: string): boolean => (g.endsWith('*') ? name.startsWith(g.slice(0, -1)) : g === name);
  for (const p of table.pairs) {
    if (p.exclude?.includes(name)) continue;
    if (p.release.some(glob)) return { id: p.id, role: 'release' };
    if (p.acquire.some(glob)) return { id: p.id, role: 'acquire' };
  }
  return null;
}

test('the pair index finds what a scan of the table in order finds: first pair wins, release before acquire, exclusions', () => {
  const table = mergeTable({
    pairs: [
      { id: 'wide', kind: 'lock', acquire: ['my_*'], release: ['my_put*'], exclude: ['my_init'] },
      { id: 'narrow', kind: 'ref', acquire: ['my_get'], release: ['my_put'] },
      { id: 'empty_prefix', kind: 'counter', acquire: ['*'], release: ['zz_dec'], exclude: ['unrelated'] },
    ],
  });
  const index = new PairIndex(table);
  const names = [
    'my_get',
    'my_put',
    'my_put_many',
    'my_init',
    'my_',
    'my',
    'spin_lock_irq',
    'spin_lock_init',
    'kfree',
    'kzalloc_node',
    'unrelated',
    'zz_dec',
    'folio_put',
    'mutex_trylock',
    'mutex_lock_interruptible',
  ];
  for (const name of names) {
    const m = index.match(name);
    assert.deepEqual(m ? { id: m.pair.id, role: m.role } : null, scanMatch(table, name), name);
  }
  // The default table's own cases.
  assert.equal(index.match('spin_lock_init')?.pair.id, 'empty_prefix', 'spinlock excludes its init; the catch-all glob takes it');
  assert.equal(new PairIndex(mergeTable({})).match('spin_lock_init'), null);
});

test('a table of 50,000 pairs and lifecycles merges and answers like the scan, without trying every pair per name', () => {
  const pairs: PairSpec[] = [];
  const lifecycles = [];
  for (let i = 0; i < 50_000; i++) {
    pairs.push({ id: `p${i}`, kind: i % 2 ? 'ref' : 'alloc', acquire: [`foo${i}_get`, `bar${i}*`], release: [`foo${i}_put`] });
    lifecycles.push({ acquire: `obj${i}_open`, release: `obj${i}_close` });
  }
  pairs.push({ id: 'folio', kind: 'ref', acquire: ['folio_get'], release: ['folio_put', 'folio_put_refs'] });
  const table = mergeTable({ pairs, lifecycles: [...lifecycles, lifecycles[7]] });
  assert.equal(table.pairs.length, 50_000 + DEFAULT_PAIRS.length + MINED_PAIRS.length, 'the folio entry replaced the default one');
  assert.equal(table.lifecycles.length, 50_000 + DEFAULT_LIFECYCLES.length, 'a repeated lifecycle is kept once');
  const index = new PairIndex(table);
  for (const name of ['foo49999_put', 'bar123_anything', 'bar1', 'folio_put_refs', 'kfree', 'nothing_at_all', 'foo7_get']) {
    const m = index.match(name);
    assert.deepEqual(m ? { id: m.pair.id, role: m.role } : null, scanMatch(table, name), name);
  }
  assert.equal(index.isLifecycleFunction('obj42_close'), true);
  assert.deepEqual(index.lifecycles(new Set(['obj42_open', 'obj42_close', 'obj43_open'])), [{ acquire: 'obj42_open', release: 'obj42_close' }]);
});

test('an analysis with 50,000 extra pairs finds what it finds with the default table', async () => {
  const pairs: PairSpec[] = [];
  for (let i = 0; i < 50_000; i++) pairs.push({ id: `extra${i}`, kind: 'ref', acquire: [`extra${i}_get`], release: [`extra${i}_put`] });
  const parser = await loadParser();
  for (const text of [RING, syntheticSeries(20).text]) {
    const plain = new Engine(parser).analyze(text).findings.map((f) => `${f.range.start.line}: ${f.message}`);
    const engine = new Engine(parser);
    const big = engine.analyze(text, { pairs: { pairs } }).findings.map((f) => `${f.range.start.line}: ${f.message}`);
    assert.deepEqual(big, plain);
    assert.ok(plain.length > 0);
  }
});
