/** Every rule in the registry has its documentation and its test, and every doc and test has a rule. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultRules } from '../../server/src/core/rules';
import { repoRoot } from '../helpers';

const ids = defaultRules.map((r) => r.id).sort();
// Rules the engine reports itself (no check of their own) are tested in the engine's tests.
const engineReported = new Set(['analysis-limit']);

test('rule ids are unique and kebab-case', () => {
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z]+(?:-[a-z]+)*$/);
});

test('each rule has a doc, a test, a summary and its messages; nothing stray', () => {
  const docs = fs
    .readdirSync(path.join(repoRoot, 'docs/rules'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => f.slice(0, -3))
    .sort();
  assert.deepEqual(docs, ids);
  const tests = fs
    .readdirSync(path.join(repoRoot, 'test/rules'))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => f.slice(0, -'.test.ts'.length))
    .filter((f) => !['parity', 'seeds'].includes(f));
  assert.deepEqual(
    tests.sort(),
    ids.filter((id) => !engineReported.has(id)),
  );
  for (const rule of defaultRules) {
    const md = fs.readFileSync(path.join(repoRoot, 'docs/rules', `${rule.id}.md`), 'utf8');
    assert.ok(md.startsWith(`# ${rule.id}\n`), `${rule.id}.md starts with its id`);
    assert.ok(md.includes(`**Default severity:** ${rule.meta.defaultSeverity}`), `${rule.id}.md states its default severity`);
    assert.ok(rule.meta.summary.length > 0 && !rule.meta.summary.endsWith('.'));
    for (const [messageId, template] of Object.entries(rule.meta.messages)) {
      assert.ok(!/\.\s*$/.test(template), `${rule.id}.${messageId} is one sentence without a final period`);
      assert.ok(md.includes(`\`${messageId}\``), `${rule.id}.md documents ${messageId}`);
    }
  }
});

test("no rule's test analyses around its tester: every finding a rule test sees comes through runRuleTests or analyzeCase", () => {
  for (const id of ids.filter((i) => !engineReported.has(i))) {
    const text = fs.readFileSync(path.join(repoRoot, 'test/rules', `${id}.test.ts`), 'utf8');
    assert.match(text, /\brunRuleTests\(rule, \{/, `${id}.test.ts runs its cases through the tester`);
    assert.doesNotMatch(text, /\bnew Engine\(|\bsharedEngine\(|\.analyze\(/, `${id}.test.ts analyses only through the tester`);
  }
});

test("the README's rules table lists every rule once, with its default severity first", () => {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| \[([a-z-]+)\]\(docs\/rules\/([a-z-]+)\.md\)[^|]*\| ([^|]+) \|/gm)];
  assert.deepEqual(rows.map((m) => m[1]).sort(), ids);
  for (const [, id, doc, severity] of rows) {
    assert.equal(doc, id, `the row of ${id} links its own doc`);
    const rule = defaultRules.find((r) => r.id === id)!;
    assert.equal(severity.split(/[ ;]/)[0], rule.meta.defaultSeverity, `${id}: the table's severity starts with the default`);
  }
});

test('the registry file has one line per rule', () => {
  const registry = fs.readFileSync(path.join(repoRoot, 'server/src/core/rules/index.ts'), 'utf8');
  for (const rule of defaultRules) {
    const camel = rule.id.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
    assert.equal(registry.split('\n').filter((l) => l.trim() === `${camel},`).length, 1, rule.id);
  }
});

test('a rule that reads the pair table says so (meta.usesPairTable), and only such a rule', () => {
  for (const rule of defaultRules.filter((r) => !engineReported.has(r.id))) {
    const source = fs.readFileSync(path.join(repoRoot, 'server/src/core/rules', `${rule.id}.ts`), 'utf8');
    const reads = /\bconfig\.pairs\b|\bseriesBalances\(|\bbalanceWork\(|\bwithPairs\(|\bunwindRuns\(|\bctx\.config\)/.test(source);
    assert.equal(rule.meta.usesPairTable === true, reads, `${rule.id}: reads the pair table ${reads}, declares it ${rule.meta.usesPairTable === true}`);
  }
});
