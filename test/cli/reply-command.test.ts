/** `mm-review reply` and `check --format github`, run as a user runs the built tool. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const example = path.join(repoRoot, 'examples', 'pgmap-series.mbox');
const expected = (name: string): string => fs.readFileSync(path.join(repoRoot, 'test', 'output', 'expected', name), 'utf8');
const fixture = (name: string): string => path.join(repoRoot, 'test', 'output', 'fixtures', name);

function run(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: repoRoot });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-reply-'));

test('reply: a series with two patches to answer is an mbox of the two replies on standard output', () => {
  const r = run(['reply', example]);
  assert.equal(r.code, 0, r.err);
  const header = 'From mm-review Thu Jan  1 00:00:00 1970\n';
  assert.equal(r.out, `${header}${expected('pgmap-1.eml')}\n${header}${expected('pgmap-2.eml')}`);
  assert.equal(r.err, 'mm-review: 2 replies commenting on 3 findings\n');
});

test('reply --rule keeps those rules` findings; --output FILE writes one reply as an .eml', () => {
  const out = path.join(tmp, 'one.eml');
  const r = run(['reply', '--rule', 'parameter-dropped', '--output', out, example]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, '');
  const text = fs.readFileSync(out, 'utf8');
  assert.ok(text.startsWith('To: Example Developer <dev@example.org>\nSubject: Re: [PATCH 1/3]'), text);
  assert.match(text, /does not pass it to\nkasan_populate_pgd\(\)/);
  assert.doesNotMatch(text, /missing parameter/);
  assert.equal(r.err, `mm-review: 1 reply commenting on 1 finding, in ${out}\n`);
});

test('reply --output DIR: one .eml per reply, named by patch number and subject', () => {
  const dir = fs.mkdtempSync(path.join(tmp, 'dir-'));
  const r = run(['reply', `--output=${dir}`, example]);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(fs.readdirSync(dir).sort(), [
    '0001-re-kasan-pass-a-gfp-mask-to-kasan_populate_shadow.eml',
    '0002-re-kasan-populate-shadow-for-hot-added-memory.eml',
  ]);
  assert.equal(fs.readFileSync(path.join(dir, '0002-re-kasan-populate-shadow-for-hot-added-memory.eml'), 'utf8'), expected('pgmap-2.eml'));
});

test('reply in a thread leaves out what a reply raised, and says so; --include-raised puts it back', () => {
  const r = run(['reply', '--from', 'Reviewer Two <two@example.com>', fixture('kasan-thread.mbox')]);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, expected('kasan-thread.eml'));
  assert.equal(r.err, 'mm-review: 1 reply commenting on 1 finding; 1 already raised in the thread left out (--include-raised puts them in)\n');
  const all = run(['reply', '--include-raised', fixture('kasan-thread.mbox')]);
  assert.equal(all.err, 'mm-review: 1 reply commenting on 2 findings\n');
});

test('reply with nothing to say writes nothing; bad usage exits 2', () => {
  const quiet = path.join(tmp, 'quiet.patch');
  fs.writeFileSync(quiet, 'diff --git a/mm/a.c b/mm/a.c\n--- a/mm/a.c\n+++ b/mm/a.c\n@@ -1,1 +1,1 @@\n-int a;\n+int b;\n');
  const r = run(['reply', quiet]);
  assert.deepEqual([r.code, r.out], [0, '']);
  assert.match(r.err, /^mm-review: nothing to reply: no finding in .*quiet\.patch\n$/);
  for (const args of [['reply'], ['reply', '--rule', 'no-such-rule', example], ['reply', '--context', '-1', example], ['reply', example, example]]) {
    const bad = run(args);
    assert.equal(bad.code, 2, args.join(' '));
    assert.match(bad.err, /^mm-review: /);
  }
  const unwritable = run(['reply', '--output', path.join(tmp, 'no', 'such', 'dir', 'x.eml'), example]);
  assert.equal(unwritable.code, 2);
  assert.match(unwritable.err, /cannot write .*x\.eml: /);
});

test('check --format github: one workflow command per finding, severity mapped, then the summary', () => {
  const r = run(['check', '--format', 'github', '--fail-on', 'never', 'examples/pgmap-series.mbox']);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trimEnd().split('\n');
  assert.deepEqual(
    lines.map((l) => l.split('::')[1]),
    [
      'error file=examples/pgmap-series.mbox,line=63,endLine=63,col=68,endColumn=75,title=mm-review prototype-mismatch',
      'notice file=examples/pgmap-series.mbox,line=82,endLine=82,col=10,endColumn=66,title=mm-review parameter-dropped',
      'error file=examples/pgmap-series.mbox,line=138,endLine=138,col=10,endColumn=70,title=mm-review prototype-mismatch',
      undefined,
    ],
  );
  assert.equal(lines[3], 'mm-review: 2 errors, 0 warnings, 1 information (1 document, 3 patches)');
  // On the kernel files' lines instead, whole lines; still one document checked.
  const source = run(['check', '--format', 'github', '--location', 'source', '--fail-on', 'never', 'examples/pgmap-series.mbox']);
  assert.deepEqual(
    source.out
      .trimEnd()
      .split('\n')
      .map((l) => l.split('::')[1] ?? l),
    [
      'error file=arch/riscv/mm/kasan_init.c,line=302,endLine=302,title=mm-review prototype-mismatch',
      'notice file=arch/x86/mm/kasan_init_64.c,line=126,endLine=126,title=mm-review parameter-dropped',
      'error file=mm/kasan/shadow.c,line=158,endLine=158,title=mm-review prototype-mismatch',
      'mm-review: 2 errors, 0 warnings, 1 information (1 document, 3 patches)',
    ],
  );
  const bad = run(['check', '--location', 'nowhere', 'examples/pgmap-series.mbox']);
  assert.deepEqual([bad.code, bad.err], [2, 'mm-review: --location takes patch or source\n']);
});

test('a reply read back by inspect: the patch quoted once, the commented line a line of its quoted hunk', () => {
  const out = path.join(tmp, 'back.eml');
  // Reviewer One raised it already: nothing to say, unless asked.
  assert.equal(
    run(['reply', '--rule', 'prototype-mismatch', fixture('kasan-review.eml')]).err,
    `mm-review: nothing to reply: every finding in ${fixture('kasan-review.eml')} was already raised in the thread (--include-raised puts them in)\n`,
  );
  assert.equal(run(['reply', '--rule', 'prototype-mismatch', '--include-raised', '--output', out, fixture('kasan-review.eml')]).code, 0);
  // kasan-review.eml answers Reviewer One, who quotes the patch: the reply quotes it at depth 2.
  const r = run(['inspect', out]);
  assert.equal(r.code, 0, r.err);
  const back = JSON.parse(r.out) as {
    patches: { quoteDepth: number; files: { newPath: string; hunks: { quoteDepth: number; lines: { kind: string; text: string; line: number }[] }[] }[] }[];
  };
  assert.equal(back.patches.length, 1);
  const lines = fs.readFileSync(out, 'utf8').split('\n');
  const comment = lines.findIndex((l) => l.startsWith("kasan_populate_shadow() is missing parameter 'gfp_t gfp'"));
  assert.ok(comment > 0);
  const hunkLines = back.patches[0].files.flatMap((f) => f.hunks.flatMap((h) => h.lines.map((l) => ({ ...l, depth: h.quoteDepth, path: f.newPath }))));
  const above = hunkLines.find((l) => l.line === comment - 1);
  assert.deepEqual(above, {
    kind: 'context',
    text: 'int kasan_populate_shadow(unsigned long start, unsigned long end, int nid)',
    line: comment - 1,
    depth: 2,
    path: 'arch/riscv/mm/kasan_init.c',
  });
});
