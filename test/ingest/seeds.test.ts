/**
 * Acceptance: the five real list messages as they are. Expected values were read off the raw mails by
 * hand; the diffstat that git wrote into each mail is an independent check on every line's kind.
 */
import * as assert from 'node:assert/strict';
import { ingest, type FileDiff, type Series } from '../../server/src/core/ingest';
import { readSeed, seedNames, seedTest } from '../helpers';
import { assertSegmentsMatch } from './ingest.test';

const count = (f: FileDiff, kind: 'add' | 'remove'): number => f.hunks.reduce((n, h) => n + h.lines.filter((l) => l.kind === kind).length, 0);

/** The mail's own diffstat (`path | N ++--`, `k files changed, a insertions(+), d deletions(-)`). */
function diffstat(text: string): { perFile: Map<string, number>; insertions: number; deletions: number } {
  const perFile = new Map<string, number>();
  for (const m of text.matchAll(/^[> ]*(\S+\/\S+)\s+\|\s+(\d+) [+-]+$/gm)) perFile.set(m[1], Number(m[2]));
  const total = /(\d+) files? changed, (\d+) insertions?\(\+\), (\d+) deletions?\(-\)/.exec(text);
  assert.ok(total, 'the mail has a diffstat');
  return { perFile, insertions: Number(total[2]), deletions: Number(total[3]) };
}

