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
