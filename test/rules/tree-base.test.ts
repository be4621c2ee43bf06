/** tree-base: what the reviewer's tree is to the series, said once per file; never without a tree. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/src/core/engine';
import { gitBlobId } from '../../server/src/core/kernel/kernel-tree';
import { loadParser } from '../../server/src/host/grammar';
import { lineOf, mark, patchMail } from '../helpers';
import { MemoryTree } from '../tree/memory-tree';

const before = 'static int count;\n\nint bump(void)\n{\n\treturn ++count;\n}\n';
const after = before.replace('++count', 'count += 2');
const diff = (index: string | null): string =>
  patchMail('lib: bump by two', [
    {
      path: 'lib/bump.c',
      hunks: [
        { start: 3, lines: [...mark(' ', 'int bump(void)\n{'), ...mark('-', '\treturn ++count;'), ...mark('+', '\treturn count += 2;'), ...mark(' ', '}')] },
      ],
    },
  ]).replace('diff --git a/lib/bump.c b/lib/bump.c', `diff --git a/lib/bump.c b/lib/bump.c${index ? `\nindex ${index} 100644` : ''}`);
const base = `${gitBlobId(before).slice(0, 12)}..${gitBlobId(after).slice(0, 12)}`;

async function notes(doc: string, files: Record<string, string> | null): Promise<[string, number, string][]> {
  const engine = new Engine(await loadParser());
  return engine
    .analyze(doc, files ? { tree: new MemoryTree(files) } : {})
    .findings.filter((f) => f.ruleId === 'tree-base')
    .map((f) => [f.severity, f.range.start.line + 1, f.message]);
}

test('tree-base valid: the tree is the base; no index line; no tree at all', async () => {
  assert.deepEqual(await notes(diff(base), { 'lib/bump.c': before }), []);
  assert.deepEqual(await notes(diff(null), { 'lib/bump.c': before.replace('static int count;', 'static long count;') }), []);
  assert.deepEqual(await notes(diff('0123456789ab..fedcba987654'), null), []);
});

test('tree-base invalid: another base, a missing file, a hunk that applies nowhere', async () => {
  const other = before.replace('static int count;', 'static long count;');
  const doc = diff(base);
  assert.deepEqual(await notes(doc, { 'lib/bump.c': other }), [
    [
      'information',
      lineOf(doc, `index ${base} 100644`),
      `lib/bump.c in the tree (blob ${gitBlobId(other).slice(0, 12)}) is not the pre-image this patch was made against (${base.split('..')[0]}): findings from it are relative to another base`,
    ],
  ]);
  assert.deepEqual(await notes(doc, {}), [['information', lineOf(doc, `index ${base} 100644`), 'the kernel tree has no lib/bump.c']]);
  const rewritten = 'int bump(void)\n{\n\treturn count++;\n}\n';
  const plain = diff(null);
  assert.deepEqual(await notes(plain, { 'lib/bump.c': rewritten }), [
    ['information', lineOf(plain, '@@ -3,'), 'this hunk does not apply to lib/bump.c in the kernel tree (near line 3)'],
  ]);
});
