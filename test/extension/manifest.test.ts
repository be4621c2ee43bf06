/** The extension's manifest: languages, activation, commands and settings agree with the code. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSettings } from '../../server/src/lsp/settings';
import { defaultRules } from '../../server/src/core/rules';
import { repoRoot } from '../helpers';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));

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
  const keys = Object.keys(manifest.contributes.configuration.properties)
    .map((k) => k.replace(/^mmReview\./, ''))
    .sort();
  assert.deepEqual(keys, Object.keys(readSettings({})).sort());
  // The extension keeps no list of rules of its own: it asks the server.
  assert.doesNotMatch(source, new RegExp(defaultRules.map((r) => `'${r.id}'`).join('|')));
  const enumValues = manifest.contributes.configuration.properties['mmReview.rules'].additionalProperties.enum;
  assert.deepEqual(enumValues, ['error', 'warning', 'information', 'hint', 'off']);
});
