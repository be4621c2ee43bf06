/**
 * Tree-aware prototype checking on trees written for the test (in memory): the sites a series forgets are
 * reported on the line that changes the prototype, each naming its file and line; without a tree nothing is
 * said about them. The same on a real kernel tree is in e2e/kernel-tree.test.ts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/src/core/engine';
import { gitBlobId } from '../../server/src/core/kernel/kernel-tree';
import { loadParser } from '../../server/src/host/grammar';
import { lineOf } from '../helpers';
import { MemoryTree } from './memory-tree';
import { files, frobPatch } from './frob-fixture';
import { editMail } from './whole-fixture';

test('a tree in memory: the definition and the call the series forgot, and nothing it updated', async () => {
  const engine = new Engine(await loadParser());
  const doc = frobPatch();
  const without = engine.analyze(doc).findings.filter((f) => f.severity === 'error');
  assert.deepEqual(
    without.map((f) => f.message),
    [],
    'without a tree the series is consistent',
  );
  const tree = new MemoryTree(files);
  const found = engine.analyze(doc, { tree }).findings.filter((f) => f.ruleId === 'prototype-mismatch');
  assert.deepEqual(
    found.map((f) => [f.range.start.line + 1, f.message]),
    [
      [
        lineOf(doc, '+int frob_range(unsigned long start, unsigned long end, int nid);'),
        'arch/beta/mm/frob.c:4 still defines `frob_range()` with 2 parameters; the prototype changed in include/linux/frob.h (patch 1) takes 3 parameters',
      ],
      [
        lineOf(doc, '+int frob_range(unsigned long start, unsigned long end, int nid);'),
        'mm/user.c:10 still calls `frob_range()` with 2 arguments; the prototype changed in include/linux/frob.h (patch 1) takes 3 parameters',
      ],
    ],
  );
  assert.deepEqual(
    found[0].related.map((r) => [r.file, r.range.start.line + 1]),
    [[{ root: '/trees/memory', path: 'arch/beta/mm/frob.c' }, 4]],
  );
  assert.match(
    found[0].explanation,
    /In the kernel tree \(\/trees\/memory\), outside the series' hunks: 0 sites follow the new prototype and 2 sites do not, in 4 files that name `frob_range`/,
  );
});

test('a tree in memory: a hunk applied at an offset, one that applies nowhere, a file the tree lacks, a file that is not the base', async () => {
  const engine = new Engine(await loadParser());
  // alpha's file gained three lines at the top since the patch was made: its hunk applies 3 lines down.
  const shifted = { ...files, 'arch/alpha/mm/frob.c': '/* SPDX */\n/* moved */\n/* down */\n' + files['arch/alpha/mm/frob.c'] };
  const doc = frobPatch().replace(
    'diff --git a/arch/alpha/mm/frob.c b/arch/alpha/mm/frob.c',
    `diff --git a/arch/alpha/mm/frob.c b/arch/alpha/mm/frob.c\nindex ${gitBlobId(files['arch/alpha/mm/frob.c']).slice(0, 12)}..0123456789ab 100644`,
  );
  const a = engine.analyze(doc, { tree: new MemoryTree(shifted) }).findings;
  assert.deepEqual(
    a.filter((f) => f.ruleId === 'prototype-mismatch').map((f) => f.message.split(' still')[0]),
    ['arch/beta/mm/frob.c:4', 'mm/user.c:10'],
    'alpha still counts as updated',
  );
  assert.deepEqual(
    a.filter((f) => f.ruleId === 'tree-base').map((f) => [f.severity, f.message]),
    [
      [
        'information',
        `arch/alpha/mm/frob.c in the tree (blob ${gitBlobId(shifted['arch/alpha/mm/frob.c']).slice(0, 12)}) is not the pre-image this patch was made against (${gitBlobId(files['arch/alpha/mm/frob.c']).slice(0, 12)}): findings from it are relative to another base`,
      ],
    ],
  );
  // mm/user.c rewritten in the tree: the series' hunk applies nowhere, so the tree has another version of
  // the file and its calls are not judged (one may be the call the hunk updates): the note says the hunk
  // did not apply.
  const rewritten = { ...files, 'mm/user.c': '#include <linux/frob.h>\n\nvoid use_it(void)\n{\n\tfrob_range(0, PAGE_SIZE);\n}\n' };
  const b = engine.analyze(frobPatch(), { tree: new MemoryTree(rewritten) }).findings;
  assert.deepEqual(
    b.filter((f) => f.ruleId === 'tree-base').map((f) => f.message),
    ['this hunk does not apply to mm/user.c in the kernel tree (near line 3)'],
  );
  assert.deepEqual(
    b.filter((f) => f.ruleId === 'prototype-mismatch').map((f) => f.message.split(' still')[0]),
    ['arch/beta/mm/frob.c:4'],
  );
  const { 'arch/alpha/mm/frob.c': _gone, ...missing } = files;
  const c = engine.analyze(frobPatch(), { tree: new MemoryTree(missing) }).findings;
  assert.deepEqual(
    c.filter((f) => f.ruleId === 'tree-base').map((f) => f.message),
    ['the kernel tree has no arch/alpha/mm/frob.c'],
  );
});

test('a site below lines the series adds is named by its line in the tree; a file a hunk does not apply to is not judged', async () => {
  const engine = new Engine(await loadParser());
  const doc = editMail('mm: frob_range() takes a node', [
    {
      path: 'include/linux/frob.h',
      text: files['include/linux/frob.h'],
      edits: [{ after: 3, remove: 1, add: ['int frob_range(unsigned long start, unsigned long end, int nid);'] }],
    },
    {
      path: 'mm/user.c',
      text: files['mm/user.c'],
      edits: [{ after: 4, remove: 1, add: ['\t/* node 0 holds the first page */', '\tfrob_range(0, 4096, 0);'] }],
    },
  ]);
  // other()'s call is line 11 of mm/user.c as the patch leaves it, line 10 of the tree's file.
  const found = engine.analyze(doc, { tree: new MemoryTree(files) }).findings.filter((f) => f.ruleId === 'prototype-mismatch');
  assert.deepEqual(
    found.map((f) => f.message.split(' still')[0]),
    ['arch/alpha/mm/frob.c:3', 'arch/beta/mm/frob.c:4', 'mm/user.c:10'],
  );
  assert.equal(found[2].related[0].range.start.line + 1, 10);
  // The same patch on a tree whose mm/user.c is another version: its hunk does not apply, so its other
  // call is not judged, and the hover says so.
  const rewritten = { ...files, 'mm/user.c': files['mm/user.c'].replace('void use(void)', 'void use_it(void)') };
  const other = engine.analyze(doc, { tree: new MemoryTree(rewritten) }).findings.filter((f) => f.ruleId === 'prototype-mismatch');
  assert.deepEqual(
    other.map((f) => f.message.split(' still')[0]),
    ['arch/alpha/mm/frob.c:3', 'arch/beta/mm/frob.c:4'],
  );
  assert.match(other[0].explanation, /Not judged, because a hunk of the series does not apply to them \(the tree has another version\): mm\/user\.c\./);
});
