import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ingest, splitLines, type DiffLine, type Hunk, type Series } from '../../server/src/core/ingest';
import { doc } from '../helpers';

const marker = (l: DiffLine): string => (l.kind === 'add' ? '+' : l.kind === 'remove' ? '-' : ' ');
/** A hunk as `+text` / `-text` / ` text` lines, restored blanks as `␣`. */
const show = (h: Hunk): string[] => h.lines.map((l) => (l.restored ? '␣' : marker(l) + l.text));
const onlyHunk = (s: Series): Hunk => {
  assert.equal(s.patches.length, 1);
  assert.equal(s.patches[0].files.length, 1);
  assert.equal(s.patches[0].files[0].hunks.length, 1);
  return s.patches[0].files[0].hunks[0];
};

test('a plain unified diff: paths, counts, kinds, document and file lines', () => {
  const s = ingest(doc`
    |--- a/mm/example.c
    |+++ b/mm/example.c
    |@@ -10,3 +10,3 @@ static int example(int a)
    | {
    |-	return a;
    |+	return a + 1;
    | }
  `);
  const f = s.patches[0].files[0];
  assert.equal(f.oldPath, 'mm/example.c');
  assert.equal(f.newPath, 'mm/example.c');
  const h = onlyHunk(s);
  assert.deepEqual([h.oldStart, h.oldLines, h.newStart, h.newLines, h.section], [10, 3, 10, 3, 'static int example(int a)']);
  assert.deepEqual(show(h), [' {', '-\treturn a;', '+\treturn a + 1;', ' }']);
  assert.deepEqual(
    h.lines.map((l) => l.docLine),
    [3, 4, 5, 6],
  );
  assert.deepEqual(
    h.lines.map((l) => [l.oldLine, l.newLine]),
    [
      [10, 10],
      [11, null],
      [null, 11],
      [12, 12],
    ],
  );
  assert.equal(s.patches[0].subject, null);
  assert.deepEqual(s.problems, []);
});

test('git format-patch: headers, encoded names, series number, signature kept out of the hunk', () => {
  const s = ingest(doc`
    |From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001
    |From: =?UTF-8?q?J=C3=B6rg=20R=C3=B6del?= <jroedel@example.org>
    |Date: Tue, 3 Mar 2026 10:00:00 +0100
    |Subject: [PATCH v2 3/7] mm/example: pass the
    | node along
    |Message-ID: <20260303.3@example.org>
    |
    |Body text.
    |
    |Signed-off-by: Jörg Rödel <jroedel@example.org>
    |---
    | mm/example.c | 2 +-
    | 1 file changed, 1 insertion(+), 1 deletion(-)
    |
    |diff --git a/mm/example.c b/mm/example.c
    |index 1111111..2222222 100644
    |--- a/mm/example.c
    |+++ b/mm/example.c
    |@@ -1,3 +1,3 @@
    | int a;
    |-int b;
    |+int c;
    | int d;
    |--${' '}
    |2.43.0
  `);
  const p = s.patches[0];
  assert.equal(p.from, 'Jörg Rödel <jroedel@example.org>');
  assert.equal(p.subject, '[PATCH v2 3/7] mm/example: pass the node along');
  assert.deepEqual(p.number, { n: 3, total: 7 });
  assert.equal(p.messageId, '20260303.3@example.org');
  assert.equal(p.date, 'Tue, 3 Mar 2026 10:00:00 +0100');
  assert.equal(p.anchorLine, 3);
  const f = p.files[0];
  assert.deepEqual([f.oldIndex, f.newIndex], ['1111111', '2222222']);
  assert.deepEqual(show(onlyHunk(s)), [' int a;', '-int b;', '+int c;', ' int d;']);
  assert.deepEqual(s.problems, []);
});

