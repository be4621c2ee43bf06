import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/src/core/engine';
import { loadParser } from '../../server/src/host/grammar';
import { defaultRules } from '../../server/src/core/rules';
import { defineRule, type Rule } from '../../server/src/core/rules/rule';
import { addedCodePatch, doc, readSeed, seedNames, seedTest } from '../helpers';
import { checkCase } from '../../fuzz/oracle';

const patch = (n: number, total: number, file: string, fn: string): string => doc`
  |From 00000000000000000000000000000000000000${String(n).padStart(2, '0')} Mon Sep 17 00:00:00 2001
  |From: A Developer <dev@example.org>
  |Subject: [PATCH ${n}/${total}] mm: touch ${file}
  |
  |diff --git a/mm/${file} b/mm/${file}
  |--- a/mm/${file}
  |+++ b/mm/${file}
  |@@ -10,4 +10,4 @@
  | static int ${fn}(struct page *page)
  | {
  |-	return page_count(page);
  |+	return folio_ref_count(page_folio(page));
  | }
`;

/** A patch that changes a static function's prototype: its hunk must be parsed. */
const prototypePatch = (n: number, total: number, file: string, fn: string): string => doc`
  |From 00000000000000000000000000000000000000${String(n).padStart(2, '0')} Mon Sep 17 00:00:00 2001
  |From: A Developer <dev@example.org>
  |Subject: [PATCH ${n}/${total}] mm: widen ${fn}()
  |
  |diff --git a/mm/${file} b/mm/${file}
  |--- a/mm/${file}
  |+++ b/mm/${file}
  |@@ -10,5 +10,5 @@
  |-static int ${fn}(struct page *page)
  |+static int ${fn}(struct page *page, int nr)
  | {
  | 	int ret = page_count(page);
  | 	return ret;
  | }
`;

test('images that no rule needs are scanned but never parsed', async () => {
  const engine = new Engine(await loadParser());
  const a = engine.analyze(patch(1, 2, 'a.c', 'fa') + patch(2, 2, 'b.c', 'fb'));
  assert.equal(a.stats.parses + a.stats.incrementalParses, 0);
  assert.equal(a.stats.scans, 4);
});

test('a one-line edit rescans and re-parses only the images it changed', async () => {
  const engine = new Engine(await loadParser());
  const text = prototypePatch(1, 3, 'a.c', 'fa') + prototypePatch(2, 3, 'b.c', 'fb') + prototypePatch(3, 3, 'c.c', 'fc');
  const first = engine.analyze(text);
  assert.equal(first.stats.parses + first.stats.incrementalParses, 6, 'three hunks, two images each');
  assert.equal(first.stats.scans, 6);
  // A context line of patch 2 changes: both of its images are new text; patches 1 and 3 are untouched.
  const marker = '\tint ret = page_count(page);\n \treturn ret;\n }\nFrom 0000000000000000000000000000000000000003';
  const edited = text.replace(marker, marker.replace('page_count(page);', 'page_count(page) + 0;'));
  assert.notEqual(edited, text);
  const second = engine.analyze(edited);
  assert.equal(second.stats.scans, 2);
  assert.equal(second.stats.parses + second.stats.incrementalParses, 2);
  assert.equal(second.stats.hits, 0, 'patches 1 and 3 were reused whole: their images carry their facts');
  const third = engine.analyze(edited);
  assert.equal(third.stats.scans + third.stats.parses + third.stats.incrementalParses, 0);
});

test('reused patches below an edit that adds lines report at their new lines', async () => {
  const engine = new Engine(await loadParser());
  // Each patch's static function loses its parameter at a call left behind.
  const stale = (n: number, file: string, fn: string): string =>
    prototypePatch(n, 2, file, fn).replace(' \treturn ret;\n', ` \treturn ret;\n+\t${fn}(page);\n`).replace('@@ -10,5 +10,5 @@', '@@ -10,5 +10,6 @@');
  const text = stale(1, 'a.c', 'fa') + stale(2, 'b.c', 'fb');
  const before = engine.analyze(text).findings.map((f) => f.range.start.line);
  const shifted = text.replace('Subject: [PATCH 1/2] mm: widen fa()\n', 'Subject: [PATCH 1/2] mm: widen fa()\nCc: someone@example.org\nCc: else@example.org\n');
  const a = engine.analyze(shifted);
  assert.equal(a.stats.scans + a.stats.parses + a.stats.incrementalParses, 0, 'only headers changed: no image is new');
  assert.deepEqual(
    a.findings.map((f) => f.range.start.line),
    before.map((l) => l + 2),
  );
  const fresh = new Engine(await loadParser()).analyze(shifted);
  assert.deepEqual(a.findings, fresh.findings);
});

