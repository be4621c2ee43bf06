/**
 * @file A rule tester in the manner of ESLint's: valid cases must produce no finding of the rule, invalid
 * ones exactly the listed findings (message id, 1-based document line, severity, origin). When an invalid
 * case gives `output`, the first fix of every finding is applied and the result must equal it, still
 * ingest without problems, and no longer carry the rule's findings.
 */
import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { Engine } from '../../server/src/core/engine';
import type { Finding, Origin, Severity } from '../../server/src/core/findings';
import { loadParser } from '../../server/src/host/grammar';
import type { Rule } from '../../server/src/core/rules/rule';
import { applyTextEdits } from '../../server/src/core/textedit';
import { seedsSkip } from '../helpers';

export interface ExpectedFinding {
  messageId: string;
  line: number;
  severity?: Severity;
  origin?: Origin;
  /** Text the message must contain. */
  includes?: string;
}

export interface ValidCase {
  name: string;
  code: string;
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedFinding[];
  /** The document after applying each finding's first fix. */
  output?: string;
  /** Compare findings of every origin, not only introduced ones. */
  allOrigins?: boolean;
}

let engine: Promise<Engine> | null = null;
export function sharedEngine(): Promise<Engine> {
  engine ??= loadParser().then((p) => new Engine(p));
  return engine;
}

/** Which message template produced a finding: the rule's templates matched against the message. */
export function messageIdOf(rule: Rule, f: Finding): string {
  for (const [id, template] of Object.entries(rule.meta.messages)) {
    const pattern = new RegExp(
      '^' +
        template
          .split(/\{\{\w+\}\}/)
          .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
          .join('[\\s\\S]*') +
        '$',
    );
    if (pattern.test(f.message)) return id;
  }
  return '?';
}

async function findingsOf(rule: Rule, code: string, allOrigins = false): Promise<Finding[]> {
  const a = (await sharedEngine()).analyze(code);
  return a.findings.filter((f) => f.ruleId === rule.id && (allOrigins || f.origin === 'introduced'));
}

async function validCase(rule: Rule, c: ValidCase): Promise<void> {
  const found = await findingsOf(rule, c.code);
  assert.deepEqual(
    found.map((f) => `${f.range.start.line + 1}: ${f.message}`),
    [],
  );
}

async function invalidCase(rule: Rule, c: InvalidCase): Promise<void> {
  const found = await findingsOf(rule, c.code, c.allOrigins);
  const got = found.map((f) => ({ messageId: messageIdOf(rule, f), line: f.range.start.line + 1, severity: f.severity, origin: f.origin, message: f.message }));
  assert.equal(got.length, c.errors.length, `findings: ${JSON.stringify(got, null, 1)}`);
  c.errors.forEach((e, i) => {
    const g = got[i];
    assert.equal(g.messageId, e.messageId, g.message);
    assert.equal(g.line, e.line, g.message);
    if (e.severity) assert.equal(g.severity, e.severity);
    assert.equal(g.origin, e.origin ?? 'introduced');
    if (e.includes) assert.ok(g.message.includes(e.includes), `"${g.message}" should include "${e.includes}"`);
  });
  if (c.output !== undefined) {
    const edits = found.flatMap((f) => f.fixes[0]?.edits ?? []);
    assert.ok(edits.length > 0, 'a fix is offered');
    const fixed = applyTextEdits(c.code, edits);
    assert.equal(fixed, c.output);
    const after = (await sharedEngine()).analyze(fixed);
    assert.deepEqual(after.series.problems, [], 'the fixed patch still ingests cleanly');
    assert.deepEqual(
      after.findings.filter((f) => f.ruleId === rule.id && f.origin === 'introduced').map((f) => f.message),
      [],
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
}

export function runRuleTests(rule: Rule, cases: RuleCases): void {
  for (const c of cases.valid) test(`${rule.id} valid: ${c.name}`, () => validCase(rule, c));
  for (const c of cases.invalid) test(`${rule.id} invalid: ${c.name}`, () => invalidCase(rule, c));
  const seeds = cases.seeds;
  if (!seeds) return;
  test(`${rule.id} on the seed messages`, { skip: seedsSkip() }, async (t) => {
    const { valid = [], invalid = [] } = seeds();
    for (const c of valid) await t.test(`valid: ${c.name}`, () => validCase(rule, c));
    for (const c of invalid) await t.test(`invalid: ${c.name}`, () => invalidCase(rule, c));
  });
}
