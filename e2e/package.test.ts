/** The .vsix that `npm run package` builds (vsce packaging takes seconds: end-to-end, not a unit test). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../test/helpers';

/** File names in a zip archive, read from its central directory. */
export function zipEntries(file: string): string[] {
  const buf = fs.readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const nameLen = buf.readUInt16LE(at + 28);
    const extra = buf.readUInt16LE(at + 30);
    const comment = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extra + comment;
  }
  return names;
}

test('the .vsix holds only the bundles, the wasm files, the grammar, README, LICENSE and the manifest', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-vsix-')), 'mm-review.vsix');
  const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
  execFileSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], {
    cwd: repoRoot,
    stdio: 'pipe',
  });
  assert.deepEqual(zipEntries(out).sort(), [
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension/LICENSE.txt',
    'extension/dist/analysis-worker-main.js',
    'extension/dist/analysis-worker.js',
    'extension/dist/extension.js',
    'extension/dist/server-main.js',
    'extension/dist/server.js',
    'extension/dist/tree-sitter-c.wasm',
    'extension/dist/web-tree-sitter.wasm',
    'extension/package.json',
    'extension/readme.md',
    'extension/syntaxes/mail.tmLanguage.json',
    'extension/syntaxes/reply.tmLanguage.json',
  ]);
});