test('an mbox series: cover letter and patches, in order', () => {
  const patch = (n: number, name: string): string => doc`
    |From 000000000000000000000000000000000000000${n} Mon Sep 17 00:00:00 2001
    |From: A Developer <a@example.org>
    |Subject: [PATCH ${n}/2] mm: change ${name}
    |
    |diff --git a/mm/${name}.c b/mm/${name}.c
    |--- a/mm/${name}.c
    |+++ b/mm/${name}.c
    |@@ -1,1 +1,1 @@
    |-int ${name};
    |+long ${name};
  `;
  const cover = doc`
    |From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001
    |From: A Developer <a@example.org>
    |Subject: [PATCH 0/2] mm: two changes
    |
    |This series changes two things.
  `;
  const s = ingest(cover + patch(1, 'alpha') + patch(2, 'beta'));
  assert.equal(s.messages.length, 3);
  assert.deepEqual(
    s.patches.map((p) => [p.index, p.number?.n, p.files[0].newPath]),
    [
      [1, 1, 'mm/alpha.c'],
      [2, 2, 'mm/beta.c'],
    ],
  );
  assert.deepEqual(show(s.patches[1].files[0].hunks[0]), ['-int beta;', '+long beta;']);
});

test('quoting at any depth and in any style yields the same hunk', () => {
  const body = [' int a;', '-int b;', '+int c;'];
  for (const prefix of ['> ', '>> ', '> > ', '>> > ', '> >> ', '>>>>>>>> ']) {
    const text = [`${prefix}--- a/x.c`, `${prefix}+++ b/x.c`, `${prefix}@@ -1,2 +1,2 @@`, ...body.map((l) => prefix + l)].join('\n');
    const s = ingest(text);
    const h = onlyHunk(s);
    assert.deepEqual(show(h), body, prefix);
    assert.equal(h.quoteDepth, prefix.split('>').length - 1, prefix);
    assert.equal(s.patches[0].quoteDepth, h.quoteDepth);
  }
});

test('context lines that lost their leading space are context', () => {
  const h = onlyHunk(
    ingest(doc`
    |@@ -1,3 +1,3 @@
    |if (a)
    |- return b;
    |+ return c;
    |return 0;
  `),
  );
  assert.deepEqual(show(h), [' if (a)', '- return b;', '+ return c;', ' return 0;']);
});

test('blank context lines dropped by the mail are restored from the counts, in plausible places', () => {
  // git shows three lines of context on each side; 5 of the 7 old lines are visible.
  const h = onlyHunk(
    ingest(doc`
    |@@ -20,7 +20,7 @@ static int f(void)
    |}
    |int g(int a,
    |- int b)
    |+ long b)
    |{
    |int err;
  `),
  );
  assert.deepEqual(show(h), [' }', '␣', ' int g(int a,', '- int b)', '+ long b)', ' {', ' int err;', '␣']);
  assert.deepEqual(
    h.lines.map((l) => l.oldLine),
    [20, 21, 22, 23, null, 24, 25, 26],
  );
  assert.deepEqual(
    h.lines.map((l) => l.newLine),
    [20, 21, 22, null, 23, 24, 25, 26],
  );
  assert.deepEqual(ingest('@@ -1,3 +1,3 @@\nint a;\n-int b;\n+int c;\n').problems.length, 0);
});

test('blank context lines kept as empty lines (space stripped) are context', () => {
  const h = onlyHunk(ingest('@@ -1,3 +1,3 @@\n\n-int b;\n+int c;\n\n'));
  assert.deepEqual(show(h), [' ', '-int b;', '+int c;', ' ']);
  assert.equal(h.lines.filter((l) => l.restored).length, 0);
});

test('a line the mail client wrapped onto a shallower quote comes back whole', () => {
  const text = [
    '> > @@ -1,3 +1,3 @@ static int prepare(unsigned int',
    '> cpu, struct hlist_node *node)',
    '> > int a;',
    '> > - p = kmalloc_node(PAGE_SIZE * 2, GFP_KERNEL,',
    '> cpu_to_node(cpu));',
    '> > + p = kmalloc_node(PAGE_SIZE, GFP_KERNEL, cpu_to_node(cpu));',
    '> > int b;',
  ].join('\n');
  const s = ingest(text);
  const h = onlyHunk(s);
  assert.equal(h.section, 'static int prepare(unsigned int cpu, struct hlist_node *node)');
  assert.deepEqual(show(h), [
    ' int a;',
    '- p = kmalloc_node(PAGE_SIZE * 2, GFP_KERNEL, cpu_to_node(cpu));',
    '+ p = kmalloc_node(PAGE_SIZE, GFP_KERNEL, cpu_to_node(cpu));',
    ' int b;',
  ]);
  const wrapped = h.lines[1];
  assert.deepEqual(
    wrapped.segments.map((g) => g.docLine),
    [3, 4],
  );
  assertSegmentsMatch(s);
});

