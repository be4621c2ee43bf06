import rule from '../../server/src/core/rules/malformed-patch';
import { doc } from '../helpers';
import { runRuleTests } from './tester';

const clean = doc`
  |diff --git a/mm/a.c b/mm/a.c
  |--- a/mm/a.c
  |+++ b/mm/a.c
  |@@ -1,3 +1,3 @@
  | int a;
  |-int b;
  |+int c;
  | int d;
`;

runRuleTests(rule, {
  valid: [
    { name: 'a well-formed patch', code: clean },
    { name: 'blank context lines lost on both sides are restored, not reported', code: clean.replace(' int a;\n', '') },
    { name: 'context lines that lost their leading space', code: clean.replace(' int a;', 'int a;').replace(' int d;', 'int d;') },
    {
      name: 'a quoted hunk with review comments in it',
      code: clean
        .split('\n')
        .map((l) => (l ? '> ' + l : l))
        .join('\n')
        .replace('> +int c;', '> +int c;\nWhy c?\n>'),
    },
  ],
  invalid: [
    {
      name: 'a hunk header that does not parse',
      code: clean.replace('@@ -1,3 +1,3 @@', '@@ -1,3 +1,x @@'),
      errors: [{ messageId: 'badHunkHeader', line: 4, severity: 'warning' }],
    },
    {
      name: 'a hunk cut short on one side',
      code: clean.replace('@@ -1,3 +1,3 @@', '@@ -1,3 +1,5 @@'),
      errors: [{ messageId: 'truncatedHunk', line: 4, severity: 'warning', includes: '0 old and 2 new' }],
    },
    {
      name: 'a quoted hunk the reviewer trimmed is information',
      code:
        clean
          .split('\n')
          .slice(0, 6)
          .map((l) => '> ' + l)
          .join('\n') + '\n\nTrimmed the rest.\n',
      errors: [{ messageId: 'partialHunk', line: 4, severity: 'information' }],
    },
    {
      name: 'added lines beyond the counts',
      code: clean + '+int e;\n',
      errors: [{ messageId: 'hunkOverflow', line: 9, severity: 'warning' }],
    },
    {
      name: 'a merge diff',
      code: 'diff --cc mm/a.c\n@@@ -1,1 -1,1 +1,1 @@@\n- int a;\n +int b;\n++int c;\n',
      errors: [{ messageId: 'combinedDiff', line: 1, severity: 'information' }],
    },
  ],
});
