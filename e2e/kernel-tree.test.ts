/**
 * The tree-aware rules on a real kernel tree: Debian's linux-source-6.12 (mm/, arch/, include/), which
 * scripts/setup-e2e.sh fetches into the git-ignored .cache/ (or the tree MM_REVIEW_KERNEL_TREE names).
 * Patches are written at test time from the tree's own lines, so they apply and carry real blob ids.
 */
import { test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { maskKernelAnnotations } from '../server/src/core/c/syntax/mask';
import { functionAt } from '../server/src/core/c/syntax/whole-functions';
import { Engine } from '../server/src/core/engine';
import type { Finding } from '../server/src/core/findings';
import { loadParser } from '../server/src/host/grammar';
import { DiskKernelTree } from '../server/src/host/disk-tree';
import { lineOf, readSeed, repoRoot, seedsSkip } from '../test/helpers';
import { kernelTree, kernelTreeSkip, treePatch, VMEMMAP_SITES } from './kernel-tree-fixture';

const treeTest = (name: string, fn: (t: TestContext) => void | Promise<void>): void => void test(name, { skip: kernelTreeSkip() }, fn);

const shown = (
  findings: Finding[],
  rules = ['unbalanced-counter', 'unwind-leak', 'unwind-double-free', 'lock-not-held', 'use-after-unlock'],
): [number, string, string][] =>
  findings.filter((f) => rules.includes(f.ruleId) && f.origin === 'introduced').map((f) => [f.range.start.line + 1, f.ruleId, f.message]);

const cli = path.join(repoRoot, 'dist', 'cli.js');
const cliCache = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-e2e-cache-'));
function run(args: string[]): { code: number; out: string; err: string } {
  // Pairs mined from the tree are cached under the user's cache directory: here the run's own.
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: repoRoot, env: { ...process.env, XDG_CACHE_HOME: cliCache } });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

