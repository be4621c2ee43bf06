/** User extensions of the pair table: read tolerantly, combined in order of precedence. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { combinePairTables, parsePairConfig, readPairConfig } from '../../server/src/c/pair-config';
import { mergeTable } from '../../server/src/c/pairs';

test('a config file that is not JSON, or not an object, is one problem and nothing else', () => {
  assert.deepEqual(parsePairConfig('{ "pairs": [ }', 'x.json').table, {});
  assert.match(parsePairConfig('{ "pairs": [ }', 'x.json').problems[0], /^x\.json is not valid JSON \(/);
  assert.deepEqual(readPairConfig([1, 2], 'x.json').problems, ['x.json must be an object with "pairs" and "lifecycles"']);
  assert.deepEqual(readPairConfig({ pair: [] }, 'x.json').problems, ['x.json: "pair" is not read (only "pairs" and "lifecycles")']);
});

test('later sources replace earlier entries with the same id, and the defaults', () => {
  const file = readPairConfig({ pairs: [{ id: 'folio', kind: 'ref', acquire: ['folio_get', 'folio_try_get'], release: ['folio_put'] }, { id: 'mine', kind: 'lock', acquire: ['my_lock'], release: ['my_unlock'] }] }, 'file').table;
  const settings = readPairConfig({ pairs: [{ id: 'mine', kind: 'lock', acquire: ['my_lock_irq'], release: ['my_unlock_irq'] }] }, 'settings').table;
  const table = mergeTable(combinePairTables(file, settings));
  assert.deepEqual(table.pairs.find((p) => p.id === 'folio')?.acquire, ['folio_get', 'folio_try_get']);
  assert.deepEqual(table.pairs.filter((p) => p.id === 'mine').map((p) => p.acquire), [['my_lock_irq']]);
});
