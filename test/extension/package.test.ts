/** The extension's manifest and the .vsix that `npm run package` builds. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readSettings } from '../../server/src/lsp/settings';
import { defaultRules } from '../../server/src/rules';
import { repoRoot } from '../helpers';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

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
  execFileSync(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out], { cwd: repoRoot, stdio: 'pipe' });
  assert.deepEqual(zipEntries(out).sort(), [
    '[Content_Types].xml',
    'extension.vsixmanifest',
    'extension/LICENSE.txt',
    'extension/dist/extension.js',
    'extension/dist/server.js',
    'extension/dist/tree-sitter-c.wasm',
    'extension/dist/web-tree-sitter.wasm',
    'extension/package.json',
    'extension/readme.md',
    'extension/syntaxes/mail.tmLanguage.json',
  ]);
});

test('activates for the built-in diff language and leaves .patch/.diff to it; mail files get their language', () => {
  assert.ok(manifest.activationEvents.includes('onLanguage:diff'));
  assert.ok(manifest.activationEvents.includes('onLanguage:mm-mail'));
  const claimed = manifest.contributes.languages.flatMap((l: { extensions?: string[] }) => l.extensions ?? []);
  assert.deepEqual(claimed.sort(), ['.eml', '.mbox']);
  assert.equal(manifest.contributes.grammars[0].language, 'mm-mail');
  assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.equal(manifest.engines.vscode, '^1.91.0');
});

test('every contributed command is registered by the extension, and every setting is read by the server', () => {
  const source = fs.readFileSync(path.join(repoRoot, 'client/src/extension.ts'), 'utf8');
  for (const c of manifest.contributes.commands) assert.ok(source.includes(`registerCommand('${c.command}'`), c.command);
  const keys = Object.keys(manifest.contributes.configuration.properties).map((k) => k.replace(/^mmReview\./, '')).sort();
  assert.deepEqual(keys, Object.keys(readSettings({})).sort());
  // The extension keeps no list of rules of its own: it asks the server.
  assert.doesNotMatch(source, new RegExp(defaultRules.map((r) => `'${r.id}'`).join('|')));
  const enumValues = manifest.contributes.configuration.properties['mmReview.rules'].additionalProperties.enum;
  assert.deepEqual(enumValues, ['error', 'warning', 'information', 'hint', 'off']);
});
