/** @file The vmemmap model's entry: `mm-review model vmemmap`, and its hover on `vmemmap_populate*()` in a hunk. */
import { exactSize, json, ModelArgumentError, parseCount, type ModelEntry, type ModelHover } from '../model';
import { ARCHES, archById, archTable, defaultFeatures, explainVmemmap, MODEL_ID, runVmemmap } from './vmemmap';
import { vmemmapPicture } from './vmemmap-picture';

const VMEMMAP_FUNCTION = /^(?:__|radix__)?vmemmap_populate\w*$|^__populate_section_memmap$/;
const ARCH_OF_PATH: [RegExp, string][] = [
  [/^arch\/x86\//, 'x86_64'],
  [/^arch\/arm64\//, 'arm64'],
  [/^arch\/riscv\//, 'riscv64'],
  [/^arch\/loongarch\//, 'loongarch64'],
  [/^arch\/s390\//, 's390'],
  [/^arch\/sparc\//, 'sparc64'],
];

/** On `vmemmap_populate*()` or `__populate_section_memmap()` in a hunk: the vmemmap model, per architecture. */
function hover(word: string, where: { path: string | null }): ModelHover | null {
  if (!VMEMMAP_FUNCTION.test(word)) return null;
  const archId = ARCH_OF_PATH.find(([re]) => re.test(where.path ?? ''))?.[1] ?? null;
  const arch = archById(archId ?? 'x86_64')!;
  const features = defaultFeatures(arch);
  const section = 2 ** arch.sectionBits;
  const shift = Math.log2((2 * 1024 * 1024) / arch.pageSize);
  const example = runVmemmap({ arch, size: section, shift, altmap: false, features });
  const markdown = [
    `**vmemmap** behind \`${word}()\`: one section per architecture, without a pgmap and with a pgmap of 2 MiB compound pages (Linux 6.12).`,
    '',
    archTable(archId),
    '',
    explainVmemmap(example),
    '',
    'Run it for other sizes: `mm-review model vmemmap arch=… size=… shift=…`.',
  ].join('\n');
  return { markdown, args: { arch: arch.id, size: String(section), shift: String(shift) } };
}

export const vmemmapEntry: ModelEntry = {
  id: MODEL_ID,
  summary: "The vmemmap of a memory range per architecture: struct page bytes, base or PMD mappings, and what a pgmap's compound pages save",
  params: [
    { name: 'arch', description: `architecture (${ARCHES.map((a) => a.id).join(', ')})`, default: 'x86_64' },
    { name: 'size', description: 'memory in the range', default: '128M' },
    { name: 'shift', description: "a pgmap's vmemmap_shift: compound pages of 2^shift pages (0: no pgmap)", default: '0' },
    { name: 'altmap', description: '1: the range holds its own vmemmap (an altmap)', default: '0' },
    { name: 'pse', description: 'x86_64: 0 for a CPU without PSE', default: '1' },
    { name: 'levels', description: 'loongarch64: page-table levels', default: '3' },
    { name: 'edat1', description: 's390: 0 for a machine without EDAT1 (no 1 MB frames)', default: '1' },
  ],
  example: 'mm-review model vmemmap arch=x86_64 size=1G shift=9',
  run(args) {
    const id = args.get('arch') ?? 'x86_64';
    const arch = archById(id);
    if (!arch) throw new ModelArgumentError(`arch=${id}: not modelled (${ARCHES.map((a) => a.id).join(', ')})`);
    const size = exactSize(args.get('size') ?? '128M', 'size');
    if (size < arch.pageSize || size % arch.pageSize !== 0)
      throw new ModelArgumentError(`size=${args.get('size')}: must be a whole number of ${arch.pageSize}-byte pages`);
    const shift = Number(parseCount(args.get('shift') ?? '0', 'shift'));
    if (shift > 30) throw new ModelArgumentError(`shift=${shift}: at most 30`);
    const flag = (name: string, text: string | undefined, dflt: string): boolean => {
      const v = text ?? dflt;
      if (v !== '0' && v !== '1') throw new ModelArgumentError(`${name}=${v}: 0 or 1`);
      return v === '1';
    };
    const features = new Set<string>();
    if (flag('pse', args.get('pse'), '1')) features.add('pse');
    if (flag('edat1', args.get('edat1'), '1')) features.add('edat1');
    const levels = Number(parseCount(args.get('levels') ?? '3', 'levels'));
    if (levels === 2) features.add('2-level');
    const result = runVmemmap({ arch, size, shift: shift || null, altmap: flag('altmap', args.get('altmap'), '0'), features });
    return {
      text: [
        explainVmemmap(result),
        '',
        'One section of every architecture, without a pgmap and with a pgmap of 2 MiB compound pages:',
        '',
        archTable(arch.id),
      ].join('\n'),
      svg: vmemmapPicture(result),
      data: json({ ...result, input: { ...result.input, arch: arch.id, features: [...features] } }),
    };
  },
  hover,
};
