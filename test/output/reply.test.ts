/**
 * The review reply, against mails written by hand for the bundled example and for a thread modelled on
 * a real one (a patch, a reviewer's reply quoting it); and read back: a reply parses as a quote of the
 * patch with each comment under its finding's line, and a thread holding it marks those findings raised.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../../server/src/core/engine';
import { ingest } from '../../server/src/core/ingest';
import type { Finding } from '../../server/src/core/findings';
import { addToReply, commentText, composeReplies, repliesAsMbox } from '../../server/src/core/output/reply';
import { wrapText } from '../../server/src/core/output/mail-text';
import { loadParser } from '../../server/src/host/grammar';
import { addedCodePatch, aFinding, doc, readSeed, repoRoot, seedNames, seedTest } from '../helpers';
import { checkReplies } from '../../bench/reply-check';

const read = (...p: string[]): string => fs.readFileSync(path.join(repoRoot, ...p), 'utf8');
const example = read('examples', 'pgmap-series.mbox');
const expected = (name: string): string => read('test', 'output', 'expected', name);
const fixture = (name: string): string => read('test', 'output', 'fixtures', name);

async function analysed(text: string): Promise<{ series: ReturnType<Engine['analyze']>['series']; findings: Finding[] }> {
  const a = new Engine(await loadParser()).analyze(text, { findings: 'introduced' });
  return { series: a.series, findings: a.findings.filter((f) => f.origin === 'introduced') };
}

test('the example series: one reply per patch with findings, as written by hand', async () => {
  const { series, findings } = await analysed(example);
  const replies = composeReplies(series, findings);
  assert.deepEqual(
    replies.map((r) => [r.patch, r.inReplyTo, r.findings.length]),
    [
      [1, '20261102100000.1-dev@example.org', 2],
      [2, '20261102100000.2-dev@example.org', 1],
    ],
  );
  assert.equal(replies[0].text, expected('pgmap-1.eml'));
  assert.equal(replies[1].text, expected('pgmap-2.eml'));
});

test('a thread: a finding a reply already commented on is left out, and put back on request', async () => {
  const { series, findings } = await analysed(fixture('kasan-thread.mbox'));
  const raised = findings.filter((f) => f.raised);
  assert.equal(raised.length, 1);
  assert.equal(raised[0].ruleId, 'prototype-mismatch');
  assert.equal(raised[0].raised!.by, 'Reviewer One <one@example.net>');
  assert.equal(series.lines[raised[0].raised!.line], 'This one needs the gfp argument too, or riscv will not build.');
  const replies = composeReplies(series, findings, { from: 'Reviewer Two <two@example.com>' });
  assert.equal(replies.length, 1);
  assert.equal(replies[0].text, expected('kasan-thread.eml'));
  const all = composeReplies(series, findings, { from: 'Reviewer Two <two@example.com>', includeRaised: true });
  assert.deepEqual(
    all[0].findings.map((f) => f.ruleId),
    ['prototype-mismatch', 'parameter-dropped'],
  );
  // The reviewer's quote of the patch is not replied to: its lines are the patch's, replied to there.
  assert.ok(all.every((r) => r.inReplyTo === '20261102100000.1-dev@example.org'));
});

test('a reply to a message that quotes the patch quotes it once more', async () => {
  const { series, findings } = await analysed(fixture('kasan-review.eml'));
  const replies = composeReplies(series, findings, { from: 'Reviewer Two <two@example.com>' });
  assert.equal(replies.length, 1);
  assert.equal(replies[0].text, expected('kasan-review.eml'));
});

test('a reply reads back as a quote of the patch, each comment under its finding`s line', async () => {
  const { series, findings } = await analysed(example);
  for (const reply of composeReplies(series, findings)) {
    const back = ingest(reply.text);
    const lines = back.lines;
    assert.equal(back.patches.length, 1);
    assert.ok(back.patches[0].files.every((f) => f.hunks.every((h) => h.quoteDepth === 1)));
    const quoted = back.patches[0].files.flatMap((f) => f.hunks.flatMap((h) => h.lines));
    for (const f of reply.findings) {
      const comment = wrapText(commentText(f))[0];
      const at = lines.indexOf(comment);
      assert.ok(at > 0, comment);
      assert.equal(lines[at - 1], '');
      // The line above the comment is the finding's own line, read back as a line of the quoted hunk.
      const above = quoted.find((l) => l.docLine === at - 2);
      assert.ok(above, `a hunk line above ${comment}`);
      assert.equal(lines[at - 2], `> ${series.lines[f.range.end.line]}`);
    }
  }
});

test('a thread holding the reply marks what it commented on as raised, so a second reply is empty', async () => {
  const { series, findings } = await analysed(example);
  const replies = composeReplies(series, findings, { from: 'Reviewer Two <two@example.com>' });
  const thread = `${example.trimEnd()}\n\n${repliesAsMbox(replies)}`;
  const again = await analysed(thread);
  const original = again.findings.filter((f) => f.range.start.line < example.split('\n').length);
  assert.equal(original.length, findings.length);
  for (const f of original) assert.equal(f.raised?.by, 'Reviewer Two <two@example.com>', f.message);
  assert.deepEqual(composeReplies(again.series, again.findings), []);
});

test('a message without Message-ID or Date; a finding on its headers; a single cut line quoted', async () => {
  const text = doc`
    |From: Dev <dev@example.org>
    |Subject: [PATCH] mm: one
    |
    |One line of reason.
    |---
    |diff --git a/mm/a.c b/mm/a.c
    |--- a/mm/a.c
    |+++ b/mm/a.c
    |@@ -1,9 +1,9 @@
    | int a(void)
    | {
    |-\treturn 1;
    |+\treturn 2;
    | }
    | int b(void)
    | {
    | \treturn 3;
    | }
  `;
  const { series } = await analysed(text);
  const at = (line: number): Finding =>
    aFinding(line, {
      severity: 'warning',
      message: 'if `x()` fails, nothing frees `y`',
      range: { start: { line, character: 0 }, end: { line, character: 4 } },
    });

  const [reply] = composeReplies(series, [at(1), at(11), at(15)], { context: 1 });
  const body = reply.text.split('\n\n').slice(1).join('\n\n');
  assert.ok(!/^In-Reply-To:/m.test(reply.text) && !/^References:/m.test(reply.text));
  assert.equal(
    body,
    [
      // On the Subject line: said first, above the quote.
      'If x() fails, nothing frees y.',
      '',
      'Dev <dev@example.org> wrote:',
      '[...]',
      '> diff --git a/mm/a.c b/mm/a.c',
      '> --- a/mm/a.c',
      '> +++ b/mm/a.c',
      '> @@ -1,9 +1,9 @@',
      // One line between the hunk header and the first window, and one between the windows: quoted, not cut.
      '>  int a(void)',
      '>  {',
      '> -\treturn 1;',
      '',
      'If x() fails, nothing frees y.',
      '',
      '> +\treturn 2;',
      '>  }',
      '>  int b(void)',
      '>  {',
      '',
      'If x() fails, nothing frees y.',
      '',
      '>  \treturn 3;',
      '',
    ].join('\n'),
  );
});

test('in an mbox of replies a body line starting with From gets one more >', () => {
  const reply = { inReplyTo: null, subject: 'Re: x', patch: 1, findings: [], text: 'Subject: Re: x\n\nFrom here on\n>From there\n' };
  assert.equal(
    repliesAsMbox([reply, reply]),
    'From mm-review Thu Jan  1 00:00:00 1970\nSubject: Re: x\n\n>From here on\n>>From there\n\nFrom mm-review Thu Jan  1 00:00:00 1970\nSubject: Re: x\n\n>From here on\n>>From there\n',
  );
});

test('a finding a model reached carries the model`s key figure into its comment', async () => {
  // Two allocations in sequence, the second's failure forgetting the first (as in the unwind-leak tests).
  const text = addedCodePatch(
    'mm/pool: a pool with a map',
    'mm/pool.c',
    'int pool_init(struct pool *pool)\n{\n\tpool->slots = kcalloc(64, sizeof(void *), GFP_KERNEL);\n\tif (!pool->slots)\n\t\treturn -ENOMEM;\n\tpool->map = kzalloc(64, GFP_KERNEL);\n\tif (!pool->map)\n\t\tgoto free_slots;\n\treturn 0;\nfree_slots:\n\treturn -ENOMEM;\n}',
  );
  const { series, findings } = await analysed(text);
  const [reply] = composeReplies(
    series,
    findings.filter((f) => f.ruleId === 'unwind-leak'),
  );
  const comment = reply.text.split('\n\n').find((p) => p.startsWith('If kzalloc() fails'))!;
  // The path's lines are the file's (the hunk starts at line 10: the mail's line 14 is the file's 16), not
  // the reviewer's mailbox's, which mean nothing on the list.
  assert.match(
    comment.replace(/\n/g, ' '),
    /^If kzalloc\(\) fails for map, slots is never freed \(line 16 → 'goto free_slots' \(line 18\) → return \(line 21\)\)\./,
  );
  // Three runs: nothing failing, kcalloc() failing (nothing held yet), kzalloc() failing (slots held).
  assert.match(
    comment.replace(/\n/g, ' '),
    / The unwind model ran pool_init\(\) 3 times, with every allocation succeeding, then each failing in turn: 1 run leaks, 2 runs end clean\.$/,
  );
  assert.ok(comment.split('\n').every((l) => l.length <= 72));
});

test('adding a finding to a reply being written: quoted in its place, the reviewer`s words kept where they were', async () => {
  const { series, findings } = await analysed(example);
  const [riscv, x86] = findings.filter((f) => f.patch?.index === 1);
  assert.deepEqual([riscv.ruleId, x86.ruleId], ['prototype-mismatch', 'parameter-dropped']);
  const [onlyX86] = composeReplies(series, [x86]);
  // Nothing edited: the same mail as composing both at once.
  assert.equal(addToReply(onlyX86.text, series, riscv), expected('pgmap-1.eml'));
  // The reviewer rewrote the comment, added a line of their own above the quote and a sign-off.
  const edited = onlyX86.text
    .replace(
      'kasan_populate_shadow() receives gfp but does not pass it to\nkasan_populate_pgd(), which gets its other arguments (start, end, nid).',
      'gfp is dropped here; please pass it on.',
    )
    .replace(/wrote:\n/, 'wrote:\nTwo things below.\n')
    .replace(/\n$/, '\n\nThanks,\nTwo\n');
  const added = addToReply(edited, series, riscv)!;
  const body = added.slice(added.indexOf('\n\n') + 2);
  assert.equal(
    body,
    [
      'On Mon, 2 Nov 2026 10:00:01 +0100, Example Developer <dev@example.org> wrote:',
      'Two things below.',
      '[...]',
      '> diff --git a/arch/riscv/mm/kasan_init.c b/arch/riscv/mm/kasan_init.c',
      '> index 3333333..4444444 100644',
      '> --- a/arch/riscv/mm/kasan_init.c',
      '> +++ b/arch/riscv/mm/kasan_init.c',
      '> @@ -301,7 +301,7 @@ static void __init kasan_shallow_populate(void *start, void *end)',
      '>  ',
      '>  int kasan_populate_shadow(unsigned long start, unsigned long end, int nid)',
      '',
      "kasan_populate_shadow() is missing parameter 'gfp_t gfp', which the",
      'prototype changed in include/linux/kasan.h (patch 1/3) takes.',
      '',
      '>  {',
      '> -\t/* Sv39 only: a single PGD level covers the shadow. */',
      '> +\t/* Sv39 and Sv48: the PGD level covers the shadow. */',
      '[...]',
      '> diff --git a/arch/x86/mm/kasan_init_64.c b/arch/x86/mm/kasan_init_64.c',
      '> index 5555555..6666666 100644',
      '> --- a/arch/x86/mm/kasan_init_64.c',
      '> +++ b/arch/x86/mm/kasan_init_64.c',
      '> @@ -120,7 +120,8 @@ static void __init kasan_populate_p4d(p4d_t *p4d, unsigned long addr,',
      '[...]',
      '> +int kasan_populate_shadow(unsigned long start, unsigned long end, int nid,',
      '> +\t\t\t  gfp_t gfp)',
      '>  {',
      '>  \treturn kasan_populate_pgd(pgd_offset_k(start), start, end, nid);',
      '',
      'gfp is dropped here; please pass it on.',
      '',
      '>  }',
      '',
      'Thanks,',
      'Two',
      '',
    ].join('\n'),
  );
  // Added once; a finding of another patch does not belong in this reply.
  assert.equal(addToReply(added, series, riscv), added);
  const other = findings.find((f) => f.patch?.index === 2)!;
  assert.equal(addToReply(added, series, other), null);
});

test('the README shows a reply as the tool writes it', () => {
  const body = expected('pgmap-2.eml').split('\n\n').slice(1).join('\n\n');
  assert.ok(read('README.md').includes('```\n' + body + '```\n'), 'the README quotes the reply to patch 2/3 of the example whole');
});

seedTest('the seed mails: every reply comments under its finding`s quoted line', async () => {
  const parser = await loadParser();
  let comments = 0;
  for (const name of seedNames()) {
    const engine = new Engine(parser);
    const r = checkReplies(readSeed(name.slice(0, 3)), (t) => engine.analyze(t, { findings: 'introduced' }));
    assert.equal(r.underTheirLine, r.comments, name);
    comments += r.comments;
  }
  assert.ok(comments >= 5, `${comments} comments checked`);
});
