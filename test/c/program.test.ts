/** The program a model runs for a patch: functions in the version in effect, parts of one function read together. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { exprText, type Stmt } from '../../server/src/core/c/syntax/ast';
import { programAt } from '../../server/src/core/c/eval/program';
import { visibleStatements } from '../../server/src/core/models/visible';
import { mark, patchMail } from '../helpers';
import { sharedEngine } from '../rules/tester';

const parsed = async (text: string) => (await sharedEngine()).analyze(text).parsed!;

/** Statement kinds, nested, for comparing shapes. */
const shape = (stmts: Stmt[]): unknown[] =>
  stmts.map((s) =>
    s.kind === 'switch'
      ? ['switch', exprText(s.condition), shape(s.body)]
      : s.kind === 'if'
        ? ['if', exprText(s.condition)]
        : s.kind === 'case'
          ? ['case', s.lo ? exprText(s.lo) : 'default']
          : s.kind,
  );

const split = patchMail('mm: act on real transitions', [
  {
    path: 'mm/advice.c',
    hunks: [
      {
        start: 100,
        section: 'static void apply_advice(struct range *r, int advice)',
        lines: [
          ...mark(' ', '\tswitch (advice) {\n\tcase ADVICE_KEEP:'),
          ...mark('+', '\t\tif (r->state == STATE_DROP)\n\t\t\trange_get(r);'),
          ...mark(' ', '\t\tr->state = STATE_KEEP;\n\t\tbreak;\n\tcase ADVICE_DROP:\n\t\t/*\n\t\t * Dropping waits for the'),
        ],
      },
      {
        start: 120,
        section: 'static void apply_advice(struct range *r, int advice)',
        lines: [
          ...mark(' ', '\t\t */'),
          ...mark('+', '\t\tif (r->state == STATE_KEEP)\n\t\t\trange_put(r);'),
          ...mark(' ', '\t\tr->state = STATE_DROP;\n\t\tbreak;\n\t}'),
        ],
      },
    ],
  },
]);

test('a function two hunks show in parts reads as one: the switch one opens, the next continues', async () => {
  const p = await parsed(split);
  const program = programAt(p, 0, 'new');
  const pieces = program.functions.get('apply_advice')!;
  assert.equal(pieces.length, 1);
  assert.deepEqual(shape(pieces[0].fn.body), [
    [
      'switch',
      'advice',
      [['case', 'ADVICE_KEEP'], ['if', 'r->state == STATE_DROP'], 'expr', 'break', ['case', 'ADVICE_DROP'], ['if', 'r->state == STATE_KEEP'], 'expr', 'break'],
    ],
  ]);
  // Rows of the stitched image still map to the document.
  const put = pieces[0].view.image.rows.findIndex((r) => r.text.includes('range_put'));
  assert.match(split.split('\n')[pieces[0].view.image.rows[put].docLine], /^\+\t\t\trange_put\(r\);$/);
});

test('a series: each function in the version in effect at the patch', async () => {
  const first = patchMail('mm: add helpers', [
    { path: 'mm/a.c', hunks: [{ start: 1, lines: [' /* a */', ...mark('+', 'int one(void)\n{\n\treturn 1;\n}\n\nint two(void)\n{\n\treturn 2;\n}')] }] },
  ]);
  const second = patchMail('mm: change one', [
    { path: 'mm/a.c', hunks: [{ start: 2, lines: [...mark(' ', 'int one(void)\n{'), '-\treturn 1;', '+\treturn 11;', ' }'] }] },
  ]);
  const mbox = ['From dev@example.org Mon Jan  1 00:00:00 2024', first, 'From dev@example.org Mon Jan  1 00:00:00 2024', second].join('\n');
  const p = await parsed(mbox);
  const ret = (side: 'old' | 'new', i: number, name: string): string => {
    const s = programAt(p, i, side).functions.get(name)![0].fn.body[0];
    return s.kind === 'return' && s.value ? exprText(s.value) : '?';
  };
  assert.deepEqual([ret('old', 1, 'one'), ret('new', 1, 'one'), ret('new', 1, 'two'), ret('old', 1, 'two')], ['1', '11', '2', '2']);
  assert.deepEqual([ret('new', 0, 'one'), ret('old', 0, 'one')], ['1', '1'], 'patch 1 adds one(); its old side falls back to what later patches start from');
});

test('visible statements: a block opened above the hunk is entered, unless it ends by leaving', () => {
  const C = (t: Stmt[]): Stmt => ({ kind: 'block', body: t, span: { startRow: 0, startCol: 0, endRow: 0, endCol: 0 } });
  const sp = { startRow: 0, startCol: 0, endRow: 0, endCol: 0 };
  const unknown = { kind: 'id' as const, name: '__mmr_unknown_condition', span: sp };
  const call = (fn: string): Stmt => ({
    kind: 'expr',
    expression: { kind: 'call', fn, callee: { kind: 'id', name: fn, span: sp }, args: [], span: sp },
    span: sp,
  });
  const body: Stmt[] = [
    { kind: 'if', condition: unknown, then: C([call('error_path'), { kind: 'goto', label: 'out', span: sp }]), otherwise: null, span: sp },
    { kind: 'if', condition: unknown, then: C([call('mapped')]), otherwise: C([call('userptr')]), span: sp },
    call('after'),
  ];
  assert.deepEqual(
    visibleStatements(body).map((s) => (s.kind === 'expr' && s.expression.kind === 'call' ? s.expression.fn : s.kind)),
    ['mapped', 'after'],
  );
});
