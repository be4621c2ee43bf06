/**
 * The guest_memfd binding model. Expected values are worked out by hand from the thread of seed 000:
 * Chenyi's corrected lpage_info listing for base_gfn 2 and 8 MiB ([8 KiB, 2 MiB) disallowed, three
 * allowed 2 MiB ranges, [8 MiB, 8 MiB + 8 KiB) disallowed) and Yan's example (GPA 4 MiB and 4 MiB + 16 KiB
 * under one 2 MiB mapping, in two folios).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Expr } from '../../server/src/core/c/syntax/ast';
import { readSnippet } from '../../server/src/core/c/syntax/snippet-reader';
import { loadParser } from '../../server/src/host/grammar';
import {
  alignedIndexRule,
  checkGrid,
  evaluateCheck,
  explainAlignment,
  formatBytes,
  hpagesOf,
  runGmemAlignment,
  SZ_1G,
  SZ_2M,
  type BindingCheck,
} from '../../server/src/core/models/gmem-alignment/gmem-alignment';

const MiB = 256n; // pages

test("the thread's example: lpage_info ranges, folios, and the three mappings that span two folios", () => {
  const r = runGmemAlignment({ baseGfn: 2n, npages: 2048n, pgoff: 0n, hpage: SZ_2M }, { probe: [4n * MiB, 4n * MiB + 4n] });
  assert.deepEqual(
    r.lpage.map((l) => [l.index, l.start, l.end, l.allowed]),
    [
      [0, 2n, 512n, false],
      [1, 512n, 1024n, true],
      [2, 1024n, 1536n, true],
      [3, 1536n, 2048n, true],
      [4, 2048n, 2050n, false],
    ],
  );
  // index = gfn - 2: folio k holds GFNs [2 + 512k, 514 + 512k).
  assert.deepEqual(
    r.folios.map((f) => [f.alignedIndex, f.start, f.end]),
    [
      [0n, 2n, 514n],
      [512n, 514n, 1026n],
      [1024n, 1026n, 1538n],
      [1536n, 1538n, 2050n],
    ],
  );
  assert.equal(r.broken, true);
  assert.deepEqual(
    r.splits.map((s) => [s.range.start, s.first.alignedIndex, s.second.alignedIndex, s.gfns[1]]),
    [
      [512n, 0n, 512n, 514n],
      [1024n, 512n, 1024n, 1026n],
      [1536n, 1024n, 1536n, 1538n],
    ],
  );
  // GPA 4 MiB (GFN 1024) and 4 MiB + 16 KiB (GFN 1028): one allowed range, folios 512 and 1024.
  assert.deepEqual(
    r.probes.map((p) => [p.gfn, p.lpage?.index, p.lpage?.allowed, p.index, p.alignedIndex]),
    [
      [1024n, 2, true, 1022n, 512n],
      [1028n, 2, true, 1026n, 1024n],
    ],
  );
  // Folio 512 backs parts of the mappings at 2 MiB and 4 MiB: Yan's second example.
  assert.deepEqual(r.shared.map((s) => [s.folio.alignedIndex, s.mappings[0].start, s.mappings[1].start]).slice(0, 1), [[512n, 512n, 1024n]]);
  const md = explainAlignment(r);
  assert.match(md, /\| 0 \| \[2, 512\) \| \[8 KiB, 2 MiB\) \| disallowed \|/);
  assert.match(md, /\| 4 \| \[2048, 2050\) \| \[8 MiB, 8 MiB \+ 8 KiB\) \| disallowed \|/);
  assert.match(md, /GPA 4 MiB \(GFN 1024\) and GPA 4 MiB \+ 8 KiB \(GFN 1026\) are mapped by one 2 MiB mapping/);
  assert.match(
    md,
    /GPA 4 MiB and GPA 4 MiB \+ 16 KiB share one allowed huge mapping \(`lpage_info\[2M\]\[2\]`\) but sit in two folios \(aligned_index 512 and 1024\)/,
  );
});

test('sound bindings: GFN and file offset equally misaligned, or both aligned; a slot too small for a huge mapping', () => {
  for (const [baseGfn, pgoff] of [
    [2n, 2n],
    [512n, 0n],
    [514n, 1026n],
    [0x100000n, 0x80000n], // the thread's pc.ram above 4G: base_gfn 4 GiB, offset 2 GiB
  ]) {
    const r = runGmemAlignment({ baseGfn, npages: 4096n, pgoff, hpage: SZ_2M });
    assert.equal(r.broken, false, `base_gfn ${baseGfn}, pgoff ${pgoff}`);
    assert.ok(r.lpage.some((l) => l.allowed));
  }
  const tiny = runGmemAlignment({ baseGfn: 2n, npages: 600n, pgoff: 0n, hpage: SZ_2M });
  assert.equal(tiny.lpage.filter((l) => l.allowed).length, 0);
  assert.equal(tiny.broken, false);
  assert.match(explainAlignment(tiny), /No huge mapping is allowed in this slot/);
});

test('1 GiB pages: a misalignment of one 2 MiB page splits every 1 GiB mapping', () => {
  const H = SZ_1G >> 12n;
  const r = runGmemAlignment({ baseGfn: 512n, npages: 4n * H, pgoff: 0n, hpage: SZ_1G });
  assert.equal(r.lpage.filter((l) => l.allowed).length, 3);
  assert.equal(r.splits.length, 3);
  // The first allowed range is [H, 2H); index = gfn - 512 reaches H, the next folio, at gfn H + 512.
  assert.deepEqual([r.splits[0].range.start, r.splits[0].gfns[1]], [H, H + 512n]);
});

test('the folio rule as the code writes it is run, and agrees with round_down', async () => {
  const parser = await loadParser();
  const rhs = (code: string): Expr => {
    const stmt = readSnippet(parser, code)![0];
    assert.ok(stmt.kind === 'expr' && stmt.expression.kind === 'assign', code);
    return stmt.expression.right;
  };
  for (const code of [
    'x = round_down(index, nr_pages);',
    'x = ALIGN_DOWN(index, nr_pages);',
    'x = index & ~(nr_pages - 1);',
    'x = round_down(index, pages_per_huge_page(h));',
  ]) {
    const rule = alignedIndexRule(rhs(code));
    assert.ok(rule, code);
    assert.equal(rule.compute(1022n, 512n), 512n, code);
    assert.equal(rule.compute(1024n, 512n), 1024n, code);
  }
  const r = runGmemAlignment(
    { baseGfn: 2n, npages: 2048n, pgoff: 0n, hpage: SZ_2M },
    { alignedIndex: alignedIndexRule(rhs('x = round_down(index, nr_pages);'))! },
  );
  assert.equal(r.folioRule, 'round_down(index, nr_pages)');
  assert.deepEqual(
    r.folios.map((f) => f.alignedIndex),
    [0n, 512n, 1024n, 1536n],
  );
});

async function check(code: string, acceptsWhen = true): Promise<BindingCheck> {
  const stmts = readSnippet(await loadParser(), code)!;
  const last = stmts[stmts.length - 1];
  if (last.kind === 'expr') return { setup: stmts.slice(0, -1), condition: last.expression, acceptsWhen };
  if (last.kind === 'if') return { setup: stmts.slice(0, -1), condition: last.condition, acceptsWhen: false };
  throw new Error('no check');
}

test("Vishal's check is sound on the whole grid, for 2 MiB and 1 GiB pages", async () => {
  const v = evaluateCheck(await check('(offset & ~huge_page_mask(h)) == ((slot->base_gfn << PAGE_SHIFT) & ~huge_page_mask(h));'));
  assert.equal(v.sound, true);
  assert.equal(v.cases.length, 72);
  assert.equal(v.undecided.length, 0);
  assert.ok(v.cases.some((c) => c.broken) && v.cases.some((c) => !c.broken), 'the grid has both kinds');
});

test("Ackerley's rewrite accepts base_gfn 2, pgoff 0 (broken) and rejects base_gfn 512, pgoff 0 (sound)", async () => {
  const text =
    'page_size = SZ_2M;\npage_mask = ~(page_size - 1);\noffset_within_page = slot->gmem.pgoff & page_mask;\ngfn_within_page = (slot->base_gfn << PAGE_SHIFT) & page_mask;\noffset_within_page == gfn_within_page;';
  const v = evaluateCheck(await check(text), hpagesOf([text]));
  assert.deepEqual(v.hpages, [SZ_2M], 'SZ_2M: the check is meant for 2 MiB pages');
  assert.equal(v.sound, false);
  const first = v.acceptsBroken[0];
  assert.deepEqual([first.binding.baseGfn, first.binding.pgoff, first.broken, first.accepts], [2n, 0n, true, true]);
  assert.deepEqual(first.values, [
    ['offset_within_page', 0n],
    ['gfn_within_page', 0n],
  ]);
  assert.ok(v.rejectsSound.some((c) => c.binding.baseGfn === 512n && c.binding.pgoff === 0n));
});

test('checks written as a rejection, too strict, or over names the model does not know', async () => {
  const aligned = evaluateCheck(await check('if (!IS_ALIGNED(slot->base_gfn - (offset >> PAGE_SHIFT), pages_per_huge_page(h)))\n\treturn -EINVAL;'));
  assert.equal(aligned.sound, true);
  const strict = evaluateCheck(
    await check('if (!IS_ALIGNED(slot->base_gfn, pages_per_huge_page(h)) || !IS_ALIGNED(pgoff, pages_per_huge_page(h)))\n\treturn -EINVAL;'),
  );
  assert.equal(strict.sound, false);
  assert.equal(strict.acceptsBroken.length, 0);
  assert.ok(strict.rejectsSound.length > 0);
  const unknown = evaluateCheck(await check('gfn_offset(slot) == file_offset(gmem);'));
  assert.equal(unknown.sound, null);
  assert.match(unknown.undecided[0].reason ?? '', /does not know/);
});

test('the grid and sizes', () => {
  const grid = checkGrid([SZ_2M]);
  assert.equal(grid.length, 36);
  assert.deepEqual([...new Set(grid.map((b) => b.baseGfn))], [0n, 2n, 256n, 512n, 514n, 768n]);
  assert.ok(grid.every((b) => b.npages === 2048n));
  assert.deepEqual(hpagesOf(['x == y']), [SZ_2M, SZ_1G]);
  assert.deepEqual(hpagesOf(['PUD_SIZE']), [SZ_1G]);
  assert.equal(formatBytes((4n << 20n) + (16n << 10n)), '4 MiB + 16 KiB');
  assert.equal(formatBytes(SZ_1G + 8192n), '1 GiB + 8 KiB');
});