test('a wrap at the hyphen of `->` that took the `>` for a quote level is rejoined', () => {
  const text = [
    '> > @@ -1,2 +1,2 @@',
    '> > - set_params(ctx->req, &in, &out, entry-',
    '> >length, PAGE_SIZE);',
    '> > + set_params(ctx->req[0], &in, &out, entry->length, PAGE_SIZE);',
    '> > x = 1;',
  ].join('\n');
  const s = ingest(text);
  assert.deepEqual(show(onlyHunk(s)), [
    '- set_params(ctx->req, &in, &out, entry->length, PAGE_SIZE);',
    '+ set_params(ctx->req[0], &in, &out, entry->length, PAGE_SIZE);',
    ' x = 1;',
  ]);
  assertSegmentsMatch(s);
});

test('review comments interleaved in a quoted hunk are skipped and the hunk resumes', () => {
  const text = [
    '>> @@ -1,3 +1,5 @@',
    '>> int a;',
    '>> +int b;',
    '> Why not long?',
    '>',
    'Because the ABI says int.',
    '>',
    '>> +int c;',
    '>> int d;',
    '>> int e;',
  ].join('\n');
  const h = onlyHunk(ingest(text));
  assert.deepEqual(show(h), [' int a;', '+int b;', '+int c;', ' int d;', ' int e;']);
  assert.deepEqual(
    h.lines.map((l) => l.docLine),
    [1, 2, 7, 8, 9],
  );
});

test('a one-line question right after a quoted line is not taken for a wrap', () => {
  const text = ['>> @@ -1,2 +1,3 @@', '>> int a;', '>> +int b;', '> Is this needed?', '>> int c;'].join('\n');
  assert.deepEqual(show(onlyHunk(ingest(text))), [' int a;', '+int b;', ' int c;']);
});

test('a cut marker between quoted lines is a cut, not the wrapped tail of the line above', () => {
  // [marker, kept as it is written by reviewers]
  for (const marker of ['[...]', '[ ... ]', '[snip]', '<snip>', '...', '…']) {
    const text = ['> @@ -1,6 +1,6 @@ int f(void)', marker, '> int a;', '> +int b;', marker, '> int e;'].join('\n');
    const h = onlyHunk(ingest(text));
    assert.equal(h.section, 'int f(void)', marker);
    assert.deepEqual(show(h), [' int a;', '+int b;', ' int e;'], marker);
  }
  // A wrapped tail that only looks like a word is still joined.
  assert.deepEqual(show(onlyHunk(ingest(['> @@ -1,2 +1,2 @@', '> int a = foo(1,', '2);', '> int c;'].join('\n')))), [' int a = foo(1, 2);', ' int c;']);
});

test('the list archive footer and prose after a hunk are never swallowed', () => {
  const footer = ['next prev parent reply other threads:[~2026-04-05 12:53 UTC|newest]', 'Thread overview: 3+ messages'];
  const s = ingest(['@@ -1,4 +1,4 @@', 'int a;', '-int b;', '+int c;', 'int d;', ...footer].join('\n'));
  const h = onlyHunk(s);
  assert.deepEqual(show(h), [' int a;', '-int b;', '+int c;', ' int d;', '␣']);
  const s2 = ingest(['@@ -1,4 +1,4 @@', 'int a;', '-int b;', '+int c;', 'int d;', 'Thanks for looking at this, comments welcome.'].join('\n'));
  assert.deepEqual(show(onlyHunk(s2)), [' int a;', '-int b;', '+int c;', ' int d;', '␣']);
});

test('CRLF line endings read exactly like LF', () => {
  const lf = doc`
    |diff --git a/a.c b/a.c
    |--- a/a.c
    |+++ b/a.c
    |@@ -1,2 +1,2 @@
    | int a;
    |-int b;
    |+int c;
  `;
  const a = ingest(lf);
  const b = ingest(lf.replace(/\n/g, '\r\n'));
  assert.deepEqual(show(onlyHunk(b)), show(onlyHunk(a)));
  assert.deepEqual(splitLines('a\r\nb\r\n'), ['a', 'b']);
});

