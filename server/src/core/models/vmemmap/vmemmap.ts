/**
 * @file The vmemmap model: how the `struct page` array of a memory range is mapped, per architecture, as
 * Linux 6.12's code does it. `__populate_section_memmap()` calls the architecture's `vmemmap_populate()`
 * once per section (or sub-section), unless the range belongs to a `pgmap` whose compound pages let the
 * generic `vmemmap_populate_compound_pages()` share the tail pages' vmemmap (the DAX optimisation:
 * `vmemmap_can_optimize()`, no altmap, more than VMEMMAP_RESERVE_NR = 2 vmemmap pages per compound page,
 * and an architecture that selects ARCH_WANT_OPTIMIZE_DAX_VMEMMAP). The rules of each architecture's own
 * `vmemmap_populate()` decide base pages or PMD (huge page) mappings.
 */
import { formatBytes } from '../bytes';

export const MODEL_ID = 'vmemmap';

/** sizeof(struct page) on every 64-bit architecture modelled (without the debug options that grow it). */
export const STRUCT_PAGE = 64;
export const VMEMMAP_RESERVE_NR = 2;

export interface VmemmapArch {
  id: string;
  pageSize: number;
  sectionBits: number;
  pmdSize: number;
  /** Selects ARCH_WANT_OPTIMIZE_DAX_VMEMMAP: compound pgmaps may share tail vmemmap pages. */
  optimizesDax: boolean;
  /** The source of the rule, as the architecture writes it. */
  rule: string;
  /** Huge (PMD) mappings for one call covering `bytes` of vmemmap, given the CPU features. */
  huge(bytes: number, sectionVmemmap: number, features: ReadonlySet<string>): boolean;
  /** CPU features that change the path, with their default. */
  features: Record<string, boolean>;
  /** What the architecture's vmemmap_populate() does after mapping, which the compound path does not. */
  after?: string;
}

const KiB = 1024;
const MiB = 1024 * KiB;

export const ARCHES: VmemmapArch[] = [
  {
    id: 'x86_64',
    pageSize: 4 * KiB,
    sectionBits: 27,
    pmdSize: 2 * MiB,
    optimizesDax: true,
    rule: 'arch/x86/mm/init_64.c: base pages when `end - start < PAGES_PER_SECTION * sizeof(struct page)` (and then altmap is dropped: NULL); huge pages when the CPU has PSE; otherwise base pages (-ENOMEM with an altmap)',
    huge: (bytes, section, f) => bytes >= section && f.has('pse'),
    features: { pse: true },
    after: '`sync_global_pgds(start, end - 1)`, which copies the new kernel page-table entries into every process',
  },
  {
    id: 'arm64',
    pageSize: 4 * KiB,
    sectionBits: 27,
    pmdSize: 2 * MiB,
    optimizesDax: false,
    rule: 'arch/arm64/mm/mmu.c: huge pages only with CONFIG_ARM64_4K_PAGES and a full section; base pages otherwise',
    huge: (bytes, section) => bytes >= section,
    features: {},
  },
  {
    id: 'arm64-16k',
    pageSize: 16 * KiB,
    sectionBits: 27,
    pmdSize: 32 * MiB,
    optimizesDax: false,
    rule: 'arch/arm64/mm/mmu.c: 16K pages are not CONFIG_ARM64_4K_PAGES: always base pages',
    huge: () => false,
    features: {},
  },
  {
    id: 'arm64-64k',
    pageSize: 64 * KiB,
    sectionBits: 29,
    pmdSize: 512 * MiB,
    optimizesDax: false,
    rule: 'arch/arm64/mm/mmu.c: 64K pages are not CONFIG_ARM64_4K_PAGES: always base pages',
    huge: () => false,
    features: {},
  },
  {
    id: 'riscv64',
    pageSize: 4 * KiB,
    sectionBits: 27,
    pmdSize: 2 * MiB,
    optimizesDax: true,
    rule: 'arch/riscv/mm/init.c: always vmemmap_populate_hugepages() (a PMD-sized block per PMD the range touches)',
    huge: () => true,
    features: {},
  },
  {
    id: 'loongarch64',
    pageSize: 16 * KiB,
    sectionBits: 29,
    pmdSize: 32 * MiB,
    optimizesDax: false,
    rule: 'arch/loongarch/mm/init.c: vmemmap_populate_hugepages() with 3 or more page-table levels (altmap dropped: NULL), base pages with 2',
    huge: (_b, _s, f) => !f.has('2-level'),
    features: { '2-level': false },
  },
  {
    id: 's390',
    pageSize: 4 * KiB,
    sectionBits: 28,
    pmdSize: MiB,
    optimizesDax: false,
    rule: 'arch/s390/mm/vmem.c: add_pagetable() maps the vmemmap with 1 MB segment frames when the machine has EDAT1, even for a sub-section (which then shares its frame); base pages without EDAT1',
    huge: (_b, _s, f) => f.has('edat1'),
    features: { edat1: true },
  },
  {
    id: 'sparc64',
    pageSize: 8 * KiB,
    sectionBits: 30,
    pmdSize: 8 * MiB,
    optimizesDax: false,
    rule: 'arch/sparc/mm/init_64.c: always PMD_SIZE blocks from vmemmap_alloc_block() (huge TTEs), for every PMD the range touches; the altmap is never used',
    huge: () => true,
    features: {},
  },
];

