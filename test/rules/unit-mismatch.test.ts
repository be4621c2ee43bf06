import rule from '../../server/src/core/rules/unit-mismatch';
import { lineOf, mark, patchMail, readSeed } from '../helpers';
import { gmemReply } from '../gmem-fixture';
import { runRuleTests } from './tester';

/** A patch adding a function to arch/x86/kvm/mmu/range.c whose body is `body`. */
const added = (body: string): string =>
  patchMail('KVM: x86/mmu: a range helper', [
    {
      path: 'arch/x86/kvm/mmu/range.c',
      hunks: [
        {
          start: 12,
          lines: [
            ...mark(' ', '#include "mmu.h"\n'),
            ...mark('+', `static bool gfn_in_range(struct kvm_memory_slot *slot, gfn_t gfn, struct folio *folio, struct hstate *h)\n{\n${body}\n}`),
          ],
        },
      ],
    },
  ]);

const sumMixed = added('\tgfn_t end_gfn = slot->base_gfn + SZ_2M;\n\n\treturn gfn < end_gfn;');
const compareMixed = added('\treturn gfn >= slot->base_gfn + huge_page_size(h);');
const assigned = added('\tunsigned long nr_pages = folio_size(folio);\n\n\treturn gfn < slot->base_gfn + nr_pages;');
const throughNames = added('\tu64 start = slot->base_gfn << PAGE_SHIFT;\n\tu64 first = slot->gmem.pgoff;\n\n\treturn start == first;');

const brokenReply = gmemReply([
  'page_mask = ~(SZ_2M - 1);',
  'offset_within_page = slot->gmem.pgoff & page_mask;',
  'gfn_within_page = (slot->base_gfn << PAGE_SHIFT) & page_mask;',
  'offset_within_page == gfn_within_page;',
]);

runRuleTests(rule, {
  valid: [
    { name: 'bytes converted to pages before the sum', code: added('\tgfn_t end_gfn = slot->base_gfn + (SZ_2M >> PAGE_SHIFT);\n\n\treturn gfn < end_gfn;') },
    { name: 'pages against pages', code: added('\treturn gfn >= slot->base_gfn && gfn < slot->base_gfn + slot->npages;') },
    { name: 'bytes against bytes', code: added('\treturn (gfn << PAGE_SHIFT) < (slot->base_gfn << PAGE_SHIFT) + huge_page_size(h);') },
    {
      name: 'a count of pages from a size',
      code: added('\tunsigned long nr_pages = folio_size(folio) >> PAGE_SHIFT;\n\n\treturn gfn < slot->base_gfn + nr_pages;'),
    },
    { name: 'names that do not say their unit', code: added('\tu64 size = slot->npages * PAGE_SIZE;\n\n\treturn offset + size > limit;') },
    { name: 'the file index, all in pages', code: added('\tpgoff_t index = gfn - slot->base_gfn + slot->gmem.pgoff;\n\n\treturn index < slot->npages;') },
    {
      name: "a reply comparing offsets both in bytes (Vishal's check)",
      code: gmemReply([
        'offset_within_page = (slot->gmem.pgoff << PAGE_SHIFT) & (SZ_2M - 1);',
        'gfn_within_page = (slot->base_gfn << PAGE_SHIFT) & (SZ_2M - 1);',
        'offset_within_page == gfn_within_page;',
      ]),
    },
  ],
  invalid: [
    {
      name: 'a GFN plus a size in bytes',
      code: sumMixed,
      errors: [
        {
          messageId: 'mixed',
          line: lineOf(sumMixed, 'end_gfn = slot->base_gfn + SZ_2M'),
          severity: 'error',
          includes: 'adds `slot->base_gfn`, in pages, with `SZ_2M`, in bytes',
        },
      ],
    },
    {
      name: 'a GFN compared with a base plus huge_page_size()',
      code: compareMixed,
      errors: [{ messageId: 'mixed', line: lineOf(compareMixed, 'return gfn >='), includes: '`huge_page_size(h)`, in bytes' }],
    },
    {
      name: 'a page count given a folio size in bytes',
      code: assigned,
      errors: [
        {
          messageId: 'assigned',
          line: lineOf(assigned, 'nr_pages = folio_size(folio);'),
          includes: '`nr_pages` counts pages but is given `folio_size(folio)`',
        },
      ],
    },
    {
      name: 'units followed through the names they are stored in',
      code: throughNames,
      errors: [
        {
          messageId: 'mixed',
          line: lineOf(throughNames, 'return start == first;'),
          includes: '`first` (from `slot->gmem.pgoff`), in pages, with `start` (from `slot->base_gfn << PAGE_SHIFT`), in bytes',
        },
      ],
    },
    {
      name: 'a rewrite in a reply comparing a page offset with a byte offset',
      code: brokenReply,
      errors: [
        {
          messageId: 'mixed',
          line: lineOf(brokenReply, 'offset_within_page == gfn_within_page;', true),
          includes: '`offset_within_page` (from `slot->gmem.pgoff`), in pages',
        },
      ],
    },
  ],
  seeds: () => ({
    valid: [...['001', '002', '003', '004'].map((s) => ({ name: `seed ${s}`, code: readSeed(s) }))],
    invalid: [
      {
        name: 'seed 000: the comparison after "We will enforce that"',
        code: readSeed('000'),
        errors: [
          {
            messageId: 'mixed',
            line: 176,
            severity: 'error',
            includes:
              'compares `offset_within_page` (from `slot->gmem.pgoff`), in pages, with `gfn_within_page` (from `slot->base_gfn << PAGE_SHIFT`), in bytes',
          },
        ],
      },
    ],
  }),
});
