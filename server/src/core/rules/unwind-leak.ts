/**
 * @file What a failing path returns still holding. The unwind model (models/unwind.ts) runs each
 * function that allocates with every allocation failing in turn — inside loops over constant-sized
 * arrays, at every index — and follows the `goto` unwinding to the return: an allocation neither freed
 * nor handed on is a leak. A teardown partner (`_prepare`/`_dead`, `_create`/`_destroy`, …) must free
 * what its prepare leaves allocated.
 * Known false positives: a caller that cleans up after the failure itself (the model holds a failing
 * function to free what it took); code the hunks do not show that frees it.
 */
import { defineRule, type RuleContext } from './rule';
import { describePath, fromTree, functionStart, listNames, locate, unwindRuns, type UnwindRunSet } from '../models/unwind/unwind-runs';
import { MAX_RUNS, type UnwindIssue } from '../models/unwind/unwind';
import { unwindView } from '../models/unwind/unwind-picture';

const MESSAGES = {
  failingPathLeaks: 'if `{{call}}()` fails{{what}}, {{resources}} {{verb}} never freed ({{path}})',
  teardownMisses: '`{{teardown}}()` does not free {{resources}}, which `{{target}}()` leaves allocated',
  explorationCapped: 'the unwind model ran `{{target}}()` {{runs}} times and stopped there; {{skipped}} more failure points were not tried',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

function sizesText(issue: UnwindIssue): string {
  const s = Object.entries(issue.sizes);
  return s.length ? ` (arrays sized ${s.map(([k, v]) => `\`${k}\` = ${v}`).join(', ')} in this run)` : '';
}

function check(ctx: Ctx): void {
  for (const set of unwindRuns(ctx.series, ctx.config)) {
    for (const issue of set.result.issues) {
      if (issue.kind === 'leak') reportLeak(ctx, set, issue);
      else if (issue.kind === 'teardownLeak') reportTeardown(ctx, set, issue);
    }
    if (set.result.skippedRuns > 0) reportCapped(ctx, set);
  }
}

/** The exploration stopped at its bound: the failures it did not try are said, not silently dropped. */
function reportCapped(ctx: Ctx, set: UnwindRunSet): void {
  const at = locate(set, functionStart(set, set.target));
  if (!at) return;
  const data = { target: set.target, runs: set.result.runs, skipped: set.result.skippedRuns };
  ctx.report({
    side: set.side,
    at: { view: at.view, span: at.span, patch: at.hunk.patch, path: at.hunk.path },
    messageId: 'explorationCapped',
    data,
    severity: 'information',
    key: `unwind-capped:${at.hunk.path}:${set.target}`,
    explanation: `The unwind model fails each allocation of \`${set.target}()\` in turn, at every index of its loops; that needed more than ${MAX_RUNS} runs. It made ${set.result.runs} and stopped: ${set.result.skippedRuns} more failure points were not tried, so a leak or double free that only they would show is not reported.`,
  });
}

function reportLeak(ctx: Ctx, set: UnwindRunSet, issue: UnwindIssue): void {
  const at = locate(
    set,
    issue.at,
    issue.path.map((s) => s.at),
  );
  if (!at || !issue.failure) return;
  const f = issue.failure;
  const plural = issue.resources.length > 1 || /^the /.test(issue.resources[0] ?? '') ? 'are' : 'is';
  const data = {
    call: f.call,
    what: f.name ? ` for \`${f.name}\`` : '',
    resources: listNames(issue.resources),
    verb: issue.resources.length > 1 ? 'are' : plural,
    path: describePath(set, issue),
  };
  const leakExplanation = leakText(set, issue, f, data);
  ctx.report({
    side: set.side,
    at: { view: at.view, span: at.span, patch: at.hunk.patch, path: at.hunk.path },
    messageId: 'failingPathLeaks',
    data,
    key: `unwind-leak:${at.hunk.path}:${set.target}:${f.call}:${(f.name ?? '').replace(/\[\d+\]/g, '[]')}:${issue.resources
      .map((r) => r.replace(/\[\d+\]/g, '[]'))
      .sort()
      .join(',')}`,
    explanation: leakExplanation,
    model: unwindView(set.target, set.result.outcomes, leakExplanation),
    // Hovering the function the model ran, at its definition or a call, shows this too.
    about: [set.target],
  });
}

function leakText(
  set: UnwindRunSet,
  issue: UnwindIssue,
  f: NonNullable<UnwindIssue['failure']>,
  data: { what: string; path: string; resources: string },
): string {
  return [
    `The unwind model ran \`${set.target}()\` with every allocation succeeding, then once for every allocation it makes with that one failing${sizesText(issue)}.`,
    '',
    `When \`${f.call}()\` fails${data.what}, the function unwinds along ${data.path} and returns an error still holding ${data.resources}: nothing on that path frees ${issue.resources.length > 1 ? 'them' : 'it'}, and nothing it calls keeps ${issue.resources.length > 1 ? 'them' : 'it'}.`,
    '',
    fromTree(set)
      ? `The model executed the patch's own C (${set.result.runs} runs), in the whole function as the kernel tree has it with the series applied.`
      : `The model executed the patch's own C (${set.result.runs} runs). Lines a hunk does not show are not run.`,
  ].join('\n');
}

function reportTeardown(ctx: Ctx, set: UnwindRunSet, issue: UnwindIssue): void {
  if (!set.teardown) return;
  const at = locate(set, functionStart(set, set.teardown));
  if (!at) return;
  ctx.report({
    side: set.side,
    at: { view: at.view, span: at.span, patch: at.hunk.patch, path: at.hunk.path },
    messageId: 'teardownMisses',
    data: { teardown: set.teardown, resources: listNames(issue.resources), target: set.target },
    key: `unwind-teardown:${at.hunk.path}:${set.target}:${set.teardown}:${issue.resources
      .map((r) => r.replace(/\[\d+\]/g, '[]'))
      .sort()
      .join(',')}`,
    explanation: [
      `The unwind model ran \`${set.target}()\` with every allocation succeeding${sizesText(issue)}, then \`${set.teardown}()\` on what it left.`,
      '',
      `\`${set.target}()\` leaves ${listNames(issue.resources)} allocated; \`${set.teardown}()\` does not free ${issue.resources.length > 1 ? 'them' : 'it'}: each teardown leaks ${issue.resources.length > 1 ? 'them' : 'it'}.`,
    ].join('\n'),
  });
}

export default defineRule({
  id: 'unwind-leak',
  meta: {
    summary: 'An allocation a failing path returns still holding, or one a teardown does not free',
    defaultSeverity: 'error',
    confidence: 'medium',
    readsFunctions: true,
    usesPairTable: true,
    messages: MESSAGES,
    knownFalsePositives: ['A caller that cleans up after the failure itself.', 'Code the hunks do not show that frees it.'],
  },
  prefetch: (series, config) => [() => unwindRuns(series, config)],
  check,
});
