/**
 * @file How the reviewer's kernel tree relates to the series: which base the series is read against when it
 * is not simply the working tree (blobs from the git objects, a base commit), said once; and per file, a
 * file whose text is not the pre-image the patch's `index` line names (findings drawn from it are relative
 * to another base), a file the tree does not have, and a hunk that applies nowhere in the tree's file.
 * Only with a tree; information only.
 * Known false positives: an `index` line a mail client or a hand edit left stale.
 */
import type { FileDiff } from '../ingest';
import { defineRule, type RuleContext } from './rule';
import { treeFiles, type TreeFile } from '../kernel/tree-files';
import { plural } from './support/plural';

const MESSAGES = {
  baseUsed: 'the series is read against {{what}} from the git objects of {{root}}{{differs}}',
  notBase: '{{path}} {{where}} (blob {{blob}}) is not the pre-image this patch was made against ({{index}}): findings from it are relative to another base',
  missingFile: 'the kernel tree has no {{path}}{{where}}',
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
  const files = [...treeFiles(ctx.series.series, ctx.tree).values()];
  reportBaseUsed(ctx, files);
  for (const tf of files) {
    const { patch, file } = tf.first;
    const at = indexLine(ctx, file);
    const range = { start: { line: at.line, character: at.start }, end: { line: at.line, character: at.end } };
    const where = { range, patch, path: tf.path, fileLine: null };
    const passedOver = tf.passedOver.length ? ` Not read from the git objects: ${tf.passedOver.join('; ')}.` : '';
    if (tf.base === null) {
      ctx.report({
        side: 'new',
        at: where,
        messageId: 'missingFile',
        data: { path: tf.path, where: passedOver ? ' (nor do its git objects)' : '' },
        key: `tree-base:missing:${tf.path}`,
        explanation: `The tree at ${ctx.tree.root} has no \`${tf.path}\`: nothing in the series' changes to it is compared with the tree.${passedOver}`,
      });
      continue;
    }
    if (tf.isBase === false) {
      const whereRead = tf.source === 'base-commit' ? `at base-commit ${patch.baseCommit!.slice(0, 12)}` : 'in the tree';
      ctx.report({
        side: 'new',
        at: where,
        messageId: 'notBase',
        data: { path: tf.path, where: whereRead, blob: tf.blob!.slice(0, 12), index: file.oldIndex ?? '' },
        key: `tree-base:blob:${tf.path}`,
        explanation: `The patch was made against blob \`${file.oldIndex}\` of \`${tf.path}\`; ${tf.source === 'base-commit' ? `the tree's git objects have blob \`${tf.blob!.slice(0, 12)}\` ${whereRead}` : `the tree at ${ctx.tree.root} has blob \`${tf.blob!.slice(0, 12)}\``}. Findings drawn from this file (sites outside the hunks, whole functions) are relative to that version, not the patch's base.${tf.failures.length ? '' : ' Its hunks still apply.'}${passedOver}`,
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

/**
 * Which base the series is read against, said once, when it is not simply the working tree: some file was
 * read from the git objects and either its working file differs (HEAD has moved on, or the file is
 * edited) or it came from a base commit. Links to tree lines open the working files, so a reader must know.
 */
function reportBaseUsed(ctx: Ctx, files: TreeFile[]): void {
  const fromGit = files.filter((f) => f.source !== 'working-file' && f.base !== null);
  if (!fromGit.length || !ctx.tree) return;
  const differing = fromGit.filter((f) => ctx.tree!.read(f.path) !== f.base);
  const byCommit = fromGit.filter((f) => f.source === 'base-commit');
  if (!differing.length && !byCommit.length) return;
  const byIndex = fromGit.length - byCommit.length;
  const commits = [...new Set(byCommit.map((f) => f.first.patch.baseCommit!.slice(0, 12)))];
  const fromWorking = files.filter((f) => f.source === 'working-file' && !f.first.file.isNew);
  const parts = [
    ...(byIndex ? [`${plural(byIndex, 'file')} as ${byIndex === 1 ? 'its index line names it' : 'their index lines name them'}`] : []),
    ...(byCommit.length ? [`${plural(byCommit.length, 'file')} at base-commit ${commits.join(', ')}`] : []),
  ];
  const what = parts.join(' and ');
  const differs = differing.length ? `; ${plural(differing.length, 'of them differs', 'of them differ')} from the working tree` : '';
  const { patch, file } = fromGit[0].first;
  const at = indexLine(ctx, file);
  const lines = fromGit.map(
    (f) =>
      `- \`${f.path}\`: ${f.source === 'index-blob' ? `blob \`${f.blob!.slice(0, 12)}\`, the one its index line names` : `blob \`${f.blob!.slice(0, 12)}\` at base-commit \`${f.first.patch.baseCommit!.slice(0, 12)}\` (${f.passedOver.join('; ')})`}${differing.includes(f) ? '; the working file differs' : ''}`,
  );
  const working = fromWorking.map((f) => `- \`${f.path}\`: the working file${f.passedOver.length ? ` (${f.passedOver.join('; ')})` : ''}`);
  ctx.report({
    side: 'new',
    at: { range: { start: { line: at.line, character: at.start }, end: { line: at.line, character: at.end } }, patch, path: fromGit[0].path, fileLine: null },
    messageId: 'baseUsed',
    data: { what, root: ctx.tree.root, differs },
    key: 'tree-base:base-used',
    explanation: [
      `The series' files are read as they were when the patches were made, from the git objects of ${ctx.tree.root}, whatever HEAD and the working tree hold now:`,
      ...lines,
      ...working,
      '',
      differing.length
        ? 'Where a finding points at a line of the tree, the link opens the working file, which differs from the base read here: its lines may have moved.'
        : 'The working files hold the same text.',
    ].join('\n'),
  });
}

export default defineRule({
  id: 'tree-base',
  meta: {
    summary:
      "How the kernel tree relates to the series: which base it is read against (git objects, base commit), a file that is not the patch's pre-image, a file the tree lacks, a hunk that does not apply",
    defaultSeverity: 'information',
    confidence: 'high',
    differential: false,
    messages: MESSAGES,
    knownFalsePositives: ['An `index` line a mail client or a hand edit left stale.'],
  },
  check,
});