export const archById = (id: string): VmemmapArch | undefined => ARCHES.find((a) => a.id === id);

/** The features an architecture has unless told otherwise (x86's PSE). */
export const defaultFeatures = (arch: VmemmapArch): Set<string> =>
  new Set(
    Object.entries(arch.features)
      .filter(([, on]) => on)
      .map(([f]) => f),
  );

export interface VmemmapInput {
  arch: VmemmapArch;
  /** Bytes of memory (a whole number of pages). */
  size: number;
  /** pgmap's vmemmap_shift: compound pages of 2^shift pages; null: no pgmap (or shift 0). */
  shift: number | null;
  /** The range is populated with an altmap (device memory holding its own vmemmap). */
  altmap: boolean;
  features: ReadonlySet<string>;
}

export interface VmemmapCall {
  /** Pages of memory this call covers (a section, or what is left). */
  pages: number;
  vmemmap: number;
  path: 'compound' | 'huge' | 'base';
}

export interface VmemmapResult {
  input: VmemmapInput;
  pages: number;
  sectionSize: number;
  pagesPerSection: number;
  /** struct page bytes per full section. */
  sectionVmemmap: number;
  vmemmap: number;
  calls: VmemmapCall[];
  pmds: number;
  ptes: number;
  /** Physical memory the vmemmap uses. */
  allocated: number;
  /** Compound pages and the vmemmap pages of each (without sharing). */
  compound: { pages: number; count: number; vmemmapPages: number; optimised: boolean; why: string } | null;
  saved: number;
  /** Which function receives `pgmap`, and which drops it. */
  pgmapPaths: string[];
}

/** Runs the model: the calls `__populate_section_memmap()` makes, the path each takes, and what it maps. */
export function runVmemmap(input: VmemmapInput): VmemmapResult {
  const { arch } = input;
  const pages = Math.floor(input.size / arch.pageSize);
  const pagesPerSection = 2 ** arch.sectionBits / arch.pageSize;
  const sectionVmemmap = pagesPerSection * STRUCT_PAGE;
  const vmemmap = pages * STRUCT_PAGE;
  let compound: VmemmapResult['compound'] = null;
  let optimise = false;
  if (input.shift !== null && input.shift > 0) {
    const per = 2 ** input.shift;
    const vmemmapPages = (per * STRUCT_PAGE) / arch.pageSize;
    const why = !arch.optimizesDax
      ? `${arch.id} does not select ARCH_WANT_OPTIMIZE_DAX_VMEMMAP`
      : input.altmap
        ? 'the range has an altmap'
        : vmemmapPages <= VMEMMAP_RESERVE_NR
          ? `a compound page's struct pages fill ${vmemmapPages} vmemmap page${vmemmapPages === 1 ? '' : 's'}, not more than VMEMMAP_RESERVE_NR (2)`
          : 'vmemmap_can_optimize(): a pgmap with compound pages, no altmap, more than 2 vmemmap pages per compound page';
    optimise = arch.optimizesDax && !input.altmap && vmemmapPages > VMEMMAP_RESERVE_NR;
    compound = { pages: per, count: Math.floor(pages / per), vmemmapPages, optimised: optimise, why };
  }
  const calls: VmemmapCall[] = [];
  for (let done = 0; done < pages;) {
    const n = Math.min(pagesPerSection, pages - done);
    const bytes = n * STRUCT_PAGE;
    calls.push({ pages: n, vmemmap: bytes, path: optimise ? 'compound' : arch.huge(bytes, sectionVmemmap, input.features) ? 'huge' : 'base' });
    done += n;
  }
  let pmds = 0;
  let ptes = 0;
  let allocated = 0;
  for (const c of calls) {
    if (c.path === 'huge') {
      const n = Math.ceil(c.vmemmap / arch.pmdSize);
      pmds += n;
      allocated += n * arch.pmdSize;
    } else {
      const n = Math.ceil(c.vmemmap / arch.pageSize);
      ptes += n;
      allocated += c.path === 'base' ? n * arch.pageSize : 0;
    }
  }
  if (optimise && compound) allocated += compound.count * VMEMMAP_RESERVE_NR * arch.pageSize;
  const saved = optimise && compound ? vmemmap - compound.count * VMEMMAP_RESERVE_NR * arch.pageSize : 0;
  const pgmapPaths =
    input.shift === null
      ? ['no pgmap: `__populate_section_memmap()` calls `vmemmap_populate()` for every section']
      : optimise
        ? [
            '`vmemmap_populate_compound_pages()` receives `pgmap` (it needs `pgmap_vmemmap_nr()` to lay out each compound page)',
            `${arch.id}'s \`vmemmap_populate()\` is not called for this range (and in 6.12 takes no \`pgmap\`)${arch.after ? `, so what it does after mapping is skipped too: ${arch.after}` : ''}`,
          ]
        : [
            `\`__populate_section_memmap()\` drops \`pgmap\`: it calls ${arch.id}'s \`vmemmap_populate(start, end, nid, altmap)\`, which in 6.12 has no \`pgmap\` parameter (${compound?.why ?? ''})`,
          ];
  return {
    input,
    pages,
    sectionSize: 2 ** arch.sectionBits,
    pagesPerSection,
    sectionVmemmap,
    vmemmap,
    calls,
    pmds,
    ptes,
    allocated,
    compound,
    saved,
    pgmapPaths,
  };
}