treeTest('linux-source-6.12: an early return that skips the unlock far below the hunk', async () => {
  const root = kernelTree()!;
  const engine = new Engine(await loadParser());
  const tree = new DiskKernelTree(root);
  const patch = (body: string): string =>
    treePatch(root, 'mm/page_reporting: refuse a device with no report()', [
      {
        path: 'mm/page_reporting.c',
        after: /^int page_reporting_register\(/,
        match: /^\tatomic_set\(&prdev->state, PAGE_REPORTING_IDLE\);$/,
        replace: (l) => `${l}\n\tif (!prdev->report) {\n${body}\n\t}`,
      },
    ]);
  const bad = patch('\t\treturn -EINVAL;');
  assert.deepEqual(shown(engine.analyze(bad).findings), []);
  const lock =
    fs
      .readFileSync(path.join(root, 'mm/page_reporting.c'), 'utf8')
      .split('\n')
      .findIndex((l, i, all) => l === '\tmutex_lock(&page_reporting_mutex);' && all.slice(0, i).some((x) => x.startsWith('int page_reporting_register('))) + 1;
  const ret = lineOf(bad, '+\t\treturn -EINVAL;');
  const found = engine.analyze(bad, { tree }).findings;
  assert.deepEqual(shown(found), [
    [ret, 'unbalanced-counter', `on the path returning at line ${ret}, \`mutex_lock()\` from mm/page_reporting.c:${lock} is never released`],
  ]);
  assert.deepEqual(found.find((f) => f.ruleId === 'unbalanced-counter')!.related[0].file, { root, path: 'mm/page_reporting.c' });
  assert.deepEqual(shown(engine.analyze(patch('\t\terr = -EINVAL;\n\t\tgoto err_out;'), { tree }).findings), []);
});

treeTest('linux-source-6.12: the function around a line, found in kernel layout, is the one tree-sitter reads, in mm/', async () => {
  const root = kernelTree()!;
  const parser = await loadParser();
  let defs = 0;
  let same = 0;
  for (const name of fs.readdirSync(path.join(root, 'mm')).filter((n) => n.endsWith('.c'))) {
    const text = fs.readFileSync(path.join(root, 'mm', name), 'utf8');
    const lines = text.split('\n');
    const tree = parser.parse(maskKernelAnnotations(text));
    // Definitions tree-sitter reads without error, laid out the kernel's way (`{` and `}` alone at column 0),
    // asked for from their first line, a line of the body and their last line.
    for (const d of tree.rootNode.descendantsOfType('function_definition')) {
      if (!d || d.hasError || d.parent?.type === 'compound_statement' || !/\n\{/.test(d.text) || !/\n\}$/.test(d.text)) continue;
      defs++;
      const want = `${d.startPosition.row}:${d.endPosition.row}`;
      const body = d.childForFieldName('body')!.startPosition.row + 1;
      if ([d.startPosition.row, body, d.endPosition.row].every((row) => functionAt(lines, row)?.join(':') === want)) same++;
    }
    tree.delete();
    // Between functions there is none.
    const between = lines.findIndex((l, i) => l === '}' && lines[i + 1] === '' && i + 2 < lines.length);
    if (between >= 0) assert.equal(functionAt(lines, between + 1), null, `${name}:${between + 2}`);
  }
  assert.ok(defs > 4000, `${defs} definitions`);
  // The rest start one line higher: an annotation line (`noinline`, `__printf(2, 3)`) taken as part of the header.
  assert.ok(same / defs > 0.99, `${same} of ${defs}`);
});

treeTest('the seeds with linux-source-6.12 as the tree: no error or warning the tree does not justify', async (t) => {
  const root = kernelTree()!;
  const engine = new Engine(await loadParser());
  const tree = new DiskKernelTree(root);
  if (seedsSkip()) return t.skip(seedsSkip() as string);
  for (const seed of ['001', '002', '004']) {
    const text = readSeed(seed);
    const without = engine.analyze(text).findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
    const withTree = engine.analyze(text, { tree }).findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
    assert.deepEqual(
      withTree.map((f) => f.message),
      without.map((f) => f.message),
      seed,
    );
  }
});

treeTest('linux-source-6.12: a pgmap patch that forgets riscv reports exactly riscv; without the tree, nothing; a stale base gets its note', async () => {
  const root = kernelTree()!;
  const engine = new Engine(await loadParser());
  const doc = treePatch(
    root,
    'mm: pass pgmap to vmemmap_populate()',
    VMEMMAP_SITES.filter((e) => e.path !== 'arch/riscv/mm/init.c'),
  );
  assert.deepEqual(
    engine.analyze(doc).findings.map((f) => f.message),
    [],
  );
  const tree = new DiskKernelTree(root);
  const found = engine.analyze(doc, { tree }).findings;
  assert.deepEqual(
    found.map((f) => [f.ruleId, f.severity, f.range.start.line + 1, f.message]),
    [
      [
        'prototype-mismatch',
        'error',
        lineOf(doc, '+\t\tstruct vmem_altmap *altmap, struct dev_pagemap *pgmap);'),
        'arch/riscv/mm/init.c:1474 still defines `vmemmap_populate()` with 4 parameters; the prototype changed in include/linux/mm.h (patch 1) takes 5 parameters',
      ],
    ],
  );
  assert.equal(found[0].related[0].file?.path, 'arch/riscv/mm/init.c');
  // Every architecture updated: nothing.
  const all = treePatch(root, 'mm: pass pgmap to vmemmap_populate()', VMEMMAP_SITES);
  assert.deepEqual(
    engine.analyze(all, { tree }).findings.map((f) => f.message),
    [],
  );
  // The patch says it was made against another arm64 mmu.c.
  const stale = treePatch(root, 'mm: pass pgmap to vmemmap_populate()', VMEMMAP_SITES, { 'arch/arm64/mm/mmu.c': '0123456789ab..fedcba987654' });
  const notes = engine.analyze(stale, { tree }).findings;
  assert.deepEqual(
    notes.map((f) => [f.ruleId, f.severity, f.range.start.line + 1]),
    [['tree-base', 'information', lineOf(stale, 'index 0123456789ab..fedcba987654 100644')]],
  );
  assert.match(
    notes[0].message,
    /^arch\/arm64\/mm\/mmu\.c in the tree \(blob [0-9a-f]{12}\) is not the pre-image this patch was made against \(0123456789ab\)/,
  );
});

treeTest('check --tree: the forgotten architecture named in text and JSON (with its file), and a bad --tree is usage', () => {
  const root = kernelTree()!;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-tree-'));
  const patch = path.join(dir, 'pgmap.patch');
  fs.writeFileSync(
    patch,
    treePatch(
      root,
      'mm: pass pgmap to vmemmap_populate()',
      VMEMMAP_SITES.filter((e) => e.path !== 'arch/riscv/mm/init.c'),
    ),
  );
  const text = run(['check', '--tree', root, patch]);
  assert.equal(text.code, 1, text.err);
  assert.match(text.out, /error: arch\/riscv\/mm\/init\.c:1474 still defines `vmemmap_populate\(\)` with 4 parameters/);
  const json = JSON.parse(run(['check', '--format', 'json', `--tree=${root}`, patch]).out);
  const [f] = json.documents[0].findings;
  assert.deepEqual(
    [f.ruleId, f.related[0].treeFile, f.related[0].line, f.related[0].treeRoot],
    ['prototype-mismatch', 'arch/riscv/mm/init.c', 1474, fs.realpathSync(root)],
  );
  assert.equal(run(['check', patch]).code, 0, 'without the tree the patch is consistent');
  const bad = run(['check', '--tree', path.join(dir, 'nope'), patch]);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--tree .*nope: no such file/);
});
