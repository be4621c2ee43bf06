import rule from '../../server/src/core/rules/mask-misuse';
import { lineOf, mark, patchMail, readSeed } from '../helpers';
import { gmemReply } from '../gmem-fixture';
import { runRuleTests } from './tester';

/** A patch adding a helper to mm/hugetlb_util.c whose body is `body`. */
const helper = (body: string): string =>
  patchMail('mm: add a huge page offset helper', [
    {
      path: 'mm/hugetlb_util.c',
      hunks: [
        {
          start: 40,
          lines: [
            ...mark(' ', '#include <linux/hugetlb.h>\n'),
            ...mark('+', `static unsigned long hpage_offset(struct hstate *h, unsigned long addr, unsigned long gpa)\n{\n${body}\n}`),
          ],
        },
      ],
    },
  ]);

const named = helper('\tunsigned long offset = addr & PAGE_MASK;\n\n\treturn offset;');
const hugeNamed = helper('\tunsigned long off_in_hpage = addr & huge_page_mask(h);\n\n\treturn off_in_hpage;');
const compared = helper('\treturn (addr & ~huge_page_mask(h)) == (gpa & huge_page_mask(h));');
const throughName = helper('\tunsigned long mask = ~(PMD_SIZE - 1);\n\tunsigned long offset = addr & mask;\n\n\treturn offset;');
/** Already wrong before the patch: a context line of the hunk. */
const preExisting = patchMail('mm: rename a local', [
  {
    path: 'mm/hugetlb_util.c',
    hunks: [
      {
        start: 60,
        section: 'static unsigned long hpage_off(unsigned long addr)',
        lines: [
          ...mark(' ', '\tunsigned long offset = addr & PMD_MASK;\n'),
          ...mark('-', '\treturn offset;'),
          ...mark('+', '\treturn offset + 0;'),
          ...mark(' ', '}'),
        ],
      },
    ],
  },
]);

const rewrite = [
  'page_size = SZ_2M;',
  'page_mask = ~(page_size - 1);',
  'offset_within_page = slot->gmem.pgoff & page_mask;',
  'gfn_within_page = (slot->base_gfn << PAGE_SHIFT) & page_mask;',
  'offset_within_page == gfn_within_page;',
];
const brokenReply = gmemReply(rewrite);
const soundReply = gmemReply([
  'page_mask = SZ_2M - 1;',
  'offset_within_page = (slot->gmem.pgoff << PAGE_SHIFT) & page_mask;',
  'gfn_within_page = (slot->base_gfn << PAGE_SHIFT) & page_mask;',
  'offset_within_page == gfn_within_page;',
]);

runRuleTests(rule, {
  valid: [
    { name: 'the offset kept with ~PAGE_MASK', code: helper('\tunsigned long offset = addr & ~PAGE_MASK;\n\n\treturn offset;') },
    { name: 'the offset kept with size - 1', code: helper('\tunsigned long offset = addr & (PMD_SIZE - 1);\n\n\treturn offset;') },
    { name: 'an aligned start named as one', code: helper('\tunsigned long start = addr & PAGE_MASK;\n\n\treturn start;') },
    { name: 'page_offset: the file position of a page, aligned on purpose', code: helper('\tloff_t page_offset = addr & PAGE_MASK;\n\n\treturn page_offset;') },
    { name: 'an aligned address under a plain name', code: helper('\tunsigned long base = addr & huge_page_mask(h);\n\n\treturn base;') },
    { name: 'both sides of a comparison keep the offset', code: helper('\treturn (addr & ~huge_page_mask(h)) == (gpa & ~huge_page_mask(h));') },
    { name: 'a mask the rule cannot read', code: helper('\tunsigned long offset = addr & mask_of(h);\n\n\treturn offset;') },
    { name: 'a pre-existing misuse on a context line is not introduced', code: preExisting },
    { name: 'a reply whose rewrite keeps the offsets (and the check it quotes)', code: soundReply },
  ],
  invalid: [
    {
      name: 'an offset named as one, masked with PAGE_MASK (fix: ~PAGE_MASK)',
      code: named,
      errors: [
        {
          messageId: 'alignedForOffset',
          line: lineOf(named, 'offset = addr & PAGE_MASK'),
          severity: 'error',
          includes: '`offset` is named as an offset within a page; mask with `~PAGE_MASK`',
        },
      ],
      output: named.replace('offset = addr & PAGE_MASK;', 'offset = addr & ~PAGE_MASK;'),
    },
    {
      name: 'an offset within a huge page masked with huge_page_mask()',
      code: hugeNamed,
      errors: [{ messageId: 'alignedForOffset', line: lineOf(hugeNamed, 'off_in_hpage = addr &'), includes: 'mask with `~huge_page_mask(h)`' }],
      output: hugeNamed.replace('addr & huge_page_mask(h)', 'addr & ~huge_page_mask(h)'),
    },
    {
      name: 'compared with an offset computed with the other mask',
      code: compared,
      errors: [{ messageId: 'alignedForOffset', line: lineOf(compared, 'return (addr'), includes: '`gpa & huge_page_mask(h)` keeps the page-aligned part' }],
      output: compared.replace('(gpa & huge_page_mask(h))', '(gpa & ~huge_page_mask(h))'),
    },
    {
      name: 'the mask followed through its name',
      code: throughName,
      errors: [{ messageId: 'alignedForOffset', line: lineOf(throughName, 'offset = addr & mask'), includes: '(`~(PMD_SIZE - 1)`)' }],
      output: throughName.replace('offset = addr & mask;', 'offset = addr & ~mask;'),
    },
    {
      name: 'a rewrite written into a reply: both offsets keep the aligned part',
      code: brokenReply,
      errors: [
        {
          messageId: 'alignedForOffset',
          line: lineOf(brokenReply, 'offset_within_page = slot->gmem.pgoff & page_mask;', true),
          severity: 'error',
          includes: '`slot->gmem.pgoff & page_mask` keeps the page-aligned part (`~(page_size - 1)`)',
        },
        {
          messageId: 'alignedForOffset',
          line: lineOf(brokenReply, 'gfn_within_page = (slot->base_gfn'),
          includes: '`gfn_within_page` is named as an offset within a page',
        },
      ],
    },
  ],
  seeds: () => ({
    valid: [...['001', '002', '003', '004'].map((s) => ({ name: `seed ${s}`, code: readSeed(s) }))],
    invalid: [
      {
        name: 'seed 000: the rewrite in the reply',
        code: readSeed('000'),
        errors: [
          { messageId: 'alignedForOffset', line: 173, includes: '`offset_within_page` is named as an offset within a page; mask with `~page_mask`' },
          { messageId: 'alignedForOffset', line: 174, includes: '`(slot->base_gfn << PAGE_SHIFT) & page_mask`' },
        ],
      },
    ],
  }),
});
