/**
 * A kernel tree is somebody else's directory: its git configuration may name programs, its HEAD may lead out
 * of it, its files may be FIFOs. Using it must run nothing it names, read nothing outside it, never block,
 * and say what it could not use while still finding what the rest of the tree shows.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DiskKernelTree } from '../../server/src/host/disk-tree';
import { gitBlobId } from '../../server/src/core/kernel/kernel-tree';
import { repoRoot } from '../helpers';
import { files, frobPatch } from './frob-fixture';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const FORGOTTEN = ['arch/beta/mm/frob.c:4 still defines `frob_range()`', 'mm/user.c:10 still calls `frob_range()`'];

/** A directory for one test: the tree, a marker folder every planted program writes into, and a patch. */
function setup(): { base: string; root: string; marks: string; hook: string; patch: string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-hostile-'));
  const root = path.join(base, 'tree');
  const marks = path.join(base, 'marks');
  fs.mkdirSync(marks);
  for (const [rel, text] of Object.entries({ ...files, MAINTAINERS: 'x\n', Kconfig: 'x\n' })) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  // Any program the tree names: it leaves a file named after how it was called, then fails.
  const hook = path.join(base, 'planted.sh');
  fs.writeFileSync(hook, `#!/bin/sh\ntouch "${marks}/$(basename "$0")-$$"\nexit 1\n`, { mode: 0o755 });
  const patch = path.join(base, 'frob.patch');
  fs.writeFileSync(patch, frobPatch());
  return { base, root, marks, hook, patch };
}

function gitInit(root: string): void {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  execFileSync('git', ['init', '-q'], { cwd: root, env });
  execFileSync('git', ['add', '-A'], { cwd: root, env });
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '-qm', 'tree'], { cwd: root, env });
}

/** Every configuration setting that names a program git might run, each naming the planted one. */
function plantConfig(root: string, hook: string, base: string): void {
  const hooks = path.join(base, 'hooks');
  fs.mkdirSync(hooks);
  for (const name of ['pre-commit', 'post-checkout', 'post-index-change', 'reference-transaction', 'fsmonitor-watchman', 'pre-auto-gc', 'post-rewrite'])
    fs.copyFileSync(hook, path.join(hooks, name));
  fs.chmodSync(hooks, 0o755);
  for (const f of fs.readdirSync(hooks)) fs.chmodSync(path.join(hooks, f), 0o755);
  const included = path.join(base, 'included.gitconfig');
  fs.writeFileSync(included, `[core]\n\tfsmonitor = ${hook}\n\tpager = ${hook}\n`);
  const config = path.join(root, '.git', 'config');
  fs.appendFileSync(
    config,
    [
      '[core]',
      `\tfsmonitor = ${hook}`,
      `\thooksPath = ${hooks}`,
      `\tpager = ${hook}`,
      `\tsshCommand = ${hook}`,
      `\teditor = ${hook}`,
      `\taskPass = ${hook}`,
      '[pager]',
      `\tgrep = ${hook}`,
      '[diff]',
      `\texternal = ${hook}`,
      '[diff "planted"]',
      `\ttextconv = ${hook}`,
      '[filter "planted"]',
      `\tclean = ${hook}`,
      `\tsmudge = ${hook}`,
      `\tprocess = ${hook}`,
      '[credential]',
      `\thelper = !${hook}`,
      '[include]',
      `\tpath = ${included}`,
      `[includeIf "gitdir:${root}/"]`,
      `\tpath = ${included}`,
      '',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(root, '.gitattributes'), '*.c diff=planted filter=planted\n*.h diff=planted filter=planted\n');
}

/** The user's own environment, as hostile as a tree can make it. */
function plantEnvironment(base: string, hook: string): NodeJS.ProcessEnv {
  const home = path.join(base, 'home');
  fs.mkdirSync(path.join(home, '.config', 'git'), { recursive: true });
  const planted = `[core]\n\tfsmonitor = ${hook}\n\tpager = ${hook}\n[diff]\n\texternal = ${hook}\n`;
  fs.writeFileSync(path.join(home, '.gitconfig'), planted);
  fs.writeFileSync(path.join(home, '.config', 'git', 'config'), planted);
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    GIT_CONFIG_GLOBAL: path.join(home, '.gitconfig'),
    GIT_CONFIG_NOSYSTEM: '',
    GIT_EXTERNAL_DIFF: hook,
    GIT_PAGER: hook,
    PAGER: hook,
    GIT_ASKPASS: hook,
    GIT_SSH_COMMAND: hook,
    GIT_DIR: path.join(base, 'nowhere'),
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'core.fsmonitor',
    GIT_CONFIG_VALUE_0: hook,
  };
}