seedTest('a document over the size limit gets one finding and no analysis', async () => {
  const engine = new Engine(await loadParser());
  const a = engine.analyze(readSeed('002'), { maxDocumentChars: 1000 });
  assert.equal(a.findings.length, 1);
  assert.equal(a.findings[0].ruleId, 'analysis-limit');
  assert.match(a.findings[0].message, /over the limit of 1000 bytes/);
  assert.equal(a.stats.parses + a.stats.incrementalParses, 0);
});

seedTest('a rule that throws is reported under its id and the other rules still report', async () => {
  const broken = defineRule({
    id: 'broken',
    meta: { summary: 'throws', defaultSeverity: 'error', confidence: 'low', messages: {} },
    check() {
      throw new Error('boom');
    },
  });
  const engine = new Engine(await loadParser(), [broken, ...defaultRules]);
  const a = engine.analyze(readSeed('002'));
  const crash = a.findings.filter((f) => f.ruleId === 'broken');
  assert.equal(crash.length, 1);
  assert.equal(crash[0].severity, 'information');
  assert.match(crash[0].message, /rule broken failed on this document \(boom\)/);
  assert.equal(a.findings.filter((f) => f.ruleId === 'parameter-dropped').length, 2);
});

test('old-only, both-sides and new-only reports become fixed, pre-existing and introduced', async () => {
  const probe = defineRule({
    id: 'probe',
    meta: { summary: 'reports fixed keys', defaultSeverity: 'warning', confidence: 'high', messages: { m: 'probe {{k}}' } },
    check(ctx) {
      const h = ctx.series.hunks[0];
      const at = (v: typeof h.old) => ({ view: v, span: { startRow: 0, startCol: 0, endRow: 0, endCol: 1 }, patch: h.patch, path: h.path });
      for (const [side, key] of [
        ['old', 'gone'],
        ['old', 'kept'],
        ['new', 'kept'],
        ['new', 'added'],
      ] as const) {
        ctx.report({ side, at: at(side === 'old' ? h.old : h.new), messageId: 'm', data: { k: key }, key });
      }
    },
  });
  const engine = new Engine(await loadParser(), [probe]);
  const a = engine.analyze(patch(1, 1, 'a.c', 'fa'));
  const byKey = Object.fromEntries(a.findings.map((f) => [f.key, [f.origin, f.severity]]));
  assert.deepEqual(byKey, { gone: ['fixed', 'hint'], kept: ['pre-existing', 'hint'], added: ['introduced', 'warning'] });
});

seedTest('rule settings turn a rule off or change its severity', async () => {
  const engine = new Engine(await loadParser());
  const seed = readSeed('002');
  assert.equal(engine.analyze(seed, { rules: { 'parameter-dropped': 'off' } }).findings.length, 0);
  const raised = engine.analyze(seed, { rules: { 'parameter-dropped': 'warning' } }).findings;
  assert.deepEqual(
    raised.map((f) => f.severity),
    ['warning', 'warning'],
  );
});

test('a malformed hunk does not stop the analysis of the rest of the document', async () => {
  const engine = new Engine(await loadParser());
  const text = doc`
    |diff --git a/include/linux/x.h b/include/linux/x.h
    |--- a/include/linux/x.h
    |+++ b/include/linux/x.h
    |@@ -1,1 +1,1 @@
    |-int frob(int a);
    |+int frob(int a, int b);
    |diff --git a/mm/broken.c b/mm/broken.c
    |@@ -1,two +1,2 @@
    | x
    |diff --git a/mm/x.c b/mm/x.c
    |--- a/mm/x.c
    |+++ b/mm/x.c
    |@@ -5,3 +5,3 @@ void caller(void)
    | {
    |-	y = 1;
    |+	y = 2;
    | 	frob(1);
  `;
  const a = engine.analyze(text);
  assert.deepEqual(
    a.findings.map((f) => [f.ruleId, f.range.start.line + 1]),
    [
      ['malformed-patch', 8],
      ['prototype-mismatch', 17],
    ],
  );
});

seedTest('truncated and mutated seeds never throw out of the core, fail a rule, or give a position outside the document', async () => {
  const engine = new Engine(await loadParser());
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const junk = [
    '@@ -1',
    '@@ -1,99999 +1,99999 @@',
    '>',
    '> > @@ -5,3 +5,3 @@',
    'diff --git a/x',
    '--- a/x',
    '+++ b/x',
    '\\ No newline',
    '-- ',
    '+{',
    '-}',
    '\t',
    '\u0000',
    '\uFFFD',
    '>'.repeat(500),
  ];
  for (const name of seedNames()) {
    const lines = readSeed(name.slice(0, 3)).split('\n');
    // Each classed by the fuzzer's oracle: no throw, no rule failing on the document, no position outside it.
    for (let cut = 0; cut < lines.length; cut += 11) assert.deepEqual(checkCase(engine, lines.slice(0, cut).join('\n')), [], `${name} cut at ${cut}`);
    for (let k = 0; k < 40; k++) {
      const copy = lines.slice();
      for (let m = 0; m < 5; m++) {
        const at = rnd(copy.length);
        const op = rnd(4);
        if (op === 0) copy.splice(at, 1);
        else if (op === 1) copy.splice(at, 0, junk[rnd(junk.length)]);
        else if (op === 2) copy[at] = copy[at].slice(0, rnd(copy[at].length + 1));
        else copy[at] = junk[rnd(junk.length)] + copy[at];
      }
      assert.deepEqual(checkCase(engine, copy.join('\r\n')), [], name);
    }
  }
});