function assertMatchesDiffstat(series: Series, text: string): void {
  const stat = diffstat(text);
  const files = series.patches.flatMap((p) => p.files);
  assert.equal(
    files.reduce((n, f) => n + count(f, 'add'), 0),
    stat.insertions,
    'insertions',
  );
  assert.equal(
    files.reduce((n, f) => n + count(f, 'remove'), 0),
    stat.deletions,
    'deletions',
  );
  for (const f of files) {
    const listed = [...stat.perFile.entries()].find(([p]) => (f.newPath ?? '').endsWith(p.replace(/^\.\.\.\//, '')));
    if (listed) assert.equal(count(f, 'add') + count(f, 'remove'), listed[1], f.newPath ?? '');
  }
  for (const h of files.flatMap((f) => f.hunks)) {
    assert.equal(h.lines.filter((l) => l.kind !== 'add').length, h.oldLines, `old count of hunk at line ${h.headerLine + 1}`);
    assert.equal(h.lines.filter((l) => l.kind !== 'remove').length, h.newLines, `new count of hunk at line ${h.headerLine + 1}`);
  }
}

seedTest('all five seeds ingest without problems and every segment maps back exactly', () => {
  assert.equal(seedNames().length, 5);
  for (const name of seedNames()) {
    const s = ingest(readSeed(name.slice(0, 3)));
    assert.deepEqual(s.problems, [], name);
    assertSegmentsMatch(s);
  }
});

seedTest('seed 002 (format-patch with all indentation and blank lines lost): 12 files, diffstat exact', () => {
  const text = readSeed('002');
  const s = ingest(text);
  assert.equal(s.patches.length, 1);
  const p = s.patches[0];
  assert.equal(p.subject, '[PATCH 04/49] mm/sparse: add a @pgmap parameter to arch vmemmap_populate()');
  assert.deepEqual(p.number, { n: 4, total: 49 });
  assert.equal(p.from, 'Muchun Song <songmuchun@bytedance.com>');
  assert.equal(p.messageId, '20260405125240.2558577-5-songmuchun@bytedance.com');
  assert.equal(p.quoteDepth, 0);
  assert.deepEqual(
    p.files.map((f) => f.newPath),
    [
      'arch/arm64/mm/mmu.c',
      'arch/loongarch/mm/init.c',
      'arch/powerpc/include/asm/book3s/64/radix.h',
      'arch/powerpc/mm/book3s64/radix_pgtable.c',
      'arch/powerpc/mm/init_64.c',
      'arch/riscv/mm/init.c',
      'arch/s390/mm/vmem.c',
      'arch/sparc/mm/init_64.c',
      'arch/x86/mm/init_64.c',
      'include/linux/mm.h',
      'mm/hugetlb_vmemmap.c',
      'mm/sparse-vmemmap.c',
    ],
  );
  assert.deepEqual([p.files[0].oldIndex, p.files[0].newIndex], ['dc8a8281888c', '86162aab5185']);
  assertMatchesDiffstat(s, text);
  // The signature and the archive footer stay out: the last hunk ends on `return NULL;` (line 291).
  const lastHunk = p.files[11].hunks[p.files[11].hunks.length - 1];
  const lastReal = lastHunk.lines.filter((l) => !l.restored).pop();
  assert.deepEqual([lastReal?.docLine, lastReal?.text], [290, 'return NULL;']);
  assert.equal(s.messages[0].footerStart, 293); // 0-based: 'next prev parent reply' is line 294
  // arm64's hunk: the blank line after `}` is restored before the definition, which starts at file line 1762.
  const arm = p.files[0].hunks[0];
  assert.deepEqual(
    arm.lines.slice(0, 3).map((l) => [l.restored, l.oldLine]),
    [
      [false, 1760],
      [true, 1761],
      [false, 1762],
    ],
  );
});

seedTest('seed 001 (Outlook reply quoting a patch two deep, wrapped lines): rejoined, diffstat exact', () => {
  const text = readSeed('001');
  const s = ingest(text);
  assert.equal(s.patches.length, 1);
  const p = s.patches[0];
  assert.equal(p.quoteDepth, 2);
  assert.deepEqual(p.number, { n: 10, total: 13 });
  assert.deepEqual(
    p.files.map((f) => f.newPath),
    ['mm/swap.h', 'mm/zswap.c'],
  );
  assertMatchesDiffstat(s, text);
  const hunks = p.files[1].hunks;
  const prepare = hunks.find((h) => h.headerLine === 163);
  assert.equal(prepare?.section, 'static int zswap_cpu_comp_prepare(unsigned int cpu, struct hlist_node *node)');
  const lineAt = (docLine: number) => hunks.flatMap((h) => h.lines).find((l) => l.docLine === docLine);
  // `> > -` / `> BUG_ON(...req),` / `> &acomp_ctx->wait));` is one removed line.
  const bug = lineAt(353);
  assert.equal(bug?.kind, 'remove');
  assert.equal(bug?.text, 'BUG_ON(crypto_wait_req(crypto_acomp_decompress(acomp_ctx->req), &acomp_ctx->wait));');
  assert.deepEqual(
    bug?.segments.map((g) => g.docLine),
    [353, 354, 355],
  );
  // `entry-` / `> >length, PAGE_SIZE);`: the wrap ate the `-` of `->`'s partner.
  assert.equal(lineAt(338)?.text, ' acomp_request_set_params(acomp_ctx->req, &input, &output, entry->length, PAGE_SIZE);');
  assert.equal(lineAt(311)?.text, ' comp_ret = crypto_wait_req(crypto_acomp_compress(acomp_ctx->req), &acomp_ctx->wait);');
});

seedTest('seed 004 (review comments inside the quoted hunks): comments skipped, hunks resume, diffstat exact', () => {
  const text = readSeed('004');
  const s = ingest(text);
  const p = s.patches[0];
  assert.equal(p.quoteDepth, 2);
  assert.equal(p.files.length, 6);
  assertMatchesDiffstat(s, text);
  const docLines = new Set(p.files.flatMap((f) => f.hunks.flatMap((h) => h.lines.map((l) => l.docLine))));
  for (let line = 70; line <= 79; line++) assert.ok(!docLines.has(line), `comment line ${line + 1} is not part of a hunk`);
  assert.ok(!docLines.has(177), "Matthew Brost's struct suggestion is not part of a hunk");
  const types = p.files[1].hunks[0];
  const closing = types.lines.find((l) => l.docLine === 192);
  assert.deepEqual([closing?.kind, closing?.text, closing?.newLine], ['context', '};', 135]);
});

seedTest('seed 000 (a thread quoting a function ten levels deep, no headers): one fragment, no patch', () => {
  const s = ingest(readSeed('000'));
  assert.equal(s.patches.length, 0);
  assert.equal(s.fragments.length, 1);
  const f = s.fragments[0];
  assert.deepEqual([f.line + 1, f.endLine + 1, f.quoteDepth], [39, 58, 10]);
  assert.ok(f.text.startsWith('/*\n * Allocates and then caches a folio'));
  assert.ok(f.text.endsWith(' aligned_index = round_down(index, nr_pages);'));
});

seedTest('seed 003 (prose discussion, one prose line starting with `+`): nothing taken for code', () => {
  const s = ingest(readSeed('003'));
  assert.deepEqual([s.patches.length, s.fragments.length, s.problems.length], [0, 0, 0]);
});
