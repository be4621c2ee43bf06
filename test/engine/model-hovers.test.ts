/**
 * A hover on a function a model is about, at its definition or a call in a hunk: the model's words at a
 * glance and a link that runs the model for that place (the panel holds the rest).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { describe } from '../../server/src/core/describe';
import { addedCodePatch } from '../helpers';
import { sharedEngine } from '../rules/tester';

async function hoverOn(path: string, code: string, word: string): Promise<ReturnType<typeof describe>> {
  const text = addedCodePatch('a change', path, code);
  const analysis = (await sharedEngine()).analyze(text, { findings: 'all' });
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.startsWith('+') && l.includes(word));
  assert.ok(line >= 0, `${word} is on an added line`);
  return describe(analysis, analysis.findings, { line, character: lines[line].indexOf(word) + 2 });
}

const cases: { name: string; path: string; code: string; word: string; says: RegExp; run: { model: string; args: Record<string, string> } | null }[] = [
  {
    name: 'a guest_memfd call: the binding model with the seed’s binding',
    path: 'virt/kvm/guest_memfd.c',
    code: 'static int f(struct kvm *kvm, struct kvm_memory_slot *slot, gfn_t gfn)\n{\n\treturn kvm_gmem_get_pfn(kvm, slot, gfn, NULL, NULL, NULL);\n}',
    word: 'kvm_gmem_get_pfn',
    says: /\*\*guest_memfd binding\*\* behind `kvm_gmem_get_pfn\(\)`.*\n\nFor `base_gfn` = 2, 2048 pages, `pgoff` = 0 \(2 MiB pages\): \d+ huge mappings? spans? two folios/,
    run: { model: 'gmem-alignment', args: { base_gfn: '2', npages: '2048', pgoff: '0', hpage: '2M' } },
  },
  {
    name: 'a CXL ways decoder, defined: the HDM decoding model',
    path: 'drivers/cxl/core/hdm.c',
    code: 'int eiw_to_ways(u8 eiw, unsigned int *ways)\n{\n\treturn 0;\n}',
    word: 'eiw_to_ways',
    says: /\*\*CXL HDM decoding\*\* behind `eiw_to_ways\(\)`: ways are encoded 0–4 → 1, 2, 4, 8, 16 and 8–10 → 3, 6, 12/,
    run: { model: 'cxl-interleave', args: { ways: '4', granularity: '256', device_size: '256M' } },
  },
  {
    name: 'vmemmap_populate() in arm64: the vmemmap model for arm64',
    path: 'arch/arm64/mm/mmu.c',
    code: 'int __meminit vmemmap_populate(unsigned long start, unsigned long end, int node,\n\t\tstruct vmem_altmap *altmap)\n{\n\treturn 0;\n}',
    word: 'vmemmap_populate',
    says: /\*\*vmemmap model\*\*, arm64/,
    run: { model: 'vmemmap', args: { arch: 'arm64', size: String(128 << 20), shift: '9' } },
  },
  {
    name: 'a name no model is about',
    path: 'mm/x.c',
    code: 'static int kvm_gmem_other(void)\n{\n\treturn 0;\n}',
    word: 'kvm_gmem_other',
    says: /./,
    run: null,
  },
];

for (const c of cases) {
  test(`model hover: ${c.name}`, async () => {
    const d = await hoverOn(c.path, c.code, c.word);
    const run = d?.links?.find((l) => l.kind === 'run');
    if (!c.run) return assert.equal(run, undefined);
    assert.ok(d);
    assert.match(d.markdown, c.says);
    assert.deepEqual(run && run.kind === 'run' ? run.run : null, c.run);
    assert.ok(d.markdown.split('\n').length <= 14, d.markdown);
  });
}