test("a report naming a message its rule does not define fails that rule loudly, and the others' findings stay", async () => {
  // A rule written without defineRule's types (plain JavaScript, or a cast) can name any id.
  const misnamed: Rule = {
    id: 'misnamed',
    meta: { summary: 'names a message it lacks', defaultSeverity: 'warning', confidence: 'high', messages: { known: 'known {{k}}' } },
    check(ctx) {
      const h = ctx.series.hunks[0];
      const at = { view: h.new, span: { startRow: 0, startCol: 0, endRow: 0, endCol: 1 }, patch: h.patch, path: h.path };
      ctx.report({ side: 'new', at, messageId: 'known', data: { k: 'one' }, key: 'one' });
      ctx.report({ side: 'new', at, messageId: 'unknown', data: {}, key: 'two' });
    },
  };
  const probe = defineRule({
    id: 'probe',
    meta: { summary: 'reports one finding', defaultSeverity: 'warning', confidence: 'high', messages: { m: 'probe' } },
    check(ctx) {
      const h = ctx.series.hunks[0];
      ctx.report({
        side: 'new',
        at: { view: h.new, span: { startRow: 0, startCol: 0, endRow: 0, endCol: 1 }, patch: h.patch, path: h.path },
        messageId: 'm',
        data: {},
        key: 'p',
      });
    },
  });
  const a = new Engine(await loadParser(), [misnamed, probe]).analyze(patch(1, 1, 'a.c', 'fa'));
  assert.deepEqual(
    a.findings.map((f) => [f.ruleId, f.messageId, f.message]),
    [
      // The crash note sits at the document's start; what the rule reported before it stands.
      [
        'misnamed',
        'crash',
        "rule misnamed failed on this document (reported message id 'unknown', which its meta.messages does not define); its findings are missing",
      ],
      ['misnamed', 'known', 'known one'],
      ['probe', 'm', 'probe'],
    ],
  );
});

test('defineRule makes a report with a message id its rule does not define a compile error', () => {
  const rule = defineRule({
    id: 'typed',
    meta: { summary: 'typed ids', defaultSeverity: 'warning', confidence: 'high', messages: { known: 'known' } },
    check(ctx) {
      const h = ctx.series.hunks[0];
      const at = { view: h.new, span: { startRow: 0, startCol: 0, endRow: 0, endCol: 1 }, patch: h.patch, path: h.path };
      ctx.report({ side: 'new', at, messageId: 'known', data: {}, key: 'k' });
      // @ts-expect-error: 'unknown' is not a key of meta.messages (this line stops compiling if the check is lost)
      ctx.report({ side: 'new', at, messageId: 'unknown', data: {}, key: 'u' });
    },
  });
  assert.deepEqual(Object.keys(rule.meta.messages), ['known']);
});

test('rules that read functions with different filters share one parse of an image when they declare their filters', async () => {
  const twoFunctions = doc`
    |From 0000000000000000000000000000000000000001 Mon Sep 17 00:00:00 2001
    |From: A Developer <dev@example.org>
    |Subject: [PATCH] mm: two helpers
    |
    |diff --git a/mm/a.c b/mm/a.c
    |--- a/mm/a.c
    |+++ b/mm/a.c
    |@@ -1,0 +1,9 @@
    |+static int takes(struct page *page)
    |+{
    |+	return get_page_unless_zero(page);
    |+}
    |+
    |+static unsigned long bytes(unsigned long nr)
    |+{
    |+	return nr << PAGE_SHIFT;
    |+}
  `;
  const seen = new Map<string, string[]>();
  const reader = (id: string, word: string, declared: boolean): Rule => {
    const filter = { key: id, want: (text: string) => text.includes(word) };
    return {
      id,
      meta: {
        summary: `reads functions naming ${word}`,
        defaultSeverity: 'warning',
        confidence: 'high',
        messages: {},
        ...(declared ? { functionFilters: [filter] } : {}),
      },
      check(ctx) {
        const h = ctx.series.hunks[0];
        seen.set(
          id,
          ctx.series.functionsOf(h, h.new, filter).map((f) => f.name),
        );
      },
    };
  };
  const run = async (declared: boolean): Promise<number> => {
    const a = new Engine(await loadParser(), [reader('pages', 'get_page', declared), reader('shifts', 'PAGE_SHIFT', declared)]).analyze(twoFunctions);
    // Each reader is given only the definitions its filter accepts, however many the parse converted.
    assert.deepEqual(seen.get('pages'), ['takes']);
    assert.deepEqual(seen.get('shifts'), ['bytes']);
    return a.stats.functionReads;
  };
  assert.equal(await run(true), 1, 'one parse converts what both declared filters want');
  assert.equal(await run(false), 2, 'undeclared, the second filter finds its definition unconverted and reads the image again');
});

