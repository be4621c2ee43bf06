/** The vmemmap layout as a picture: a cell per populate call by its path, the struct pages against the memory they use, pgmap's path. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ARCHES, runVmemmap } from '../../server/src/core/models/vmemmap/vmemmap';
import { vmemmapPicture } from '../../server/src/core/models/vmemmap/vmemmap-picture';

const arch = (id: string) => ARCHES.find((a) => a.id === id)!;

test('a cell per call, coloured by its path; the DAX optimisation and where pgmap goes said', () => {
  const dax = runVmemmap({ arch: arch('x86_64'), size: 1 << 30, shift: 9, altmap: false, features: new Set() });
  const svg = vmemmapPicture(dax);
  assert.deepEqual(
    [...svg.matchAll(/<g class="call (\w+)">/g)].map((m) => m[1]),
    dax.calls.map((c) => c.path),
  );
  assert.ok(dax.calls.every((c) => c.path === 'compound'));
  assert.match(svg, /the DAX optimisation saves 12 MiB/);
  assert.match(svg, /vmemmap_populate_compound_pages\(\) receives pgmap/);
  const plain = vmemmapPicture(runVmemmap({ arch: arch('riscv64'), size: 512 << 20, shift: null, altmap: false, features: new Set() }));
  assert.deepEqual([...new Set([...plain.matchAll(/<g class="call (\w+)">/g)].map((m) => m[1]))], ['huge']);
  assert.doesNotMatch(plain, /saves/);
  assert.match(plain, /no pgmap: __populate_section_memmap\(\) calls vmemmap_populate\(\) for every section/);
});
