/**
 * @file A rule tester in the manner of ESLint's: valid cases must produce no finding of the rule, invalid
 * ones exactly the listed findings (message id, 1-based document line, severity, origin). When an invalid
 * case gives `output`, the first fix of every finding is applied and the result must equal it, still
 * ingest without problems, no longer carry the rule's findings, and carry no finding of any rule it did not.
 * Every fix any invalid case offers is also applied alone and must hold the same way. A case may bring a
 * kernel tree (files held in memory) and engine options (pairs, footprint, settings). Every message a rule has must be
 * reached by one of its invalid cases, or be named as unreachable with the reason.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine, type EngineOptions, type Analysis } from '../../server/src/core/engine';
import type { Finding, Origin, Severity } from '../../server/src/core/findings';
import { loadParser } from '../../server/src/host/grammar';
import type { Rule } from '../../server/src/core/rules/rule';
import { applyTextEdits } from '../../server/src/core/textedit';
import { checkFix, findingIdentity } from '../../server/src/core/fix-check';
import { seedsSkip } from '../helpers';
import { MemoryTree } from '../tree/memory-tree';
import type { PreImage } from '../../server/src/core/kernel/kernel-tree';

export interface ExpectedFinding {
  messageId: string;
  line: number;
  severity?: Severity;
  origin?: Origin;
  /** Text the message must contain. */
  includes?: string;
  /** What the explanation (the hover) must contain or match. */
  explains?: (string | RegExp)[];
}

export interface ValidCase {
  name: string;
  code: string;
  /** The reviewer's kernel tree for this case: paths and their contents. */
  tree?: Record<string, string>;
  /** What the tree says it could not use (an unreadable HEAD, …): `KernelTree.problems()`. */
  treeProblems?: string[];
  /** What the tree's git objects give for some paths (`KernelTree.preImages()`). */
  treeObjects?: Record<string, PreImage>;
  /** Engine options for this case (the tree comes from `tree`). */
  options?: Omit<EngineOptions, 'tree'>;
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedFinding[];
  /** The document after applying each finding's first fix; null: no finding offers a fix. */
  output?: string | null;
  /** Compare findings of every origin, not only introduced ones. */
  allOrigins?: boolean;
}

export { findingIdentity };

let engine: Promise<Engine> | null = null;
export function sharedEngine(): Promise<Engine> {
  engine ??= loadParser().then((p) => new Engine(p));
  return engine;
}

/** A case analysed as the tester does (its tree and options): for tests of what a rule's findings show. */
export async function analyzeCase(c: ValidCase): Promise<Analysis> {
  return (await sharedEngine()).analyze(c.code, { ...c.options, ...(c.tree ? { tree: new MemoryTree(c.tree, c.treeProblems, c.treeObjects) } : {}) });
}

async function findingsOf(rule: Rule, c: ValidCase, allOrigins = false): Promise<Finding[]> {
  const a = await analyzeCase(c);
  return a.findings.filter((f) => f.ruleId === rule.id && (allOrigins || f.origin === 'introduced'));
}

async function validCase(rule: Rule, c: ValidCase): Promise<void> {
  const found = await findingsOf(rule, c);
  assert.deepEqual(
    found.map((f) => `${f.range.start.line + 1}: ${f.message}`),
    [],
  );
}

