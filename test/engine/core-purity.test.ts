/** The core reads text and returns findings: no editor, no LSP, no file system (DESIGN.md). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers';

/** Everything under server/src/core: the adapters (cli/, lsp/, host/) are outside it. */
const CORE = ['core'];
const FORBIDDEN =
  /from\s+['"](?:node:)?(?:fs|fs\/promises|child_process|vscode|vscode-languageserver[^'"]*|vscode-languageclient[^'"]*)['"]|require\(\s*['"](?:node:)?fs['"]\s*\)/;

function files(p: string): string[] {
  if (!fs.existsSync(p)) return [];
  if (fs.statSync(p).isFile()) return p.endsWith('.ts') ? [p] : [];
  return fs.readdirSync(p).flatMap((n) => files(path.join(p, n)));
}

test('core modules import neither vscode, the LSP libraries nor the file system', () => {
  const all = CORE.flatMap((c) => files(path.join(repoRoot, 'server/src', c)));
  assert.ok(all.length > 80);
  for (const f of all) assert.doesNotMatch(fs.readFileSync(f, 'utf8'), FORBIDDEN, path.relative(repoRoot, f));
});
