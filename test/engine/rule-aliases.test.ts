/** A renamed rule is still reached by its old id, wherever users name rules, with a notice that it was renamed. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine } from '../../server/src/core/engine';
import { canonicalRuleIds, RULE_ALIASES } from '../../server/src/core/rules/aliases';
import { defaultRules } from '../../server/src/core/rules';
import { loadParser } from '../../server/src/host/grammar';
import { readSettingsWithProblems } from '../../server/src/lsp/settings';
import { editPatch, repoRoot } from '../helpers';
import { COUNTERS } from '../bo-fixture';
import { RING } from '../ring-fixture';

test('every alias names a rule that exists, under an id no rule has', () => {
  const ids = new Set(defaultRules.map((r) => r.id));
  for (const [old, now] of Object.entries(RULE_ALIASES)) {
    assert.ok(ids.has(now), now);
    assert.ok(!ids.has(old), old);
  }
  assert.deepEqual(canonicalRuleIds({ 'counter-model': 'off', 'unwind-leak': 'warning' }), {
    settings: { 'xe-bo-purgeability': 'off', 'unwind-leak': 'warning' },
    deprecated: ['rule counter-model is now xe-bo-purgeability; the old id will stop working in a later version'],
  });
  // The id now wins over the old one.
  assert.deepEqual(canonicalRuleIds({ 'counter-model': 'off', 'xe-bo-purgeability': 'error' }).settings, { 'xe-bo-purgeability': 'error' });
});

test('the engine, the editor settings and the command line take the old id', async () => {
  const engine = new Engine(await loadParser());
  // The BO counters with the destroy path keeping its holder: the rule warns.
  const leaky = editPatch(COUNTERS, [
    { line: '+\t\t\txe_bo_willneed_put_locked(bo);', after: 'xe_vma_destroy', with: [] },
    { line: '+\t\tif (vma->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED)', after: 'xe_vma_destroy', with: [] },
  ]);
  const severities = (rules: Record<string, 'off' | 'error'>): string[] =>
    engine
      .analyze(leaky, { rules })
      .findings.filter((f) => f.ruleId === 'xe-bo-purgeability' && f.severity !== 'information')
      .map((f) => f.severity);
  assert.ok(severities({}).length > 0 && severities({}).every((s) => s === 'warning'));
  assert.deepEqual(severities({ 'counter-model': 'off' }), []);
  assert.ok(severities({ 'counter-model': 'error' }).every((s) => s === 'error'));
  const { settings, problems } = readSettingsWithProblems({ rules: { 'counter-model': 'off' } });
  assert.deepEqual(settings.rules, { 'xe-bo-purgeability': 'off' });
  assert.deepEqual(problems, ['mmReview.rules: rule counter-model is now xe-bo-purgeability; the old id will stop working in a later version']);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-alias-')), 'ring.patch');
  fs.writeFileSync(file, RING);
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'check', '--rule', 'counter-model=off', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, 'mm-review: --rule: rule counter-model is now xe-bo-purgeability; the old id will stop working in a later version\n');
});