test('tabs, very long lines and non-ASCII text survive unchanged', () => {
  const long = 'x'.repeat(200_000);
  const h = onlyHunk(ingest(`@@ -1,2 +1,2 @@\n \tint\tå;\n-${long};\n+${long}2;\n`));
  assert.equal(h.lines[0].text, '\tint\tå;');
  assert.equal(h.lines[1].text.length, 200_001);
  assert.equal(h.lines[1].text.slice(-1), ';');
});

test('empty input and prose-only input give no patches and no problems', () => {
  for (const text of ['', '\n\n', 'Hello,\n\nthis is just a note.\n']) {
    const s = ingest(text);
    assert.deepEqual([s.patches.length, s.fragments.length, s.problems.length], [0, 0, 0], JSON.stringify(text));
  }
});

test('a malformed hunk header is a problem on its line and the rest is still read', () => {
  const s = ingest(doc`
    |diff --git a/a.c b/a.c
    |--- a/a.c
    |+++ b/a.c
    |@@ -1,two +1,2 @@
    | int a;
    |diff --git a/b.c b/b.c
    |--- a/b.c
    |+++ b/b.c
    |@@ -1,1 +1,1 @@
    |-int b;
    |+int c;
  `);
  assert.deepEqual(
    s.problems.map((p) => [p.messageId, p.severity, p.range.start.line]),
    [['badHunkHeader', 'warning', 3]],
  );
  assert.equal(s.patches[0].files.length, 2);
  assert.deepEqual(show(s.patches[0].files[1].hunks[0]), ['-int b;', '+int c;']);
});

test('a truncated hunk is a warning in a patch and information in a quote', () => {
  const body = ['@@ -1,4 +1,5 @@', ' int a;', '-int b;', '+int c;'];
  const s = ingest(body.join('\n'));
  assert.deepEqual(
    s.problems.map((p) => [p.messageId, p.severity, p.range.start.line]),
    [['truncatedHunk', 'warning', 0]],
  );
  assert.deepEqual(show(onlyHunk(s)), [' int a;', '-int b;', '+int c;']);
  const q = ingest(body.map((l) => '> ' + l).join('\n'));
  assert.deepEqual(
    q.problems.map((p) => [p.messageId, p.severity]),
    [['partialHunk', 'information']],
  );
});

test('lines beyond the header counts are reported', () => {
  const s = ingest(['@@ -1,1 +1,1 @@', '-int b;', '+int c;', '+int d;'].join('\n'));
  assert.deepEqual(
    s.problems.map((p) => [p.messageId, p.range.start.line]),
    [['hunkOverflow', 3]],
  );
});

test('a context `++x;` that lost its indentation is recognised by the counts', () => {
  const h = onlyHunk(ingest(['@@ -1,4 +1,4 @@', 'if (bad)', '++errs;', '- report(a);', '+ report(b);', 'return;'].join('\n')));
  assert.deepEqual(show(h), [' if (bad)', ' ++errs;', '- report(a);', '+ report(b);', ' return;']);
});

test('file modes, renames, new, deleted and binary files', () => {
  const s = ingest(doc`
    |diff --git a/old.c b/new.c
    |similarity index 90%
    |rename from old.c
    |rename to new.c
    |diff --git a/added.c b/added.c
    |new file mode 100644
    |index 0000000..1234567
    |--- /dev/null
    |+++ b/added.c
    |@@ -0,0 +1,1 @@
    |+int a;
    |diff --git a/gone.c b/gone.c
    |deleted file mode 100644
    |--- a/gone.c
    |+++ /dev/null
    |@@ -1,1 +0,0 @@
    |-int a;
    |diff --git a/logo.png b/logo.png
    |Binary files a/logo.png and b/logo.png differ
    |@@ -1,1 +1,1 @@
    |-int z;
    |\\ No newline at end of file
    |+int y;
  `);
  const files = s.patches[0].files;
  assert.deepEqual(
    files.map((f) => [f.oldPath, f.newPath, f.isNew, f.isDeleted, f.isBinary]),
    [
      ['old.c', 'new.c', false, false, false],
      [null, 'added.c', true, false, false],
      ['gone.c', null, false, true, false],
      ['logo.png', 'logo.png', false, false, true],
    ],
  );
  assert.deepEqual(show(files[3].hunks[0]), ['-int z;', '+int y;']);
  assert.deepEqual(s.problems, []);
});

