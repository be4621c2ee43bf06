/** The kernel tree on disk: the search, and the boundary of the tree. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskKernelTree, looksLikeKernelTree } from '../../server/src/host/disk-tree';
import { files } from './frob-fixture';

function writeTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-disk-'));
  for (const [rel, text] of Object.entries({ ...files, MAINTAINERS: 'x\n', Kconfig: 'x\n' })) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  // Outside the tree, reachable only through a symlink.
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-outside-'));
  fs.writeFileSync(path.join(outside, 'leak.c'), 'int x = frob_range(1, 2);\n');
  fs.symlinkSync(outside, path.join(root, 'mm', 'outside'));
  fs.symlinkSync(path.join(outside, 'leak.c'), path.join(root, 'mm', 'leak.c'));
  return root;
}

for (const git of [false, true]) {
  test(`the search ${git ? '(git grep)' : '(grep -r)'}: whole words in C files, nothing through a symlink out of the tree`, () => {
    const root = writeTree();
    if (git) {
      execFileSync('git', ['init', '-q'], { cwd: root });
      execFileSync('git', ['add', '-A'], { cwd: root });
    }
    const tree = new DiskKernelTree(root);
    assert.deepEqual(tree.filesNaming(['frob_range']), ['arch/alpha/mm/frob.c', 'arch/beta/mm/frob.c', 'include/linux/frob.h', 'mm/user.c']);
    assert.deepEqual(tree.filesNaming(['frob_rang']), [], 'whole words only');
    assert.equal(tree.read('mm/outside/leak.c'), null);
    assert.equal(tree.read('mm/leak.c'), null);
    assert.equal(tree.read('../etc/passwd'), null);
    assert.equal(tree.read('/etc/passwd'), null);
    assert.equal(tree.read('mm/user.c'), files['mm/user.c']);
  });
}

test('an edited file is read again; looksLikeKernelTree wants MAINTAINERS, Kconfig, mm/ and arch/', () => {
  const root = writeTree();
  const tree = new DiskKernelTree(root);
  assert.equal(tree.read('mm/user.c'), files['mm/user.c']);
  fs.writeFileSync(path.join(root, 'mm/user.c'), files['mm/user.c'] + '/* edited, longer */\n');
  assert.match(tree.read('mm/user.c') ?? '', /edited, longer/);
  assert.equal(looksLikeKernelTree(root), true);
  fs.rmSync(path.join(root, 'Kconfig'));
  assert.equal(looksLikeKernelTree(root), false);
});

for (const git of [false, true]) {
  test(`searches are kept on disk per revision ${git ? '(git: HEAD and the index)' : '(top-level times)'}: a second run answers without searching`, () => {
    const root = writeTree();
    const commit = (): void => {
      execFileSync('git', ['add', '-A'], { cwd: root });
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-q', '-m', 'x'], { cwd: root });
    };
    if (git) {
      execFileSync('git', ['init', '-q'], { cwd: root });
      commit();
    }
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-cache-'));
    const want = ['arch/alpha/mm/frob.c', 'arch/beta/mm/frob.c', 'include/linux/frob.h', 'mm/user.c'];
    const first = new DiskKernelTree(root, null, cache);
    assert.deepEqual(first.filesNaming(['frob_range']), want);
    assert.equal(first.stats.searches, 1);
    const second = new DiskKernelTree(root, null, cache);
    assert.deepEqual(second.filesNaming(['frob_range']), want);
    assert.equal(second.stats.searches, 0, 'answered from the cache');
    // A new file naming it, and a new revision: searched again.
    fs.writeFileSync(path.join(root, 'mm', 'more.c'), 'int y = frob_range(3, 4);\n');
    if (git) commit();
    else fs.writeFileSync(path.join(root, 'NEWS'), 'a top-level change\n');
    const third = new DiskKernelTree(root, null, cache);
    assert.deepEqual(third.filesNaming(['frob_range']), [...want.slice(0, 3), 'mm/more.c', 'mm/user.c']);
    assert.equal(third.stats.searches, 1);
    // The editor saw a file change: the kept searches go, on disk too.
    third.forget();
    const fourth = new DiskKernelTree(root, null, cache);
    fourth.filesNaming(['frob_range']);
    assert.equal(fourth.stats.searches, 1);
  });
}

test('a kept search is used only as written: another tree’s, a damaged file, a path out of the tree', () => {
  const root = writeTree();
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-cache-'));
  new DiskKernelTree(root, null, cache).filesNaming(['frob_range']);
  const [file] = fs.readdirSync(cache).filter((f) => f.startsWith('searches-'));
  const kept = JSON.parse(fs.readFileSync(path.join(cache, file), 'utf8')) as { entries: [string, string[]][] };
  // A path planted in the cache that leads out of the tree is dropped when read back.
  kept.entries[0][1] = ['../../etc/passwd', 'mm/outside/leak.c', 'mm/user.c'];
  fs.writeFileSync(path.join(cache, file), JSON.stringify(kept));
  const planted = new DiskKernelTree(root, null, cache);
  assert.deepEqual(planted.filesNaming(['frob_range']), ['mm/user.c']);
  assert.equal(planted.stats.searches, 0);
  fs.writeFileSync(path.join(cache, file), '{ not json');
  const damaged = new DiskKernelTree(root, null, cache);
  assert.deepEqual(damaged.filesNaming(['frob_range']), ['arch/alpha/mm/frob.c', 'arch/beta/mm/frob.c', 'include/linux/frob.h', 'mm/user.c']);
  assert.equal(damaged.stats.searches, 1);
  // Another tree with the same files has a cache of its own.
  const other = new DiskKernelTree(writeTree(), null, cache);
  other.filesNaming(['frob_range']);
  assert.equal(other.stats.searches, 1);
});
