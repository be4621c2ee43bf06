/**
 * @file What an unwind frees twice, or frees without having allocated it. The unwind model
 * (models/unwind.ts) injects a failure at every allocation of a function — at every index of loops over
 * constant-sized arrays — and follows the unwinding: a second free of the same allocation, or a free of
 * an error pointer an allocator of that family never returns, is reported with the path. A teardown run
 * after its prepare must not free anything twice either.
 * Known false positives: a free function that tolerates what it is given (the model treats NULL as
 * harmless for every family, and error pointers only for families that return them).
 */
import type { UnwindIssue } from '../models/unwind/unwind';
import { defineRule, type RuleContext } from './rule';
import { describePath, locate, unwindRuns, type UnwindRunSet } from '../models/unwind/unwind-runs';

const MESSAGES = {
  freedTwice: '{{when}}, {{resource}} is freed twice ({{path}})',
  teardownFreesTwice: '`{{teardown}}()` frees {{resource}} twice after `{{target}}()` succeeds',
  freedUnacquired: '{{when}}, `{{free}}()` is given {{resource}}, which it never allocated ({{path}})',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

function check(ctx: Ctx): void {
  for (const set of unwindRuns(ctx.series, ctx.config)) {
    for (const issue of set.result.issues)
      if (issue.kind === 'doubleFree' || issue.kind === 'teardownDoubleFree' || issue.kind === 'freedUnacquired') report(ctx, set, issue);
  }
}

function report(ctx: Ctx, set: UnwindRunSet, issue: UnwindIssue): void {
  const at = locate(
    set,
    issue.at,
    issue.path.map((s) => s.at),
  );
  if (!at) return;
  const resource = issue.resources[0] ?? 'it';
  const named = resource.startsWith('the ') ? resource : `\`${resource}\``;
  const when = issue.failure
    ? `if \`${issue.failure.call}()\` fails${issue.failure.name ? ` for \`${issue.failure.name}\`` : ''}`
    : issue.kind === 'teardownDoubleFree'
      ? `after \`${set.target}()\` succeeds, \`${set.teardown}()\``
      : 'when every allocation succeeds';
  const messageId = issue.kind === 'freedUnacquired' ? 'freedUnacquired' : issue.kind === 'teardownDoubleFree' ? 'teardownFreesTwice' : 'freedTwice';
  const data = { when, resource: named, free: issue.freeCall ?? 'free', path: describePath(set, issue), teardown: set.teardown ?? '', target: set.target };
  ctx.report({
    side: set.side,
    at: { view: at.view, span: at.span, patch: at.hunk.patch, path: at.hunk.path },
    messageId,
    data,
    key: `unwind-${messageId}:${at.hunk.path}:${set.target}:${issue.failure?.call ?? ''}:${resource.replace(/\[\d+\]/g, '[]')}`,
    explanation: [
      `The unwind model ran \`${set.target}()\` with every allocation succeeding, then once for every allocation with that one failing, following its unwind labels${set.teardown ? `, and \`${set.teardown}()\` after a successful run` : ''}.`,
      '',
      issue.kind === 'freedUnacquired'
        ? `On ${data.path || 'this path'}, \`${data.free}()\` is given ${named}, an error pointer: its allocation family returns NULL on failure, never an error pointer, so it was not allocated by it.`
        : `On ${data.path || 'this path'}, ${named} reaches \`${data.free}()\` a second time: the memory is freed twice.`,
      '',
      `The model executed the patch's own C (${set.result.runs} runs). Lines a hunk does not show are not run.`,
    ].join('\n'),
  });
}

export default defineRule({
  id: 'unwind-double-free',
  meta: {
    summary: 'An unwind frees an allocation twice, or frees what it never allocated',
    defaultSeverity: 'error',
    confidence: 'medium',
    readsFunctions: true,
    usesPairTable: true,
    messages: MESSAGES,
    knownFalsePositives: [
      'A free function that tolerates what it is given: NULL is taken as harmless for every family, error pointers only for families that return them.',
    ],
  },
  prefetch: (series, config) => [() => unwindRuns(series, config)],
  check,
});
