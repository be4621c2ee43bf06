/**
 * Snippets in prose: the lexical candidates (ingest) and the parse that confirms them (the C layer).
 * Prose must never be taken for code: the lines below are the kinds of sentence reviewers write, with
 * arrows, equals signs and brackets in them; the seeds' prose is checked line by line.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ingest } from '../../server/src/core/ingest';
import { hasEnglishRun, looksLikeSnippetLine } from '../../server/src/core/ingest/snippet-candidates';
import { readSnippet } from '../../server/src/core/c/syntax/snippet-reader';
import { loadParser } from '../../server/src/host/grammar';
import { sharedEngine } from '../rules/tester';
import { readSeed, seedNames, seedTest } from '../helpers';

const CODE_LINES = [
  'page_size = SZ_2M;',
  'page_mask = ~(page_size - 1);',
  'offset_within_page = slot->gmem.pgoff & page_mask;',
  'offset_within_page == gfn_within_page;',
  '(offset & ~huge_page_mask(h)) == ((slot->base_gfn << PAGE_SHIFT) &',
  'if (drm_gem_is_imported(&bo->ttm.base))',
  'unsigned long flags;',
  'return -EINVAL;',
  'x = y; /* the value we want to keep */',
];

const PROSE_LINES = [
  'As "index = gfn - slot->base_gfn + slot->gmem.pgoff", do you mean you are going',
  'lpage_info[2M][0].disallow_lpage = 1, which is for GFN [4K, 2M+8K);',
  'selftest for a slot at GPA 8 KiB -> 2 MiB + 8 KiB.',
  'page_size is the size of the hugepage, so in our example,',
  '- one with offset 0, size 0x80000000(2G),',
  ' mm/zswap.c | 104 ++++++++++++++++++++++++++++++++++----------------',
  '---------------------------------------------------------',
  '| | | | | | | | |',
  '--',
  'Signed-off-by: A Developer <dev@example.org>',
  '[1] https://example.org/binding-must-have-same-alignment.svg',
  'We will enforce that',
];

test('lines that read as C are snippet lines; sentences, lists, diffstats and rules are not', () => {
  for (const l of CODE_LINES) assert.equal(looksLikeSnippetLine(l), true, l);
  for (const l of PROSE_LINES) assert.equal(looksLikeSnippetLine(l), false, l);
});

test('an English run is three plain words in a row, C keywords not counted as plain', () => {
  assert.equal(hasEnglishRun('do you mean you are going'), true);
  assert.equal(hasEnglishRun('unsigned long flags;'), false);
  assert.equal(hasEnglishRun('else return ret;'), false);
  assert.equal(hasEnglishRun('x = y; /* the value we want */'), false, 'a comment may be English');
  assert.equal(hasEnglishRun('pr_warn("could not map the folio here");'), false, 'so may a string');
});

const mail = (body: string[]): string => ['From: R <r@example.org>', 'Subject: Re: [PATCH] mm: something', '', ...body, ''].join('\n');

test('candidates: runs at one quote depth, wrapped expressions joined, a lone line only as a whole statement', () => {
  const text = mail([
    'I edited the snippet:',
    'page_size = SZ_2M;',
    'page_mask = ~(page_size - 1);',
    'We will enforce that',
    'offset_within_page == gfn_within_page;',
    '> (offset & ~huge_page_mask(h)) == ((slot->base_gfn << PAGE_SHIFT) &',
    '> ~huge_page_mask(h));',
    'and call kvm_gmem_bind()',
    'foo(bar)',
  ]);
  const s = ingest(text);
  assert.deepEqual(
    s.snippets.map((f) => [f.line + 1, f.endLine + 1, f.quoteDepth, f.kind]),
    [
      [5, 6, 0, 'snippet'],
      [8, 8, 0, 'snippet'],
      [9, 10, 1, 'snippet'],
    ],
  );
  // Positions map back to the document past the quote prefix.
  const quoted = s.snippets[2].lines[1];
  assert.equal(quoted.text, '~huge_page_mask(h));');
  assert.deepEqual(quoted.segments, [{ docLine: 9, docCol: 2, textStart: 0, length: quoted.text.length }]);
});

test('lines inside a diff or a quoted fragment are never snippets', () => {
  const text = mail([
    '> +\tx = y + 1;',
    '> +\tz = x << PAGE_SHIFT;',
    '',
    'diff --git a/a.c b/a.c',
    '--- a/a.c',
    '+++ b/a.c',
    '@@ -1,1 +1,1 @@',
    '-int a = 1;',
    '+int a = 2;',
  ]);
  const s = ingest(text);
  assert.equal(s.fragments.length, 1);
  assert.deepEqual(s.snippets, []);
});

test('the parse confirms a candidate only when it is error-free and does something', async () => {
  const parser = await loadParser();
  const accepted = [
    'page_size = SZ_2M;\npage_mask = ~(page_size - 1);',
    'offset_within_page == gfn_within_page;',
    'if (drm_gem_is_imported(&bo->ttm.base))\nreturn;',
    'struct {\nu32 state;\nu32 vma_count;\n} purgeable;',
  ];
  const rejected = [
    'See kvm_gmem_bind();', // a declaration of kvm_gmem_bind() returning `See`
    'lpage_info[2M][0].disallow_lpage = 1;', // 2M is no C number
    'x = 2M;',
    'Thanks;', // does nothing
    'foo(bar)', // no statement end
    'pgoff_t index;', // declares only
    'to force "slot->base_gfn == slot->gmem.pgoff" ?',
  ];
  for (const t of accepted) assert.ok(readSnippet(parser, t), t);
  for (const t of rejected) assert.equal(readSnippet(parser, t), null, t);
  // Spans are the snippet's own rows, not the wrapper's.
  const stmts = readSnippet(parser, 'a = 1;\nb = a << PAGE_SHIFT;')!;
  assert.deepEqual(
    stmts.map((s) => s.span.startRow),
    [0, 1],
  );
});

/** Every snippet the five seeds hold, read off the mails by hand: all code, no prose. */
const SEED_SNIPPETS: Record<string, [number, number][]> = {
  // Vishal's check (quoted, wrapped over two lines); Ackerley's rewrite and the comparison after "We will enforce that".
  '000': [
    [140, 141],
    [171, 174],
    [176, 176],
  ],
  '001': [],
  '002': [],
  '003': [],
  // Matt's suggestions in his review: an early return, and the counters in a sub-struct.
  '004': [
    [73, 74],
    [183, 187],
  ],
};

seedTest('the five seeds: the snippets found are exactly the code reviewers wrote into their replies', async () => {
  const engine = await sharedEngine();
  assert.equal(seedNames().length, 5);
  for (const [seed, expected] of Object.entries(SEED_SNIPPETS)) {
    const a = engine.analyze(readSeed(seed));
    assert.deepEqual(
      a.parsed!.snippets.map((s) => [s.fragment.line + 1, s.fragment.endLine + 1]),
      expected,
      `seed ${seed}`,
    );
  }
});

seedTest('the seeds: no prose line of any seed reads as a snippet line unless it is one of those snippets', () => {
  for (const [seed, expected] of Object.entries(SEED_SNIPPETS)) {
    const s = ingest(readSeed(seed));
    const inSnippet = (line: number): boolean => expected.some(([a, b]) => line >= a && line <= b);
    const candidates = s.snippets.flatMap((f) => f.lines.map((l) => l.docLine + 1));
    assert.deepEqual(
      candidates.filter((l) => !inSnippet(l)),
      [],
      `seed ${seed}: candidate lines outside the real snippets`,
    );
  }
});
