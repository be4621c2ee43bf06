/** tree-base: what the reviewer's tree is to the series, said once per file; never without a tree. */
import { gitBlobId } from '../../server/src/core/kernel/kernel-tree';
import rule from '../../server/src/core/rules/tree-base';
import { lineOf, mark, patchMail } from '../helpers';
import { runRuleTests } from './tester';

const before = 'static int count;\n\nint bump(void)\n{\n\treturn ++count;\n}\n';
const after = before.replace('++count', 'count += 2');
const other = before.replace('static int count;', 'static long count;');
const diff = (index: string | null): string =>
  patchMail('lib: bump by two', [
    {
      path: 'lib/bump.c',
      hunks: [
        { start: 3, lines: [...mark(' ', 'int bump(void)\n{'), ...mark('-', '\treturn ++count;'), ...mark('+', '\treturn count += 2;'), ...mark(' ', '}')] },
      ],
    },
  ]).replace('diff --git a/lib/bump.c b/lib/bump.c', `diff --git a/lib/bump.c b/lib/bump.c${index ? `\nindex ${index} 100644` : ''}`);
const base = `${gitBlobId(before).slice(0, 12)}..${gitBlobId(after).slice(0, 12)}`;
const indexed = diff(base);
const plain = diff(null);
const indexLine = lineOf(indexed, `index ${base} 100644`);
const baseCommit = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
/** The patch as `git format-patch --base` writes it: the trailer after the diff. */
const withBase = (mail: string): string => `${mail}\nbase-commit: ${baseCommit}\n-- \n2.47.0\n`;
const fromIndexBlob = { text: before, source: 'index-blob' as const, blob: gitBlobId(before), passedOver: [] };
const fromBaseCommit = (text: string) => ({
  text,
  source: 'base-commit' as const,
  blob: gitBlobId(text),
  passedOver: [`the index line's blob ${base.split('..')[0]} is not in the tree's git objects`],
});

runRuleTests(rule, {
  valid: [
    { name: 'the tree holds the blob the index line names', code: indexed, tree: { 'lib/bump.c': before } },
    { name: 'no index line, and the hunk applies to another version', code: plain, tree: { 'lib/bump.c': other } },
    { name: 'no tree at all', code: diff('0123456789ab..fedcba987654') },
    {
      name: "the index line's blob is in the git objects and the working file is that blob",
      code: indexed,
      tree: { 'lib/bump.c': before },
      treeObjects: { 'lib/bump.c': fromIndexBlob },
    },
  ],
  invalid: [
    {
      name: "HEAD has moved on: the index line's blob is read from the git objects, and the note says so",
      code: indexed,
      tree: { 'lib/bump.c': other },
      treeObjects: { 'lib/bump.c': fromIndexBlob },
      errors: [
        {
          messageId: 'baseUsed',
          line: indexLine,
          severity: 'information',
          includes:
            'the series is read against 1 file as its index line names it from the git objects of /trees/memory; 1 of them differs from the working tree',
          explains: [
            `- \`lib/bump.c\`: blob \`${gitBlobId(before).slice(0, 12)}\`, the one its index line names; the working file differs`,
            'its lines may have moved',
          ],
        },
      ],
    },
    {
      name: 'no index line: the file at the base-commit trailer',
      code: withBase(plain),
      tree: { 'lib/bump.c': other },
      treeObjects: { 'lib/bump.c': { ...fromBaseCommit(before), passedOver: [] } },
      errors: [
        {
          messageId: 'baseUsed',
          line: lineOf(plain, 'diff --git a/lib/bump.c'),
          severity: 'information',
          includes:
            'the series is read against 1 file at base-commit c0ffee00c0ff from the git objects of /trees/memory; 1 of them differs from the working tree',
        },
      ],
    },
    {
      name: 'the base commit holds another blob than the index line names',
      code: withBase(indexed),
      tree: { 'lib/bump.c': before },
      treeObjects: { 'lib/bump.c': fromBaseCommit(other) },
      errors: [
        { messageId: 'baseUsed', line: indexLine, severity: 'information', includes: '1 file at base-commit c0ffee00c0ff' },
        {
          messageId: 'notBase',
          line: indexLine,
          severity: 'information',
          includes: `lib/bump.c at base-commit c0ffee00c0ff (blob ${gitBlobId(other).slice(0, 12)}) is not the pre-image`,
          explains: ["Not read from the git objects: the index line's blob"],
        },
      ],
    },
    {
      name: 'the tree has another blob of the file',
      code: indexed,
      tree: { 'lib/bump.c': other },
      errors: [
        {
          messageId: 'notBase',
          line: indexLine,
          severity: 'information',
          includes: `lib/bump.c in the tree (blob ${gitBlobId(other).slice(0, 12)}) is not the pre-image this patch was made against (${base.split('..')[0]})`,
          explains: ['Its hunks still apply.'],
        },
      ],
    },
    {
      name: 'the tree lacks the file',
      code: indexed,
      tree: {},
      errors: [{ messageId: 'missingFile', line: indexLine, severity: 'information', includes: 'the kernel tree has no lib/bump.c' }],
    },
    {
      name: 'a hunk whose old lines are nowhere in the tree',
      code: plain,
      tree: { 'lib/bump.c': 'int bump(void)\n{\n\treturn count++;\n}\n' },
      errors: [
        {
          messageId: 'hunkNotApplied',
          line: lineOf(plain, '@@ -3,'),
          severity: 'information',
          includes: 'this hunk does not apply to lib/bump.c in the kernel tree (near line 3)',
        },
      ],
    },
    {
      name: 'a part of the tree that could not be used is said, and the rest still checked',
      code: indexed,
      tree: { 'lib/bump.c': before },
      treeProblems: ['HEAD is a FIFO, not a regular file'],
      errors: [
        {
          messageId: 'treeProblem',
          line: lineOf(indexed, 'diff --git a/lib/bump.c'),
          severity: 'information',
          includes: 'the kernel tree at /trees/memory: HEAD is a FIFO, not a regular file',
        },
      ],
    },
  ],
});