test('images naming a function: the same hunks in document order whether found by scanning or from the index', async () => {
  // Thirty patches, each calling its own helper and one shared one: past the first names asked, the
  // series indexes every name, and the answers must not change.
  const text = Array.from({ length: 30 }, (_, i) => patch(i + 1, 30, `f${i}.c`, `helper_${i}`)).join('\n');
  const parsed = new Engine(await loadParser()).analyze(text).parsed!;
  const expected = (name: string): string[] =>
    parsed.hunks.flatMap((h) => [h.old, h.new].filter((v) => v.scan.names.has(name)).map((v) => `${h.path}:${v.side}`));
  const names = [...Array.from({ length: 30 }, (_, i) => `helper_${i}`), 'page_folio', 'page_count', 'no_such_function'];
  for (const name of names) {
    assert.deepEqual(
      parsed.imagesNaming(name).map(({ hunk, view }) => `${hunk.path}:${view.side}`),
      expected(name),
      name,
    );
  }
  assert.deepEqual(
    parsed.imagesNaming('page_count').map(({ hunk }) => hunk.path),
    Array.from({ length: 30 }, (_, i) => `mm/f${i}.c`),
  );
});

test('a leak in a patch that moved down after an edit above it is reported at its new lines, as a fresh analysis reports it', async () => {
  const mbox = (first: string): string =>
    `From 0000000000000000000000000000000000000001 Mon Sep 17 00:00:00 2001\n${first}` +
    `From 0000000000000000000000000000000000000002 Mon Sep 17 00:00:00 2001\n` +
    addedCodePatch(
      'drivers/foo: read a register',
      'drivers/foo/foo.c',
      'static int foo_read(struct foo *foo, u32 *val)\n{\n\tint ret;\n\n\tret = pm_runtime_get_sync(foo->dev);\n\tif (ret < 0)\n\t\treturn ret;\n\t*val = readl(foo->base);\n\tpm_runtime_put(foo->dev);\n\treturn 0;\n}',
    );
  const cover = (lines: string[]): string => ['From: A Developer <dev@example.org>', 'Subject: [PATCH 0/1] drivers/foo: reads', '', ...lines, ''].join('\n');
  const leaks = (a: { findings: { messageId: string; message: string; explanation: string; range: unknown; related: unknown }[] }) =>
    a.findings.filter((f) => f.messageId === 'neverReleased').map(({ message, explanation, range, related }) => ({ message, explanation, range, related }));
  const engine = new Engine(await loadParser());
  const before = leaks(engine.analyze(mbox(cover(['One read.']))));
  assert.equal(before.length, 1);
  // Two lines more in the cover letter: the patch below is reused, its lines moved.
  const edited = mbox(cover(['One read.', '', 'Two lines more.']));
  const after = leaks(engine.analyze(edited));
  assert.deepEqual(after, leaks(new Engine(await loadParser()).analyze(edited)));
  const lineIn = (s: string): number => Number(/from line (\d+)/.exec(s)![1]);
  assert.equal(lineIn(after[0].message), lineIn(before[0].message) + 2);
});

test('functions are read in C files and quotes, not in documentation a patch changes', async () => {
  const leaky =
    'static int foo_read(struct foo *foo, u32 *val)\n{\n\tint ret;\n\n\tret = pm_runtime_get_sync(foo->dev);\n\tif (ret < 0)\n\t\treturn ret;\n\t*val = readl(foo->base);\n\tpm_runtime_put(foo->dev);\n\treturn 0;\n}';
  const leaksIn = async (path: string): Promise<number> => {
    const a = new Engine(await loadParser()).analyze(addedCodePatch('foo: document a read', path, leaky));
    return a.findings.filter((f) => f.messageId === 'neverReleased').length;
  };
  assert.equal(await leaksIn('drivers/foo/foo.c'), 1);
  assert.equal(await leaksIn('drivers/foo/foo.h'), 1);
  assert.equal(await leaksIn('Documentation/driver-api/foo.rst'), 0);
  assert.equal(await leaksIn('tools/foo/read.py'), 0);
});
