/**
 * @file How the reviewer's kernel tree relates to the series, said once per file: a file whose git blob
 * is not the pre-image the patch's `index` line names (findings drawn from it are relative to another
 * base), a file the tree does not have, and a hunk that applies nowhere in the tree's file. Only with a
 * tree; information only.
 * Known false positives: an `index` line a mail client or a hand edit left stale.
 */
import type { FileDiff } from '../ingest';
import { defineRule, type RuleContext } from './rule';
import { treeFiles } from '../kernel/tree-files';

const MESSAGES = {
  notBase: '{{path}} in the tree (blob {{blob}}) is not the pre-image this patch was made against ({{index}}): findings from it are relative to another base',
  missingFile: 'the kernel tree has no {{path}}',
  hunkNotApplied: 'this hunk does not apply to {{path}} in the kernel tree (near line {{start}})',
  treeProblem: 'the kernel tree at {{root}}: {{problem}}',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

/** The document line of a file diff's `index` line, else its first header. */
function indexLine(ctx: Ctx, file: FileDiff): { line: number; start: number; end: number } {
  const lines = ctx.series.series.lines;
  for (let l = file.headerLine; l < Math.min(lines.length, file.headerLine + 4); l++) {
    const m = /index [0-9a-fA-F]+\.\.[0-9a-fA-F]+/.exec(lines[l]);
    if (m) return { line: l, start: m.index, end: m.index + m[0].length };
  }
  return { line: file.headerLine, start: 0, end: lines[file.headerLine]?.length ?? 0 };
}

function check(ctx: Ctx): void {
  if (!ctx.tree) return;
  const problems = ctx.tree.problems?.() ?? [];
  if (problems.length) {
    const first = ctx.series.series.patches.find((p) => p.files.length);
    const line = first ? first.files[0].headerLine : 0;
    const range = { start: { line, character: 0 }, end: { line, character: ctx.series.series.lines[line]?.length ?? 0 } };
    for (const problem of problems) {
      ctx.report({
        side: 'new',
        at: { range, patch: first ?? null, path: null, fileLine: null },
        messageId: 'treeProblem',
        data: { root: ctx.tree.root, problem },
        key: `tree-base:problem:${problem}`,
        explanation: `Part of the kernel tree at ${ctx.tree.root} could not be used: ${problem}. Findings that need that part may be missing; the rest of the tree was still used.`,
      });
    }
  }
  for (const tf of treeFiles(ctx.series.series, ctx.tree).values()) {
    const { patch, file } = tf.first;
    const at = indexLine(ctx, file);
    const range = { start: { line: at.line, character: at.start }, end: { line: at.line, character: at.end } };
    const where = { range, patch, path: tf.path, fileLine: null };
    if (tf.base === null) {
      ctx.report({
        side: 'new',
        at: where,
        messageId: 'missingFile',
        data: { path: tf.path },
        key: `tree-base:missing:${tf.path}`,
        explanation: `The tree at ${ctx.tree.root} has no \`${tf.path}\`: nothing in the series' changes to it is compared with the tree.`,
      });
      continue;
    }
    if (tf.isBase === false) {
      ctx.report({
        side: 'new',
        at: where,
        messageId: 'notBase',
        data: { path: tf.path, blob: tf.blob!.slice(0, 12), index: file.oldIndex ?? '' },
        key: `tree-base:blob:${tf.path}`,
        explanation: `The patch was made against blob \`${file.oldIndex}\` of \`${tf.path}\`; the tree at ${ctx.tree.root} has blob \`${tf.blob!.slice(0, 12)}\`. Findings drawn from this file (sites outside the hunks, whole functions) are relative to the tree's version, not the patch's base.${tf.failures.length ? '' : ' Its hunks still apply.'}`,
      });
    }
    for (const f of tf.failures) {
      const line = f.hunk.headerLine;
      ctx.report({
        side: 'new',
        at: {
          range: { start: { line, character: 0 }, end: { line, character: ctx.series.series.lines[line]?.length ?? 0 } },
          patch: f.patch,
          path: tf.path,
          fileLine: null,
        },
        messageId: 'hunkNotApplied',
        data: { path: tf.path, start: f.hunk.oldStart },
        key: `tree-base:hunk:${tf.path}:${f.hunk.oldStart}:${f.hunk.section}`,
        explanation: `The old lines of this hunk are nowhere in the tree's \`${tf.path}\` (compared as \`git apply --ignore-whitespace\` would): the tree has another version of the file. The rules read the file's hunks as the mail shows them, without the rest of their functions, and sites of changed prototypes in this file are not judged.`,
      });
    }
  }
}

export default defineRule({
  id: 'tree-base',
  meta: {
    summary: "How the kernel tree relates to the series: a file that is not the patch's pre-image, a file the tree lacks, a hunk that does not apply",
    defaultSeverity: 'information',
    confidence: 'high',
    differential: false,
    messages: MESSAGES,
    knownFalsePositives: ['An `index` line a mail client or a hand edit left stale.'],
  },
  check,
});