test('a reply quoting a hunk without file headers still yields the hunk', () => {
  const s = ingest(['On Monday someone wrote:', '> @@ -5,1 +5,1 @@ void f(void)', '> -a();', '> +b();', '', 'Looks good.'].join('\n'));
  const f = s.patches[0].files[0];
  assert.deepEqual([f.oldPath, f.newPath], [null, null]);
  assert.deepEqual(show(f.hunks[0]), ['-a();', '+b();']);
});

test('marked code quoted without headers is a fragment; commit-message bullets are not', () => {
  const s = ingest(
    [
      'Someone wrote:',
      '> - vma_count tracks the number of VMAs mapping the BO.',
      '> - willneed_count tracks active WILLNEED holders, including WILLNEED',
      '>',
      '> +static int f(struct foo *p)',
      '> +{',
      '> + return p->a + 1;',
      '> +}',
      '',
      'I think this is fine.',
    ].join('\n'),
  );
  assert.equal(s.patches.length, 0);
  assert.deepEqual(
    s.fragments.map((f) => [f.line, f.endLine, f.quoteDepth, f.text]),
    [[4, 7, 1, 'static int f(struct foo *p)\n{\n return p->a + 1;\n}']],
  );
});

/** Every segment's slice of the document is exactly the slice of the rejoined text it claims to be. */
export function assertSegmentsMatch(s: Series): void {
  const all = [...s.patches.flatMap((p) => p.files.flatMap((f) => f.hunks.flatMap((h) => h.lines))), ...s.fragments.flatMap((f) => f.lines)];
  for (const l of all) {
    for (const g of l.segments) {
      assert.equal(s.lines[g.docLine].slice(g.docCol, g.docCol + g.length), l.text.slice(g.textStart, g.textStart + g.length), `line ${g.docLine + 1}`);
    }
  }
}

test('a header whose counts far exceed its lines is a cut hunk, not thousands of lost blank lines', () => {
  const s = ingest(['@@ -1,99999 +1,99999 @@', ' int a;', '-int b;', '+int c;'].join('\n'));
  const h = s.patches[0].files[0].hunks[0];
  assert.equal(h.lines.length, 3);
  assert.deepEqual(
    s.problems.map((p) => [p.messageId, p.data]),
    [['truncatedHunk', { old: 99997, new: 99997 }]],
  );
});

test("a series' lines are the document's lines, put together from its messages, before and after an edit and in a part", () => {
  const message = (n: number, body: string): string =>
    `From 000000000000000000000000000000000000000${n} Mon Sep 17 00:00:00 2001\nFrom: A <a@example.org>\nSubject: [PATCH ${n}/3] mm: x\n\n${body}`;
  const diff = '--- a/mm/a.c\n+++ b/mm/a.c\n@@ -1,2 +1,2 @@\n int a;\n-int b;\n+long b;\n';
  const documents = [
    '',
    'just prose, no newline at the end',
    diff,
    '\ufeff' + diff,
    diff.replace(/\n/g, '\r\n'),
    message(1, diff) + message(2, '> quoted\n> ' + diff.split('\n').join('\n> ')) + message(3, 'no newline at the end'),
    message(1, diff) + message(1, diff) + '\n\n',
  ];
  const cache = new Map();
  for (const text of documents) {
    assert.deepEqual(ingest(text).lines, splitLines(text), JSON.stringify(text));
    // With a cache, the second ingest of an edited document reuses the messages it did not touch.
    ingest(text, cache);
    const edited = text.replace('int a;', 'int a; /* edited */');
    assert.deepEqual(ingest(edited, cache).lines, splitLines(edited), JSON.stringify(edited));
  }
  const three = documents[5];
  const second = three.indexOf('From 0000000000000000000000000000000000000002');
  const startLine = splitLines(three.slice(0, second)).length;
  const part = { from: second, to: three.length, startLine, messages: [{ from: second, to: three.length, startLine }] };
  const lines = ingest(three, undefined, part).lines;
  assert.equal(lines.length, splitLines(three).length);
  assert.equal(lines[startLine - 1], undefined, 'nothing is stored for the lines before the part');
  assert.deepEqual(lines.slice(startLine), splitLines(three).slice(startLine));
});
