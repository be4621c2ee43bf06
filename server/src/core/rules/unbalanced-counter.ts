/**
 * @file Something taken on one path and not given back on another: a reference, a counter, a lock, an
 * allocation. Inside a function: an error return still holding what the function took, a successful
 * return still holding a lock or a local allocation, or a release on a path that never took it. Across a
 * lifecycle pair (create/destroy, export/release): what a patch newly makes one side keep, the other must
 * newly give back, under the same condition.
 * Known false positives: ownership handed on in ways the table does not describe (a custom "consume"
 * function); an error return the analysis takes for a success return, or the reverse, when the returned
 * value's meaning is not visible.
 */
import type { LeakIssue, OverReleaseIssue, PathStep } from '../c/analysis/balance';
import { balanceWork, functionIdentity, lifecycleIssues, seriesBalances, type FunctionBalance, type LifecycleIssue } from '../c/analysis/balance-series';
import type { Image, Span } from '../c/syntax/image';
import type { RelatedInfo } from '../findings';
import { onDocument, readingNote, relatedAt } from '../c/syntax/places';
import { defineRule, type RuleContext } from './rule';
import { releaseFix } from './support/release-fix';

const MESSAGES = {
  neverReleased: 'on the path {{through}}, `{{call}}()` from {{line}} is never released',
  releasedUntaken: 'on the path {{through}}, `{{call}}()` gives back `{{key}}`, which that path never took',
  unreleased: '`{{acquirer}}()` now takes `{{call}}()`{{when}}, but `{{releaser}}()` gives nothing new back for it',
  takenMore: '`{{acquirer}}()` now takes `{{call}}()`{{when}} {{taken}} times, but `{{releaser}}()` gives it back only {{given}}',
  unacquired: '`{{releaser}}()` now gives back `{{call}}()`{{when}}, but `{{acquirer}}()` takes nothing new for it',
  givenMore: '`{{releaser}}()` now gives back `{{call}}()`{{when}} {{given}} times, but `{{acquirer}}()` takes it only {{taken}}',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

export default defineRule({
  id: 'unbalanced-counter',
  meta: {
    summary: 'Every path gives back what it took: references, counters, locks, allocations, lifecycle pairs',
    defaultSeverity: 'error',
    confidence: 'medium',
    readsFunctions: true,
    usesPairTable: true,
    messages: MESSAGES,
    knownFalsePositives: [
      'Ownership handed on in a way the pair table does not describe (a function that consumes the reference).',
      'A return whose meaning (error or success) is not visible in the hunk is never judged, so such paths are missed rather than reported.',
    ],
  },
  prefetch: (series, config) => balanceWork(series, config),
  check(ctx) {
    const balances = seriesBalances(ctx.series, ctx.config);
    for (const b of balances) {
      for (const issue of b.result.issues) {
        if (issue.kind === 'leak') reportLeak(ctx, b, issue);
        else if (issue.kind === 'over-release') reportOverRelease(ctx, b, issue);
      }
    }
    for (const issue of lifecycleIssues(balances, ctx.config.pairs)) reportLifecycle(ctx, issue);
  },
});

/** `line 239` in the document, or `mm/foo.c:412` in the kernel tree. */
const place = (b: FunctionBalance, span: Span): string => b.view.image.placeOf(span.startRow, span.startCol);

/** `through `goto out_put` (line 239)` or `returning at line 256`. */
function through(b: FunctionBalance, path: PathStep[], after: Span | null): string {
  const gotos = path.filter(
    (p) => p.kind === 'goto' && (!after || p.span.startRow > after.startRow || (p.span.startRow === after.startRow && p.span.startCol > after.startCol)),
  );
  if (gotos.length) return `through ${gotos.map((g) => `\`goto ${g.label}\` (${place(b, g.span)})`).join(' then ')}`;
  const ret = [...path].reverse().find((p) => p.kind === 'return');
  return ret ? `returning at ${place(b, ret.span)}` : 'to the end of the function';
}

function pathTable(b: FunctionBalance, path: PathStep[]): string {
  if (!path.length) return '';
  const rows = path.map((p) => `| ${place(b, p.span).replace(/^line /, '')} | ${p.kind === 'goto' ? `\`goto ${p.label}\`` : '`return`'} |`);
  return ['| line | step |', '| --- | --- |', ...rows].join('\n');
}

/** The finding's own span when the document shows it; else the first step of the path it does. */
const onPatch = (b: FunctionBalance, own: Span, path: PathStep[], exit: Span | null = null): Span =>
  onDocument(b.view.image, [own, ...path.map((p) => p.span), exit]);

/** What a leak's report says, apart from where it is and its fixes: made once while its image stays put. */
interface LeakWords {
  span: Span;
  data: { through: string; call: string; line: string };
  key: string;
  related: RelatedInfo[];
  explanation: string;
}

/**
 * Per leak (a balance result, kept while its image's text is): its words, for the image and the tree they
 * were made for, and the document line the image started at. A re-check reports every leak of the series
 * again; only a leak whose image moved or changed has its places and explanation written again.
 */
const leakWords = new WeakMap<LeakIssue, { image: Image; base: number | null | undefined; tree: Ctx['tree']; words: LeakWords }>();

function reportLeak(ctx: Ctx, b: FunctionBalance, issue: LeakIssue): void {
  const image = b.view.image;
  const base = image.rows[0]?.docLine;
  let memo = leakWords.get(issue);
  if (!memo || memo.image !== image || memo.base !== base || memo.tree !== ctx.tree) {
    memo = { image, base, tree: ctx.tree, words: wordsOfLeak(ctx, b, issue) };
    leakWords.set(issue, memo);
  }
  const { span, data, key, related, explanation } = memo.words;
  ctx.report({
    side: b.side,
    at: { view: b.view, span, patch: b.hunk.patch, path: b.hunk.path },
    messageId: 'neverReleased',
    data,
    key,
    related,
    explanation,
    fixes: releaseFix(ctx.series.series.lines, ctx.series.series, ctx.config.pairs, b, issue),
  });
}

function wordsOfLeak(ctx: Ctx, b: FunctionBalance, issue: LeakIssue): LeakWords {
  const h = issue.holding;
  const line = place(b, h.site);
  const exitWhat =
    issue.exit.kind === 'error'
      ? 'an error return: everything the function took on the way must be given back'
      : issue.exit.kind === 'success'
        ? h.pair.kind === 'lock' || h.pair.kind === 'alloc' || h.pair.key === 'result'
          ? `a successful return: a ${h.pair.kind === 'lock' ? 'lock' : h.pair.kind === 'alloc' ? 'local allocation' : 'reference looked up into a local'} must not outlive the function`
          : `a successful return that skips the \`${h.pair.release[0]}()\` other successful returns of this function go through`
        : 'a return';
  return {
    span: onPatch(b, h.site, issue.path, issue.exit.span),
    data: { through: through(b, issue.path, h.site), call: h.call, line },
    // The exit's own text tells apart two leaks of one function that no line number may (`return -ETIMEDOUT;`, `return ret;`).
    key: `leak:${functionIdentity(b)}:${h.call}:${h.key}:${issue.exit.kind}:${issue.path
      .filter((p) => p.kind === 'goto')
      .map((p) => p.label)
      .join('>')}:${issue.exit.span ? b.view.image.textOf(issue.exit.span).replace(/\s+/g, ' ') : ''}`,
    related: [
      ...(b.view.image.treeLineAt(h.site.startRow) ? [relatedAt(b.view.image, h.site, `${h.call}() takes it`, ctx.tree)] : []),
      ...issue.path.filter((p) => p.kind === 'goto').map((p) => relatedAt(b.view.image, p.span, `goto ${p.label}`, ctx.tree)),
      ...(issue.exit.span ? [relatedAt(b.view.image, issue.exit.span, 'returns still holding it', ctx.tree)] : []),
    ],
    explanation: [
      `**${b.fn.name}()** takes \`${h.call}(${h.key})\` at ${line} (${h.pair.kind}, released by \`${h.pair.release.join('`/`')}\`).`,
      '',
      `The path below reaches ${exitWhat}; nothing on it releases \`${h.key}\`.`,
      '',
      pathTable(b, issue.path),
      '',
      readingNote(
        b.reading.whole,
        b.fn.entryVisible,
        b.hunk.path,
        b.reading.hunks.map((r) => r.hunk),
        b.side,
      ),
      ...(h.pair.id.startsWith('series:')
        ? [
            '',
            `\`${h.pair.acquire[0]}()\` and \`${h.pair.release[0]}()\` are read as a pair because the series calls both and their names differ only by opposite verbs.`,
          ]
        : []),
    ]
      .join('\n')
      .trim(),
  };
}

