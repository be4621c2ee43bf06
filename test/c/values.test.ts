/** Copies and fingerprints of evaluator values: what the models' exploration dedupes on. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { obj, type Obj } from '../../server/src/core/c/eval/eval';
import { fingerprint, GraphCopier } from '../../server/src/core/c/eval/values';

test('a copy keeps shared objects shared and cycles closed, and is independent of the original', () => {
  const gem = obj({ dma_buf: null }, 'gem');
  const bo = obj({ base: gem, count: 1n }, 'bo');
  gem.fields.set('bo', bo);
  const c = new GraphCopier();
  const [bo2, gem2] = [c.obj(bo), c.obj(gem)];
  assert.notEqual(bo2, bo);
  assert.equal(bo2.fields.get('base'), gem2, 'the member is the copy reached directly');
  assert.equal(gem2.fields.get('bo') as Obj, bo2, 'the cycle closes on the copy');
  bo2.fields.set('count', 2n);
  assert.equal(bo.fields.get('count'), 1n);
});

test('fingerprints: equal for the same shape whatever the field order, different for different values', () => {
  const a = obj({ x: 1n, y: obj({ z: 2n }) });
  const b = obj({ y: obj({ z: 2n }), x: 1n });
  const c = obj({ x: 1n, y: obj({ z: 3n }) });
  assert.equal(fingerprint([a]), fingerprint([b]));
  assert.notEqual(fingerprint([a]), fingerprint([c]));
  // Two references to one object differ from two equal objects.
  const shared = obj({ v: 1n });
  assert.notEqual(fingerprint([obj({ p: shared, q: shared })]), fingerprint([obj({ p: obj({ v: 1n }), q: obj({ v: 1n }) })]));
});

test('in a zeroed struct a field set to 0 reads as unwritten; fields nothing reads can be left out', () => {
  const fresh = obj({}, undefined, true);
  const written = obj({ count: 0n }, undefined, true);
  assert.equal(fingerprint([fresh]), fingerprint([written]));
  assert.notEqual(fingerprint([obj({ count: 0n })]), fingerprint([obj({})]), 'only zeroed structs read 0 for unwritten fields');
  const relevant = (f: string): boolean => f !== 'skip_invalidation';
  assert.equal(fingerprint([obj({ a: 1n, skip_invalidation: 1n })], relevant), fingerprint([obj({ a: 1n })], relevant));
});
