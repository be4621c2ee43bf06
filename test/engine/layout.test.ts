/** The house as ARCHITECTURE.md describes it: every folder named there, every module saying what it is, no two files of one name. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers';

const SRC = path.join(repoRoot, 'server/src');

function walk(dir: string): { dirs: string[]; files: string[] } {
  const dirs: string[] = [];
  const files: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      dirs.push(p);
      const sub = walk(p);
      dirs.push(...sub.dirs);
      files.push(...sub.files);
    } else if (e.name.endsWith('.ts')) files.push(p);
  }
  return { dirs, files };
}

const { dirs, files } = walk(SRC);
const modules = files.filter((f) => !f.endsWith('.d.ts'));

test('ARCHITECTURE.md names every folder of server/src', () => {
  const doc = fs.readFileSync(path.join(repoRoot, 'ARCHITECTURE.md'), 'utf8');
  assert.ok(dirs.length >= 15);
  // The layout block writes a folder by its path under server/src (`core/c/syntax/`) or, indented under its parent, by its last parts.
  const missing = dirs
    .map((d) => path.relative(SRC, d).split(path.sep).join('/'))
    .filter((rel) => !doc.includes(`${rel}/`) && !doc.includes(` ${rel.split('/').slice(1).join('/')}/ `));
  assert.deepEqual(missing, []);
});

test('every module starts by saying what it is (an @file comment)', () => {
  assert.deepEqual(
    modules.filter((f) => !/^\/\*\*[\s\S]*?@file /.test(fs.readFileSync(f, 'utf8').slice(0, 600))).map((f) => path.relative(repoRoot, f)),
    [],
  );
});

test('no two modules share a file name, index.ts apart', () => {
  const byName = new Map<string, string[]>();
  for (const f of modules) byName.set(path.basename(f), [...(byName.get(path.basename(f)) ?? []), path.relative(SRC, f)]);
  assert.deepEqual(
    [...byName].filter(([name, at]) => name !== 'index.ts' && at.length > 1),
    [],
  );
});
