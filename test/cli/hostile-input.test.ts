/**
 * What the command line is handed is not always a patch, nor a file: FIFOs, devices, links to them, sparse
 * files of gigabytes, configuration files that are none of these. Each is checked before it is read, and
 * answered with a message and an exit status, never a hang or an out-of-memory crash.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { customPairConfig, customPairPatch, repoRoot } from '../helpers';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-hostile-input-'));

function run(args: string[], input?: string | Buffer): { code: number; out: string; err: string } {
  // The time limit is a guard against a hang (the class under test), not a performance assertion.
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', cwd: tmp, timeout: 60_000, maxBuffer: 64 << 20 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const patch = path.join(tmp, 'bind.patch');
fs.writeFileSync(patch, customPairPatch());
const fifo = path.join(tmp, 'fifo.json');
execFileSync('mkfifo', [fifo]);
fs.symlinkSync('/dev/zero', path.join(tmp, 'zero.json'));
fs.mkdirSync(path.join(tmp, 'dir.json'));
fs.writeFileSync(path.join(tmp, 'big.json'), JSON.stringify({ pairs: [], pad: 'x'.repeat(1 << 20) }));
fs.writeFileSync(path.join(tmp, 'good.json'), JSON.stringify(customPairConfig));

const CONFIGS: { file: string; err: RegExp }[] = [
  { file: 'fifo.json', err: /cannot read fifo\.json: is a FIFO, not a regular file/ },
  { file: 'zero.json', err: /cannot read zero\.json: is a character device, not a regular file/ },
  { file: 'dir.json', err: /cannot read dir\.json: is a directory, not a regular file/ },
  { file: 'big.json', err: /cannot read big\.json: is 1\.0 MiB, over the limit of 1\.0 MiB/ },
  { file: 'missing.json', err: /cannot read missing\.json: no such file/ },
];

for (const c of CONFIGS) {
  test(`--config ${c.file}: refused before reading, exit 2 with the reason`, () => {
    const r = run(['check', '--config', c.file, 'bind.patch']);
    assert.equal(r.code, 2, r.out);
    assert.match(r.err, c.err);
  });
}

test('./.mm-review.json that is a FIFO or a link to /dev/zero is refused too (the default file is only skipped when absent)', () => {
  for (const target of [fifo, '/dev/zero']) {
    const dir = fs.mkdtempSync(path.join(tmp, 'cwd-'));
    fs.symlinkSync(target, path.join(dir, '.mm-review.json'));
    fs.writeFileSync(path.join(dir, 'bind.patch'), customPairPatch());
    const r = spawnSync(process.execPath, [cli, 'check', 'bind.patch'], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
    assert.equal(r.status, 2, target);
    assert.match(r.stderr, /cannot read \.mm-review\.json: is a (FIFO|character device), not a regular file/);
  }
  assert.equal(run(['check', '--config', 'good.json', 'bind.patch']).code, 1, 'a good config still works: the custom pair finds its leak');
});

test('an 8 GiB sparse file with --max-size 1 is refused by its size, unread', () => {
  const huge = path.join(tmp, 'huge.patch');
  fs.writeFileSync(huge, '');
  fs.truncateSync(huge, 8 * 1024 ** 3);
  const r = run(['check', '--max-size', '1', 'huge.patch']);
  assert.equal(r.code, 0, r.err);
  assert.equal(
    r.out,
    'huge.patch:1:1: warning: huge.patch is 8192.0 MiB, over the limit of 1.0 MiB; it is not analysed [analysis-limit]\nmm-review: 0 errors, 1 warning, 0 information (1 document, 0 patches)\n',
  );
  // Without --max-size the default limit (32 MiB) refuses it the same way.
  assert.match(run(['check', 'huge.patch']).out, /huge\.patch is 8192\.0 MiB, over the limit of 32\.0 MiB/);
});

test('endless or oversized streams stop at the limit: /dev/zero, a link to it, standard input', () => {
  fs.symlinkSync('/dev/zero', path.join(tmp, 'zero.patch'));
  for (const name of ['/dev/zero', 'zero.patch']) {
    const r = run(['check', '--max-size', '1', name]);
    assert.equal(r.code, 0, r.err);
    assert.match(
      r.out,
      new RegExp(`^${name.replace(/[./]/g, '\\$&')}:1:1: warning: .* is larger than the limit of 1\\.0 MiB; it is not analysed \\[analysis-limit\\]`),
    );
  }
  const stdin = run(['check', '--max-size', '1', '-'], Buffer.alloc(3 << 20, 0x41));
  assert.match(stdin.out, /^<stdin>:1:1: warning: <stdin> is larger than the limit of 1\.0 MiB; it is not analysed/);
});

test('a FIFO named as the input is read like standard input (process substitution)', () => {
  const input = path.join(tmp, 'input.fifo');
  execFileSync('mkfifo', [input]);
  const r = spawnSync('sh', ['-c', `cat bind.patch > input.fifo & exec "${process.execPath}" "${cli}" check input.fifo`], {
    encoding: 'utf8',
    cwd: tmp,
    timeout: 60_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'mm-review: 0 errors, 0 warnings, 0 information (1 document, 1 patch)\n');
});

test('a file with no patch and no C is said to hold nothing to review; a missing one is a usage error', () => {
  fs.writeFileSync(path.join(tmp, 'notes.txt'), 'Thanks, applied to mm-unstable.\n\nAndrew\n');
  const r = run(['check', 'notes.txt']);
  assert.equal(r.code, 0);
  assert.equal(
    r.out,
    'notes.txt:1:1: information: no patch or C code found in this document; nothing was reviewed [analysis-limit]\nmm-review: 0 errors, 0 warnings, 1 information (1 document, 0 patches)\n',
  );
  assert.equal(run(['check', '--rule', 'analysis-limit=off', 'notes.txt']).out, 'mm-review: 0 errors, 0 warnings, 0 information (1 document, 0 patches)\n');
  const missing = run(['check', 'nope.patch']);
  assert.equal(missing.code, 2);
  assert.equal(missing.err, 'mm-review: cannot read nope.patch: no such file\n');
});
