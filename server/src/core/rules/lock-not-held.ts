/**
 * @file A `*_locked` helper called where no lock is held on some path and nothing asserts one is
 * (`xe_bo_assert_held()`, `lockdep_assert_held()`), unless the caller is itself `*_locked`. A function
 * whose start the hunk does not show is not judged: its lock may be taken above the hunk.
 * Known false positives: a lock taken by a function the pair table does not know.
 */
import { balanceWork, functionIdentity, seriesBalances } from '../c/analysis/balance-series';
import { onDocument } from '../c/syntax/places';
import { defineRule } from './rule';

export default defineRule({
  id: 'lock-not-held',
  meta: {
    summary: 'A *_locked helper must be called with its lock held or asserted',
    defaultSeverity: 'warning',
    confidence: 'medium',
    readsFunctions: true,
    usesPairTable: true,
    messages: {
      notHeld: '`{{call}}()` expects its lock held, but `{{fn}}()` reaches it without taking or asserting a lock on any path',
    },
    knownFalsePositives: ['A lock taken by a function the pair table does not list (add it in settings or .mm-review.json).'],
  },
  prefetch: (series, config) => balanceWork(series, config),
  check(ctx) {
    for (const b of seriesBalances(ctx.series, ctx.config)) {
      for (const issue of b.result.issues) {
        if (issue.kind !== 'not-held') continue;
        const gotos = issue.path.filter((p) => p.kind === 'goto');
        ctx.report({
          side: b.side,
          at: { view: b.view, span: onDocument(b.view.image, [issue.site, ...issue.path.map((p) => p.span)]), patch: b.hunk.patch, path: b.hunk.path },
          messageId: 'notHeld',
          data: { call: issue.call, fn: b.fn.name },
          key: `not-held:${functionIdentity(b)}:${issue.call}:${gotos.map((g) => g.label).join('>')}`,
          explanation: [
            `\`${issue.call}()\` is a \`_locked\` helper: its caller must hold the lock that protects what it changes.`,
            '',
            `\`${b.fn.name}()\` starts in view${b.reading.whole ? ' (read whole from the kernel tree)' : ''} and, on every path that reaches ${b.view.image.treeLineAt(issue.site.startRow) ? `this call (${b.view.image.placeOf(issue.site.startRow)})` : 'this call'}, takes no lock from the pair table and asserts none (\`*_assert_held()\`, \`lockdep_assert_held()\`).`,
            '',
            'A caller that locks on some paths but not others is left alone: its own caller may hold the lock on the rest.',
          ].join('\n'),
        });
      }
    }
  },
});
