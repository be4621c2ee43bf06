/**
 * Pairs mined from the reviewer's own tree: a family only that tree declares is known to the analysis with
 * the tree and not without; the mining is kept per content in the cache directory; the walk stays in include/.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskKernelTree } from '../../server/src/host/disk-tree';
import { headerPaths, kernelVersion } from '../../server/src/host/tree-pairs';
import { sharedEngine } from '../rules/tester';
import { addedCodePatch, lineOf } from '../helpers';

const HEADER = 'struct gadget *gadget_lookup_get(struct bus *bus, int id);\nvoid gadget_lookup_put(struct gadget *g);\n';

function tree(): { root: string; cache: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-treepairs-'));
  const root = path.join(base, 'tree');
  fs.mkdirSync(path.join(root, 'include/linux'), { recursive: true });
  fs.writeFileSync(path.join(root, 'include/linux/gadget.h'), HEADER);
  fs.writeFileSync(path.join(root, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 3\nEXTRAVERSION = -rc1\n');
  return { root, cache: path.join(base, 'cache') };
}

/** The reference is kept on success; the patch never calls the put, so only the tree can pair it. */
const gadgetPatch = addedCodePatch(
  'drivers/gadget: look the gadget up',
  'drivers/gadget/core.c',
  'int gadget_attach(struct bus *bus, int id)\n{\n\tstruct gadget *g = gadget_lookup_get(bus, id);\n\n\tif (!g)\n\t\treturn -ENODEV;\n\tif (g->dead)\n\t\treturn -EIO;\n\tbus->current = g;\n\treturn 0;\n}',
);

test("a family only the reviewer's tree declares: known with the tree, not without", async () => {
  const { root, cache } = tree();
  const engine = await sharedEngine();
  const leaks = (tree?: DiskKernelTree): string[] =>
    engine
      .analyze(gadgetPatch, tree ? { tree } : {})
      .findings.filter((f) => f.ruleId === 'unbalanced-counter')
      .map((f) => `${f.range.start.line + 1}: ${f.message}`);
  assert.deepEqual(leaks(), [], 'the committed table does not know it');
  const t = new DiskKernelTree(root, null, cache);
  assert.deepEqual(leaks(t), [
    `${lineOf(gadgetPatch, 'gadget_lookup_get(bus, id);')}: on the path returning at line ${lineOf(gadgetPatch, 'return -EIO;')}, \`gadget_lookup_get()\` from line ${lineOf(gadgetPatch, 'gadget_lookup_get(bus, id);')} is never released`,
  ]);
  assert.match(t.minedPairs().provenance, /^1 pairs? mined from 1 headers? of .* \(linux 6\.12\.3-rc1\): 0 lock guards, 0 classes, 1 get\/put famil/);
});

test('mined once per content: the cache directory answers a new tree object; new content is mined again', () => {
  const { root, cache } = tree();
  const first = new DiskKernelTree(root, null, cache).minedPairs();
  assert.deepEqual(
    first.pairs.map((p) => p.id),
    ['mined:gadget_lookup_get'],
  );
  assert.equal(fs.readdirSync(cache).length, 1);
  // The header made unreadable in place (no top-level change): a new tree object still gets the cached pairs.
  fs.writeFileSync(path.join(root, 'include/linux/gadget.h'), '');
  assert.deepEqual(new DiskKernelTree(root, null, cache).minedPairs(), first);
  // Without a cache directory it is mined afresh, and finds nothing now.
  assert.deepEqual(new DiskKernelTree(root, null, null).minedPairs().pairs, []);
  // A damaged cache file is not used.
  const file = path.join(cache, fs.readdirSync(cache)[0]);
  fs.writeFileSync(file, '{"key": 1}');
  assert.deepEqual(new DiskKernelTree(root, null, cache).minedPairs().pairs, []);
});

test('in a git checkout the content is the HEAD commit: a commit is mined again', () => {
  const { root, cache } = tree();
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  const git = (...args: string[]): void => void execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: root, env });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'one');
  assert.equal(new DiskKernelTree(root, null, cache).minedPairs().pairs.length, 1);
  fs.writeFileSync(path.join(root, 'include/linux/gadget.h'), HEADER.replace(/gadget_lookup/g, 'gadget_find'));
  git('commit', '-qam', 'two');
  assert.deepEqual(
    new DiskKernelTree(root, null, cache).minedPairs().pairs.map((p) => p.id),
    ['mined:gadget_find_get'],
  );
  assert.equal(fs.readdirSync(cache).length, 2);
});

test('the walk: headers under include/ only, no symlink followed; the version from the Makefile', () => {
  const { root } = tree();
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-outside-'));
  fs.writeFileSync(path.join(outside, 'evil.h'), HEADER);
  fs.symlinkSync(outside, path.join(root, 'include/linked'));
  fs.symlinkSync(path.join(outside, 'evil.h'), path.join(root, 'include/linux/evil.h'));
  fs.mkdirSync(path.join(root, 'mm'));
  fs.writeFileSync(path.join(root, 'mm/internal.h'), HEADER);
  fs.writeFileSync(path.join(root, 'include/linux/notes.txt'), HEADER);
  assert.deepEqual(headerPaths(root), ['include/linux/gadget.h']);
  const moved = path.join(path.dirname(root), 'other');
  fs.renameSync(path.join(root, 'include'), moved);
  fs.symlinkSync(moved, path.join(root, 'include'));
  assert.deepEqual(headerPaths(root), [], 'include/ itself a symlink');
  assert.equal(kernelVersion('VERSION = 6\nPATCHLEVEL = 1\nSUBLEVEL = 0\nEXTRAVERSION =\nNAME = x\n'), '6.1.0');
});