function reportOverRelease(ctx: Ctx, b: FunctionBalance, issue: OverReleaseIssue): void {
  ctx.report({
    side: b.side,
    at: { view: b.view, span: onPatch(b, issue.site, issue.path), patch: b.hunk.patch, path: b.hunk.path },
    messageId: 'releasedUntaken',
    data: { through: through(b, issue.path, null), call: issue.call, key: issue.key },
    key: `over:${functionIdentity(b)}:${issue.call}:${issue.key}:${issue.path
      .filter((p) => p.kind === 'goto')
      .map((p) => p.label)
      .join('>')}`,
    explanation: [
      `**${b.fn.name}()** takes \`${issue.key}\` on some paths, but the path below reaches \`${issue.call}()\` without having taken it: a release of what was never taken.`,
      '',
      pathTable(b, issue.path),
    ]
      .join('\n')
      .trim(),
  });
}

function reportLifecycle(ctx: Ctx, issue: LifecycleIssue): void {
  const b = issue.at;
  const when = issue.guard ? ` when \`${issue.guard}\`` : '';
  const messageId = issue.kind === 'unreleased' ? (issue.given > 0 ? 'takenMore' : 'unreleased') : issue.taken > 0 ? 'givenMore' : 'unacquired';
  ctx.report({
    side: 'new',
    at: { view: b.view, span: onDocument(b.view.image, [issue.effect.site]), patch: b.hunk.patch, path: b.hunk.path },
    messageId,
    data: { acquirer: issue.acquirer, releaser: issue.releaser, call: issue.effect.call, when, taken: issue.taken, given: issue.given },
    key: `lifecycle:${issue.kind}:${issue.acquirer}:${issue.releaser}:${issue.effect.pair.release[0]}:${issue.guard ?? ''}`,
    explanation: [
      `\`${issue.acquirer}()\` and \`${issue.releaser}()\` are a lifecycle pair: what the first leaves held, the second gives back.`,
      '',
      `What this patch changes, for \`${issue.effect.pair.acquire.join('`/`')}\` against \`${issue.effect.pair.release.join('`/`')}\`${when}:`,
      '',
      '| function | newly keeps | newly gives back |',
      '| --- | --- | --- |',
      `| \`${issue.acquirer}()\` | ${issue.taken} | |`,
      `| \`${issue.releaser}()\` | | ${issue.given} |`,
      '',
      'Only what the patch changes is compared, so code the hunks do not show cannot make this finding.',
    ].join('\n'),
  });
}
