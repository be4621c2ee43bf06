/**
 * Units and masks read from C: table-driven cases written for the test. Each snippet is parsed as a
 * mail snippet would be; the last statement's expression is the one asked about, the ones before it
 * are the simple assignments it may be read through.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { exprText, type Expr } from '../../server/src/core/c/syntax/ast';
import { readSnippet } from '../../server/src/core/c/syntax/snippet-reader';
import {
  maskOf,
  mayMisuseMask,
  mayMixUnits,
  meansOffsetWithin,
  quantityOf,
  unitClashAt,
  walkDefinitions,
  type Definitions,
} from '../../server/src/core/c/analysis/quantities';
import { loadParser } from '../../server/src/host/grammar';

/** The last expression of `code` and the definitions in force there. */
async function lastExpr(code: string): Promise<{ e: Expr; defs: Definitions }> {
  const stmts = readSnippet(await loadParser(), code);
  assert.ok(stmts, `parses: ${code}`);
  let last: { e: Expr; defs: Definitions } | null = null;
  walkDefinitions(stmts, new Map(), 0, (v) => (last = { e: v.expr, defs: v.defs }));
  assert.ok(last);
  return last;
}

test('units: pages by name or by shifting down, bytes by shifting up, sizes and size helpers', async () => {
  const cases: [string, 'pages' | 'bytes' | null, string | null][] = [
    ['x = slot->gmem.pgoff;', 'pages', 'slot->gmem.pgoff'],
    ['x = slot->base_gfn;', 'pages', 'slot->base_gfn'],
    ['x = nr_pages;', 'pages', 'nr_pages'],
    ['x = index;', 'pages', 'index'],
    ['x = slot->base_gfn << PAGE_SHIFT;', 'bytes', 'slot->base_gfn << PAGE_SHIFT'],
    ['x = offset >> PAGE_SHIFT;', 'pages', 'offset >> PAGE_SHIFT'],
    ['x = npages * PAGE_SIZE;', 'bytes', 'npages * PAGE_SIZE'],
    ['x = PAGE_SIZE * 2;', 'bytes', 'PAGE_SIZE * 2'],
    ['x = SZ_2M;', 'bytes', 'SZ_2M'],
    ['x = huge_page_size(h);', 'bytes', 'huge_page_size(h)'],
    ['x = pages_per_huge_page(h);', 'pages', 'pages_per_huge_page(h)'],
    ['x = 1UL << huge_page_order(h);', 'pages', '1UL << huge_page_order(h)'],
    ['x = gfn - slot->base_gfn + slot->gmem.pgoff;', 'pages', 'gfn'],
    ['x = round_down(index, nr_pages);', 'pages', 'index'],
    ['x = (unsigned long)pgoff & ~(SZ_2M - 1);', 'pages', 'pgoff'],
    ['x = npages * 2;', 'pages', 'npages'],
    // Names that do not say their unit stay unknown; so do mixtures.
    ['x = offset;', null, null],
    ['x = size;', null, null],
    ['x = npages * sizeof(struct page);', null, null],
    ['x = pgoff + (gfn << PAGE_SHIFT);', null, null],
  ];
  for (const [code, unit, source] of cases) {
    const { e, defs } = await lastExpr(code);
    const q = quantityOf(e, defs);
    assert.equal(q?.unit ?? null, unit, code);
    assert.equal(q ? exprText(q.source) : null, source, code);
  }
});

test('units are followed through simple assignments, not out of branches', async () => {
  let r = await lastExpr('a = slot->gmem.pgoff & page_mask;\nb = a;\nx = b;');
  const q = quantityOf(r.e, r.defs);
  assert.equal(q?.unit, 'pages');
  assert.deepEqual(
    q?.via.map((d) => d.name),
    ['b', 'a'],
  );
  r = await lastExpr('if (c)\n\ta = slot->base_gfn << PAGE_SHIFT;\nx = a;');
  assert.equal(quantityOf(r.e, r.defs), null, 'an assignment inside a branch does not define');
  r = await lastExpr('a = a + 1;\nx = a;');
  assert.equal(quantityOf(r.e, r.defs), null, 'a self-reference ends');
});

