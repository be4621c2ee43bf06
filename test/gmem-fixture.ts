/**
 * @file Written guest_memfd patches (modelled on the shape of the hugetlb support series, not copied):
 * a folio lookup that rounds the file index down to a huge page, and kvm_gmem_bind() with or without a
 * binding check. Also a reply that quotes such a patch and writes checks into its prose.
 */
import { mark, patchMail } from './helpers';

/** The folio lookup; `rounding` is how the aligned index is computed. */
export function folioHunk(rounding = 'round_down(index, nr_pages)'): { start: number; section: string; lines: string[] } {
  return {
    start: 120,
    section: 'static struct folio *kvm_gmem_get_folio(struct inode *inode, pgoff_t index)',
    lines: [
      ...mark(' ', '\treturn kvm_gmem_get_shared_folio(inode, index);\n}\n'),
      ...mark(
        '+',
        `static struct folio *kvm_gmem_hugetlb_get_folio(struct inode *inode, pgoff_t index)
{
	struct kvm_gmem_hugetlb *hgmem = kvm_gmem_hgmem(inode);
	unsigned long nr_pages = pages_per_huge_page(hgmem->h);
	pgoff_t aligned_index;

	aligned_index = ${rounding};
	return kvm_gmem_hugetlb_alloc_folio(hgmem->h, hgmem->spool, aligned_index);
}
`,
      ),
      ...mark(' ', 'static int kvm_gmem_prepare_folio(struct kvm *kvm, struct folio *folio)'),
    ],
  };
}

/** kvm_gmem_bind() with `check` (a condition that rejects the binding) added, or nothing added. */
export function bindHunk(check: string | null): { start: number; section: string; lines: string[] } {
  return {
    start: 610,
    section: 'int kvm_gmem_bind(struct kvm *kvm, struct kvm_memory_slot *slot,',
    lines: [
      ...mark(
        ' ',
        `	if (offset < 0 || !PAGE_ALIGNED(offset) ||
	    offset + size > i_size_read(inode))
		goto err;
`,
      ),
      ...(check
        ? mark(
            '+',
            `	if (kvm_gmem_has_hugetlb(inode) &&
	    ${check})
		goto err;
`,
          )
        : []),
      ...mark(
        ' ',
        `	filemap_invalidate_lock(inode->i_mapping);

	start = offset >> PAGE_SHIFT;
	end = start + slot->npages;`,
      ),
    ],
  };
}

export function gmemPatch(options: { check?: string | null; rounding?: string; path?: string } = {}): string {
  const path = options.path ?? 'virt/kvm/guest_memfd.c';
  return patchMail('KVM: guest_memfd: allocate huge folios from hugetlb', [{ path, hunks: [folioHunk(options.rounding), bindHunk(options.check ?? null)] }]);
}

/** Binding checks as a patch might write them, each a condition under which binding fails. */
export const CHECKS = {
  /** Rejects when the offsets within a huge page differ: sound. */
  soundMask: '(offset & ~huge_page_mask(h)) != ((slot->base_gfn << PAGE_SHIFT) & ~huge_page_mask(h))',
  /** The same, with IS_ALIGNED on the difference in pages: sound. */
  soundAligned: '!IS_ALIGNED(slot->base_gfn - (offset >> PAGE_SHIFT), pages_per_huge_page(h))',
  /** Keeps the aligned parts, and compares pages with bytes: accepts base_gfn 2, pgoff 0. */
  broken: '(slot->gmem.pgoff & ~(SZ_2M - 1)) != ((slot->base_gfn << PAGE_SHIFT) & ~(SZ_2M - 1))',
  /** Requires both to be huge-page aligned: rejects sound bindings, accepts no broken one. */
  tooStrict: '(!IS_ALIGNED(slot->base_gfn, pages_per_huge_page(h)) || !IS_ALIGNED(offset >> PAGE_SHIFT, pages_per_huge_page(h)))',
};

/**
 * A reply that quotes the folio lookup (markers kept, no headers) and writes two checks in its prose:
 * `good` first (quoted from an earlier mail), then the author's own rewrite over several lines.
 */
export function gmemReply(rewrite: string[]): string {
  return [
    'From: Reviewer <reviewer@example.org>',
    'Subject: Re: [RFC PATCH 12/20] KVM: guest_memfd: allocate huge folios from hugetlb',
    '',
    'Developer <dev@example.org> writes:',
    '> On Mon, Jan 12, 2026 at 10:00:00AM +0000, Developer wrote:',
    '>> +static struct folio *kvm_gmem_hugetlb_get_folio(struct inode *inode, pgoff_t index)',
    '>> +{',
    '>> + struct kvm_gmem_hugetlb *hgmem = kvm_gmem_hgmem(inode);',
    '>> + unsigned long nr_pages = pages_per_huge_page(hgmem->h);',
    '>> + pgoff_t aligned_index;',
    '>> +',
    '>> + aligned_index = round_down(index, nr_pages);',
    '> The GFN and the file offset can be misaligned differently, so binding',
    '> has to compare them:',
    '>',
    '> (offset & ~huge_page_mask(h)) == ((slot->base_gfn << PAGE_SHIFT) &',
    '> ~huge_page_mask(h));',
    '>',
    'Agreed. With the numbers of our example, in code:',
    ...rewrite,
    'That is what the next version will enforce at binding time, with a',
    'selftest for a slot at GPA 8 KiB -> 2 MiB + 8 KiB.',
    '',
  ].join('\n');
}