async function invalidCase(rule: Rule, c: InvalidCase): Promise<void> {
  const found = await findingsOf(rule, c, c.allOrigins);
  const got = found.map((f) => ({ messageId: f.messageId, line: f.range.start.line + 1, severity: f.severity, origin: f.origin, message: f.message }));
  assert.equal(got.length, c.errors.length, `findings: ${JSON.stringify(got, null, 1)}`);
  c.errors.forEach((e, i) => {
    const g = got[i];
    assert.equal(g.messageId, e.messageId, g.message);
    assert.equal(g.line, e.line, g.message);
    if (e.severity) assert.equal(g.severity, e.severity);
    assert.equal(g.origin, e.origin ?? 'introduced');
    if (e.includes) assert.ok(g.message.includes(e.includes), `"${g.message}" should include "${e.includes}"`);
    for (const x of e.explains ?? []) {
      const text = found[i].explanation;
      assert.ok(
        typeof x === 'string' ? text.includes(x) : x.test(text),
        `the explanation should ${typeof x === 'string' ? 'include' : 'match'} ${String(x)}:\n${text}`,
      );
    }
  });
  await everyFixHolds(c, found);
  if (c.output === null)
    assert.deepEqual(
      found.flatMap((f) => f.fixes.map((x) => x.title)),
      [],
      'no fix is offered',
    );
  else if (c.output !== undefined) {
    const edits = found.flatMap((f) => f.fixes[0]?.edits ?? []);
    assert.ok(edits.length > 0, 'a fix is offered');
    const fixed = applyTextEdits(c.code, edits);
    assert.equal(fixed, c.output);
    const after = await analyzeCase({ ...c, code: fixed });
    assert.deepEqual(after.series.problems, [], 'the fixed patch still ingests cleanly');
    assert.deepEqual(
      after.findings.filter((f) => f.ruleId === rule.id && f.origin === 'introduced').map((f) => f.message),
      [],
    );
    // A fix that holds brings nothing new, of any rule (a fix that trades an error for a note is no fix).
    const had = new Set((await analyzeCase(c)).findings.map(findingIdentity));
    assert.deepEqual(
      after.findings.filter((f) => !had.has(findingIdentity(f))).map((f) => `${f.ruleId}: ${f.message}`),
      [],
      'no new finding after the fix',
    );
  }
}

/** Every fix offered on the case, applied alone, holds (core/fix-check.ts says what that means). */
async function everyFixHolds(c: InvalidCase, found: Finding[]): Promise<void> {
  const offered = found.flatMap((f) => f.fixes.map((fix) => ({ f, fix })));
  if (offered.length === 0) return;
  const engine = await sharedEngine();
  const analyze = (code: string): Analysis =>
    engine.analyze(code, { ...c.options, ...(c.tree ? { tree: new MemoryTree(c.tree, c.treeProblems, c.treeObjects) } : {}) });
  const before = analyze(c.code).findings;
  for (const { f, fix } of offered) {
    const v = checkFix(analyze, c.code, before, f, fix);
    assert.equal(v.problems, 0, `"${fix.title}" leaves a patch that ingests cleanly`);
    assert.ok(!v.stays, `"${fix.title}" removes its finding: ${f.message}`);
    assert.deepEqual(
      v.added.map((x) => `${x.ruleId}: ${x.message}`),
      [],
      `"${fix.title}" brings no new finding`,
    );
  }
}

export interface RuleCases {
  valid: ValidCase[];
  invalid: InvalidCase[];
  /**
   * Cases made from the seed messages, built inside the test (never when the file loads), run as subtests
   * of one test that is skipped, saying why, where the seeds are absent.
   */
  seeds?: () => { valid?: ValidCase[]; invalid?: InvalidCase[] };
  /** Messages no written case can reach, each with the reason (they are then tested elsewhere or not at all). */
  unreachable?: Record<string, string>;
}

export function runRuleTests(rule: Rule, cases: RuleCases): void {
  for (const c of cases.valid) test(`${rule.id} valid: ${c.name}`, () => validCase(rule, c));
  for (const c of cases.invalid) test(`${rule.id} invalid: ${c.name}`, () => invalidCase(rule, c));
  test(`${rule.id}: every message is reached by an invalid case`, () => {
    const ids = Object.keys(rule.meta.messages);
    const reached = new Set(cases.invalid.flatMap((c) => c.errors.map((e) => e.messageId)));
    const unreachable = Object.keys(cases.unreachable ?? {});
    assert.deepEqual(
      unreachable.filter((id) => !ids.includes(id) || reached.has(id)),
      [],
      'named unreachable, but not a message of the rule or reached by a case',
    );
    assert.deepEqual(
      ids.filter((id) => !reached.has(id) && !unreachable.includes(id)),
      [],
      'messages no invalid case reaches',
    );
  });
  const seeds = cases.seeds;
  if (!seeds) return;
  test(`${rule.id} on the seed messages`, { skip: seedsSkip() }, async (t) => {
    const { valid = [], invalid = [] } = seeds();
    for (const c of valid) await t.test(`valid: ${c.name}`, () => validCase(rule, c));
    for (const c of invalid) await t.test(`invalid: ${c.name}`, () => invalidCase(rule, c));
  });
}