test('clashes: comparisons and sums of pages with bytes; none once converted', async () => {
  const clash = ['slot->gmem.pgoff == slot->base_gfn << PAGE_SHIFT;', 'index + PAGE_SIZE;', 'nr_pages < SZ_2M;', 'a = pgoff;\nb = gfn << PAGE_SHIFT;\na != b;'];
  const fine = [
    '(slot->gmem.pgoff << PAGE_SHIFT) == (slot->base_gfn << PAGE_SHIFT);',
    'gfn + npages > end_gfn;',
    'offset == slot->base_gfn << PAGE_SHIFT;',
    '(index << PAGE_SHIFT) + PAGE_SIZE;',
    'size >> PAGE_SHIFT == npages;',
  ];
  for (const code of clash) {
    const { e, defs } = await lastExpr(code);
    assert.ok(unitClashAt(e, defs), code);
  }
  for (const code of fine) {
    const { e, defs } = await lastExpr(code);
    assert.equal(unitClashAt(e, defs), null, code);
  }
});

test('masks: what each keeps, through the names it is built from', async () => {
  const cases: [string, 'aligning' | 'offset' | null, string | null][] = [
    ['x = ~(page_size - 1);', 'aligning', '~(page_size - 1)'],
    ['x = page_size - 1;', 'offset', 'page_size - 1'],
    ['x = huge_page_mask(h);', 'aligning', 'huge_page_mask(h)'],
    ['x = ~huge_page_mask(h);', 'offset', '~huge_page_mask(h)'],
    ['x = PAGE_MASK;', 'aligning', 'PAGE_MASK'],
    ['x = ~PAGE_MASK;', 'offset', '~PAGE_MASK'],
    ['x = PMD_MASK;', 'aligning', 'PMD_MASK'],
    ['x = -size;', 'aligning', '-size'],
    ['x = (1UL << order) - 1;', 'offset', '(1UL << order) - 1'],
    ['page_size = SZ_2M;\npage_mask = ~(page_size - 1);\nx = page_mask;', 'aligning', '~(page_size - 1)'],
    ['m = ~(SZ_2M - 1);\nx = ~m;', 'offset', '~m'],
    ['x = flags;', null, null],
    ['x = 0xff;', null, null],
  ];
  for (const [code, kind, shape] of cases) {
    const { e, defs } = await lastExpr(code);
    const m = maskOf(e, defs);
    assert.equal(m?.kind ?? null, kind, code);
    assert.equal(m?.shape ?? null, shape, code);
  }
});

test('names that mean an offset within a page', () => {
  for (const n of ['offset_within_page', 'gfn_within_page', 'offset', 'off', 'addr_in_page', 'gpa_offset', 'offset_in_folio'])
    assert.equal(meansOffsetWithin(n), true, n);
  for (const n of ['page_offset', 'folio_offset', 'aligned_offset', 'start', 'base', 'offset_start', 'pgoff', 'index', 'file_offset', 'round_down_off'])
    assert.equal(meansOffsetWithin(n), false, n);
});

test('text prefilters: accept what the unit and mask readers could report, skip the common kernel lines that cannot', () => {
  const mixes: [string, boolean][] = [
    ['if (slot->gmem.pgoff != (slot->base_gfn << PAGE_SHIFT))', true],
    ['end = index + folio_size(folio);', true],
    ['if (npages > SZ_2M)', true],
    ['x = (addr >> PAGE_SHIFT) + PAGE_SIZE;', true],
    // Bytes only: an address plus a shifted count, the common line.
    ['err = commit(ctx, addr + (idx << PAGE_SHIFT), flags & ~VM_LOCKED);', false],
    // Pages only.
    ['pgoff = index + npages;', false],
  ];
  for (const [text, expected] of mixes) assert.equal(mayMixUnits(text), expected, text);
  const masks: [string, boolean][] = [
    ['offset_within_page = slot->gmem.pgoff & page_mask; page_mask = ~(page_size - 1);', true],
    ['off = addr & PAGE_MASK;', true],
    ['if ((gpa & huge_page_mask(h)) == off)', true],
    ['start = addr & -size; if (start == end)', true],
    // A flag cleared, nothing named as an offset.
    ['flags = flags & ~VM_LOCKED; nr = nr - 1;', false],
    // An aligning mask but no offset to misuse it for.
    ['start = addr & PAGE_MASK;', false],
    ['if (a && b)', false],
  ];
  for (const [text, expected] of masks) assert.equal(mayMisuseMask(text), expected, text);
});
