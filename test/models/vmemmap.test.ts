/** The vmemmap model, its figures checked by hand. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { archById, archTable, defaultFeatures, explainVmemmap, runVmemmap, type VmemmapInput } from '../../server/src/core/models/vmemmap/vmemmap';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const input = (arch: string, size: number, shift: number | null = null, extra: Partial<VmemmapInput> = {}): VmemmapInput => {
  const a = archById(arch)!;
  return { arch: a, size, shift, altmap: false, features: defaultFeatures(a), ...extra };
};

test('x86_64: a 128 MiB section has 2 MiB of struct page, one PMD with PSE, 512 PTEs without', () => {
  const r = runVmemmap(input('x86_64', 128 * MiB));
  assert.equal(r.pagesPerSection, 32768);
  assert.equal(r.vmemmap, 2 * MiB);
  assert.deepEqual([r.pmds, r.ptes, r.allocated], [1, 0, 2 * MiB]);
  const noPse = runVmemmap(input('x86_64', 128 * MiB, null, { features: new Set() }));
  assert.deepEqual([noPse.pmds, noPse.ptes], [0, 512]);
  // Less than a section: base pages, whatever the CPU. 64 MiB → 16,384 pages → 1 MiB → 256 PTEs.
  const half = runVmemmap(input('x86_64', 64 * MiB));
  assert.deepEqual([half.calls[0].path, half.ptes, half.vmemmap], ['base', 256, MiB]);
});

test('x86_64 with a pgmap of 2 MiB compound pages: 512 struct pages in 8 vmemmap pages, 2 kept', () => {
  const r = runVmemmap(input('x86_64', GiB, 9));
  assert.deepEqual(r.compound, { pages: 512, count: 512, vmemmapPages: 8, optimised: true, why: r.compound!.why });
  assert.equal(r.vmemmap, 16 * MiB);
  // 512 compound pages × 2 kept vmemmap pages × 4 KiB = 4 MiB; 16 MiB still mapped by 4,096 PTEs.
  assert.deepEqual([r.allocated, r.saved, r.ptes, r.pmds], [4 * MiB, 12 * MiB, 4096, 0]);
  assert.ok(r.calls.every((c) => c.path === 'compound'));
  assert.match(r.pgmapPaths.join('\n'), /`vmemmap_populate_compound_pages\(\)` receives `pgmap`/);
  assert.match(r.pgmapPaths.join('\n'), /sync_global_pgds/);
  // 1 GiB compound pages: 262,144 struct pages = 16 MiB = 4,096 vmemmap pages, 2 kept.
  const giant = runVmemmap(input('x86_64', 4 * GiB, 18));
  assert.deepEqual([giant.compound!.count, giant.compound!.vmemmapPages, giant.saved], [4, 4096, 64 * MiB - 4 * 2 * 4096]);
});

test('no sharing: an altmap, compound pages too small, an architecture without the option', () => {
  const altmap = runVmemmap(input('x86_64', GiB, 9, { altmap: true }));
  assert.deepEqual([altmap.compound!.optimised, altmap.saved, altmap.pmds], [false, 0, 8]);
  assert.match(altmap.pgmapPaths[0], /drops `pgmap`/);
  // 2^6 = 64 pages × 64 B = 4 KiB: one vmemmap page, not more than 2.
  const small = runVmemmap(input('x86_64', GiB, 6));
  assert.equal(small.compound!.optimised, false);
  assert.match(small.compound!.why, /fill 1 vmemmap page, not more than VMEMMAP_RESERVE_NR/);
  const arm = runVmemmap(input('arm64', GiB, 9));
  assert.deepEqual([arm.compound!.optimised, arm.pmds], [false, 8]);
  assert.match(arm.compound!.why, /arm64 does not select ARCH_WANT_OPTIMIZE_DAX_VMEMMAP/);
});

test('other architectures: arm64 16K and 64K base pages, riscv always PMDs, loongarch by levels', () => {
  // arm64 16K: 128 MiB section = 8,192 pages → 512 KiB → 32 PTEs of 16 KiB.
  const a16 = runVmemmap(input('arm64-16k', 128 * MiB));
  assert.deepEqual([a16.vmemmap, a16.ptes, a16.pmds], [512 * 1024, 32, 0]);
  // arm64 64K: 512 MiB section = 8,192 pages → 512 KiB → 8 PTEs of 64 KiB.
  const a64 = runVmemmap(input('arm64-64k', 512 * MiB));
  assert.deepEqual([a64.vmemmap, a64.ptes], [512 * 1024, 8]);
  // riscv: 64 MiB (half a section) still gets a PMD block: 1 MiB of struct page in one 2 MiB PMD.
  const rv = runVmemmap(input('riscv64', 64 * MiB));
  assert.deepEqual([rv.pmds, rv.allocated], [1, 2 * MiB]);
  // loongarch 16K pages: 512 MiB section = 32,768 pages → 2 MiB → one 32 MiB PMD block (3 levels); 128 PTEs with 2.
  const la = runVmemmap(input('loongarch64', 512 * MiB));
  assert.deepEqual([la.vmemmap, la.pmds], [2 * MiB, 1]);
  assert.equal(runVmemmap(input('loongarch64', 512 * MiB, null, { features: new Set(['2-level']) })).ptes, 128);
  // s390: 256 MiB section = 65,536 pages → 4 MiB of struct page → four 1 MB frames with EDAT1; 1,024 PTEs without.
  const s390 = runVmemmap(input('s390', 256 * MiB));
  assert.deepEqual([s390.vmemmap, s390.pmds, s390.allocated], [4 * MiB, 4, 4 * MiB]);
  assert.deepEqual([runVmemmap(input('s390', 256 * MiB, null, { features: new Set() })).ptes], [1024]);
  // A 2 MiB sub-section: 512 pages → 32 KiB of struct page, still a whole 1 MB frame.
  assert.deepEqual([runVmemmap(input('s390', 2 * MiB)).pmds, runVmemmap(input('s390', 2 * MiB)).allocated], [1, MiB]);
  // sparc64 8K pages: 1 GiB section = 131,072 pages → 8 MiB → one 8 MiB PMD block; a pgmap is dropped.
  const sparc = runVmemmap(input('sparc64', GiB, 8));
  assert.deepEqual([sparc.pages, sparc.vmemmap, sparc.pmds, sparc.compound!.optimised], [131072, 8 * MiB, 1, false]);
});

test('the explanation and the per-architecture table', () => {
  const text = explainVmemmap(runVmemmap(input('x86_64', GiB, 9)));
  assert.match(text, /\| vmemmap \(`struct page` array\) \| 262,144 × 64 B = 16 MiB \|/);
  assert.match(text, /\| saved \| 12 MiB \(75\.0 %\) \|/);
  // One section per row: 64 compound pages of 2 MiB, 8 vmemmap pages each (2 MiB), 2 kept (512 KiB): 1.5 MiB saved.
  const table = archTable('riscv64');
  assert.match(table, /\| x86_64 \| 4 KiB \| 128 MiB \| 2 MiB \| 1 PMD \| compound pages, pgmap received; saves 1 MiB \+ 512 KiB \|/);
  assert.match(table, /\| \*\*riscv64\*\* \|/);
  assert.match(table, /\| arm64 \| 4 KiB \| 128 MiB \| 2 MiB \| 1 PMD \| vmemmap_populate\(\), pgmap dropped \|/);
});
