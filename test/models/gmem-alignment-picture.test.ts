/** The guest_memfd binding as a picture: KVM's huge mapping over the folios the same GFNs fall in. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { exampleSplit, runGmemAlignment } from '../../server/src/core/models/gmem-alignment/gmem-alignment';
import { bindingPicture } from '../../server/src/core/models/gmem-alignment/gmem-alignment-picture';

const SZ_2M = 2n << 20n;

test('a broken binding: one mapping drawn over two folios, their boundary marked', () => {
  const r = runGmemAlignment({ baseGfn: 2n, npages: 2048n, pgoff: 0n, hpage: SZ_2M });
  const split = exampleSplit(r);
  const svg = bindingPicture(r, split);
  assert.match(svg, /<title>guest_memfd binding: one 2 MiB mapping over two folios<\/title>/);
  assert.deepEqual(
    [...svg.matchAll(/<g class="mapping" data-start="(\d+)" data-end="(\d+)">/g)].map((m) => [BigInt(m[1]), BigInt(m[2])]),
    [[split.range.start, split.range.end]],
  );
  assert.deepEqual(
    [...svg.matchAll(/<g class="folio" data-index="(\d+)">/g)].map((m) => BigInt(m[1])),
    [split.first.alignedIndex, split.second.alignedIndex],
  );
  assert.ok(split.second.start > split.range.start && split.second.start < split.range.end, 'the folios meet inside the mapping');
  assert.match(svg, new RegExp(`one mapping, two folios: they meet at GFN ${split.second.start}`));
});

test('a sound binding: mappings and folios line up, nothing marked', () => {
  const r = runGmemAlignment({ baseGfn: 512n, npages: 2048n, pgoff: 0n, hpage: SZ_2M });
  assert.equal(r.splits.length, 0);
  const svg = bindingPicture(r, null);
  assert.match(svg, /<title>guest_memfd binding: each 2 MiB mapping within one folio<\/title>/);
  const mappings = [...svg.matchAll(/<g class="mapping" data-start="(\d+)" data-end="(\d+)">/g)].map((m) => [m[1], m[2]]);
  assert.ok(mappings.length >= 2);
  assert.doesNotMatch(svg, /two folios/);
});