const size = (n: number): string => formatBytes(BigInt(Math.round(n)));

export function explainVmemmap(r: VmemmapResult): string {
  const a = r.input.arch;
  const paths = new Map<string, number>();
  for (const c of r.calls) paths.set(c.path, (paths.get(c.path) ?? 0) + 1);
  const pathText = [...paths]
    .map(
      ([p, n]) =>
        `${n} × ${p === 'huge' ? 'vmemmap_populate() → PMD mappings' : p === 'base' ? 'vmemmap_populate() → base pages' : 'vmemmap_populate_compound_pages()'}`,
    )
    .join(', ');
  const lines = [
    `**vmemmap model**, ${a.id}: ${size(r.input.size)} of memory, ${size(a.pageSize)} pages, ${STRUCT_PAGE}-byte \`struct page\`, ${size(r.sectionSize)} sections (${r.pagesPerSection.toLocaleString('en-US')} pages, ${size(r.sectionVmemmap)} of \`struct page\` each), PMD ${size(a.pmdSize)}.`,
    '',
    `| | |`,
    `| --- | --- |`,
    `| pages | ${r.pages.toLocaleString('en-US')} |`,
    `| vmemmap (\`struct page\` array) | ${r.pages.toLocaleString('en-US')} × ${STRUCT_PAGE} B = ${size(r.vmemmap)} |`,
    `| populate calls | ${pathText} |`,
    `| PMD mappings | ${r.pmds.toLocaleString('en-US')} |`,
    `| PTE mappings | ${r.ptes.toLocaleString('en-US')} |`,
    `| memory the vmemmap uses | ${size(r.allocated)} |`,
  ];
  if (r.compound) {
    const c = r.compound;
    lines.push(
      `| compound pages (vmemmap_shift ${r.input.shift}) | ${c.count.toLocaleString('en-US')} of ${c.pages.toLocaleString('en-US')} pages (${size(c.pages * a.pageSize)}), each with ${c.pages.toLocaleString('en-US')} \`struct page\`s in ${c.vmemmapPages} vmemmap page${c.vmemmapPages === 1 ? '' : 's'} |`,
      `| tail vmemmap shared | ${c.optimised ? `yes: each keeps ${VMEMMAP_RESERVE_NR} vmemmap pages, the rest map the second one` : `no: ${c.why}`} |`,
      `| saved | ${c.optimised ? `${size(r.saved)} (${((100 * r.saved) / r.vmemmap).toFixed(1)} %)` : '0'} |`,
    );
  }
  lines.push('', `Path rule: ${a.rule}.`, '', ...r.pgmapPaths.map((p) => `- ${p}`));
  return lines.join('\n');
}

/** One section of every architecture, with and without a 2 MiB-compound pgmap: the hover's table. */
export function archTable(highlight: string | null): string {
  const rows = [
    '| arch | page | section | `struct page` per section | path (no pgmap) | with a pgmap of 2 MiB compound pages |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const arch of ARCHES) {
    const features = defaultFeatures(arch);
    const plain = runVmemmap({ arch, size: 2 ** arch.sectionBits, shift: null, altmap: false, features });
    const shift = Math.log2((2 * MiB) / arch.pageSize);
    const dax = runVmemmap({ arch, size: 2 ** arch.sectionBits, shift, altmap: false, features });
    const path = plain.pmds ? `${plain.pmds} PMD${plain.pmds === 1 ? '' : 's'}` : `${plain.ptes.toLocaleString('en-US')} PTEs`;
    const withPgmap = dax.compound?.optimised ? `compound pages, pgmap received; saves ${size(dax.saved)}` : `vmemmap_populate(), pgmap dropped`;
    const name = arch.id === highlight ? `**${arch.id}**` : arch.id;
    rows.push(`| ${name} | ${size(arch.pageSize)} | ${size(2 ** arch.sectionBits)} | ${size(plain.sectionVmemmap)} | ${path} | ${withPgmap} |`);
  }
  return rows.join('\n');
}