/** The CLI keeps mined pairs in the user's cache directory: here one of the test's own. */
const testCache = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-hostile-cache-'));

function check(args: string[], env: NodeJS.ProcessEnv = process.env): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, 'check', ...args], { encoding: 'utf8', env: { ...env, XDG_CACHE_HOME: testCache }, timeout: 60_000 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

test('a git tree whose configuration (and the user environment) names programs: git grep runs none of them, and still finds the forgotten sites', () => {
  const { base, root, marks, hook, patch } = setup();
  gitInit(root);
  plantConfig(root, hook, base);
  // The planted settings do work for a plain git: the test would notice a protection that is missing.
  spawnSync('git', ['grep', '-l', 'frob_range'], { cwd: root, env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' } });
  assert.ok(fs.readdirSync(marks).length > 0, 'plain git grep ran the planted fsmonitor');
  for (const f of fs.readdirSync(marks)) fs.rmSync(path.join(marks, f));

  const r = check(['--tree', root, patch], plantEnvironment(base, hook));
  assert.deepEqual(fs.readdirSync(marks), [], 'nothing the tree or the environment names ran');
  assert.equal(r.code, 1, r.err + r.out);
  for (const site of FORGOTTEN) assert.ok(r.out.includes(site), `${site} in\n${r.out}`);
  assert.doesNotMatch(r.out, /tree-base/, 'nothing the tree could not give');

  // So does reading pre-images out of the git objects (cat-file), with the same environment.
  const saved = { ...process.env };
  Object.assign(process.env, plantEnvironment(path.join(base, 'again'), hook));
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
      encoding: 'utf8',
    }).trim();
    const objects = new DiskKernelTree(root).preImages([
      { path: 'mm/user.c', index: gitBlobId(files['mm/user.c']).slice(0, 12), baseCommit: null },
      { path: 'include/linux/frob.h', index: 'abcdef123456', baseCommit: head },
    ]);
    assert.deepEqual([objects.get('mm/user.c')?.source, objects.get('include/linux/frob.h')?.source], ['index-blob', 'base-commit']);
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  assert.deepEqual(fs.readdirSync(marks), [], 'nothing ran while reading git objects');

  // The editor's background search goes through the same protections.
  const tree = new DiskKernelTree(root, { started: () => undefined, ready: () => undefined });
  assert.equal(tree.filesNaming(['frob_range']), null, 'searching');
  return tree.settled().then(() => {
    assert.deepEqual(tree.filesNaming(['frob_range']), ['arch/alpha/mm/frob.c', 'arch/beta/mm/frob.c', 'include/linux/frob.h', 'mm/user.c']);
    assert.deepEqual(fs.readdirSync(marks), []);
    assert.deepEqual(tree.problems(), []);
  });
});

/** HEADs that lead out of the git directory, or that cannot be read: each is a note, and the tree's findings stay. */
const BAD_HEADS: { name: string; plant: (gitDir: string) => void; note: RegExp }[] = [
  {
    name: 'ref: to /dev/zero through ..',
    plant: (g) => fs.writeFileSync(path.join(g, 'HEAD'), 'ref: ../../../../../../../../dev/zero\n'),
    note: /HEAD names no ref inside the git directory/,
  },
  {
    name: 'ref: to /etc/hostname through ..',
    plant: (g) => fs.writeFileSync(path.join(g, 'HEAD'), 'ref: ../../etc/hostname\n'),
    note: /HEAD names no ref inside the git directory/,
  },
  {
    name: 'ref: refs/heads/x, a symlink to /dev/zero',
    plant: (g) => (fs.writeFileSync(path.join(g, 'HEAD'), 'ref: refs/heads/x\n'), fs.symlinkSync('/dev/zero', path.join(g, 'refs/heads/x'))),
    note: /packed|commit|HEAD/,
  },
  {
    name: 'HEAD a symlink to /dev/zero',
    plant: (g) => (fs.rmSync(path.join(g, 'HEAD')), fs.symlinkSync('/dev/zero', path.join(g, 'HEAD'))),
    note: /HEAD is missing or leads out of the git directory/,
  },
  { name: 'HEAD a FIFO', plant: (g) => (fs.rmSync(path.join(g, 'HEAD')), execFileSync('mkfifo', [path.join(g, 'HEAD')])), note: /a FIFO, not a regular file/ },
  {
    name: 'ref file a FIFO',
    plant: (g) => (fs.writeFileSync(path.join(g, 'HEAD'), 'ref: refs/heads/fifo\n'), execFileSync('mkfifo', [path.join(g, 'refs/heads/fifo')])),
    note: /a FIFO, not a regular file/,
  },
  { name: 'HEAD huge', plant: (g) => fs.writeFileSync(path.join(g, 'HEAD'), 'ref: refs/heads/main\n' + 'x'.repeat(100_000)), note: /over the limit/ },
];

for (const c of BAD_HEADS) {
  test(`a HEAD that cannot be used (${c.name}) is a tree-base note; the tree is still searched`, () => {
    const { root, patch } = setup();
    gitInit(root);
    c.plant(path.join(root, '.git'));
    const tree = new DiskKernelTree(root);
    assert.equal(tree.problems().length, 1, tree.problems().join('\n'));
    assert.match(tree.problems()[0], c.note);
    const r = check(['--tree', root, patch]);
    assert.equal(r.code, 1, r.err);
    for (const site of FORGOTTEN) assert.ok(r.out.includes(site), `${site} in\n${r.out}`);
    assert.match(r.out, /information: the kernel tree at .*: its HEAD cannot be used .* \[tree-base\]/);
  });
}

test('a .git that is a file (a worktree pointing elsewhere) is searched without git, and said', () => {
  const { base, root, patch, marks, hook } = setup();
  const elsewhere = path.join(base, 'elsewhere.git');
  fs.mkdirSync(elsewhere);
  fs.writeFileSync(path.join(elsewhere, 'config'), `[core]\n\tfsmonitor = ${hook}\n`);
  fs.writeFileSync(path.join(root, '.git'), `gitdir: ${elsewhere}\n`);
  const r = check(['--tree', root, patch]);
  assert.equal(r.code, 1, r.err);
  for (const site of FORGOTTEN) assert.ok(r.out.includes(site), `${site} in\n${r.out}`);
  assert.match(r.out, /its \.git is a file pointing to a git directory elsewhere; the tree is searched without git \[tree-base\]/);
  assert.deepEqual(fs.readdirSync(marks), []);
});

test('a tree without git holding FIFOs and devices named like sources: grep skips them, nothing blocks', () => {
  const { root, patch } = setup();
  execFileSync('mkfifo', [path.join(root, 'mm', 'blocking.c')]);
  fs.symlinkSync('/dev/zero', path.join(root, 'mm', 'zero.h'));
  const r = check(['--tree', root, patch]);
  assert.equal(r.code, 1, r.err);
  for (const site of FORGOTTEN) assert.ok(r.out.includes(site), `${site} in\n${r.out}`);
  const tree = new DiskKernelTree(root);
  assert.equal(tree.read('mm/blocking.c'), null);
  assert.equal(tree.read('mm/zero.h'), null);
});
