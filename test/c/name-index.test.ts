import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { NameIndex } from '../../server/src/core/c/syntax/name-index';
import { Image } from '../../server/src/core/c/syntax/image';

/** An image standing for a hunk side: the index only tells images apart by identity. */
const image = (): Image => Image.of([], 'new');

test('the name index holds the images of the last update: what came is indexed, what went is taken out', () => {
  const [a, b, c] = [image(), image(), image()];
  const index = new NameIndex();
  index.update([
    [a, new Set(['folio_put', 'folio_get'])],
    [b, new Set(['folio_put'])],
  ]);
  assert.deepEqual([...(index.imagesNaming('folio_put') ?? [])], [a, b]);
  assert.deepEqual([...index].sort(), ['folio_get', 'folio_put']);
  // An edit replaced b by c (the image of its new text); a stayed.
  index.update([
    [a, new Set(['folio_put', 'folio_get'])],
    [c, new Set(['kvfree'])],
  ]);
  assert.deepEqual([...(index.imagesNaming('folio_put') ?? [])], [a]);
  assert.deepEqual([...(index.imagesNaming('kvfree') ?? [])], [c]);
  assert.equal(index.has('kvfree'), true);
  // A name no image has any more is gone from the index, not left with no images.
  index.update([[c, new Set(['kvfree'])]]);
  assert.equal(index.has('folio_put'), false);
  assert.equal(index.imagesNaming('folio_get'), undefined);
  assert.deepEqual([...index], ['kvfree']);
});
