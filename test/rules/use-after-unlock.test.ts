import rule from '../../server/src/core/rules/use-after-unlock';
import { lineOf, mark, patchMail, readSeed } from '../helpers';
import { RING } from '../ring-fixture';
import { runRuleTests } from './tester';

/** A counter read after the unlock; `fix` moves the read before it (the patch), or not (`none`). */
const counter = (before: string, after: string): string =>
  patchMail('drivers/foo: count', [
    {
      path: 'drivers/foo/count.c',
      hunks: [
        {
          start: 30,
          section: 'static unsigned long count_take(struct count_ctx *ctx)',
          lines: [
            ...mark(' ', '\tunsigned long n;\n\n\tspin_lock(&ctx->lock);\n\tctx->taken++;'),
            ...mark('-', before),
            ...mark('+', after),
            ...mark(' ', '\treturn n;\n}'),
          ],
        },
      ],
    },
  ]);

const introduced = counter('\tn = ctx->taken;\n\tspin_unlock(&ctx->lock);', '\tspin_unlock(&ctx->lock);\n\tn = ctx->taken;');
const fixed = counter('\tspin_unlock(&ctx->lock);\n\tn = ctx->taken;', '\tn = ctx->taken;\n\tspin_unlock(&ctx->lock);');
const relocked = counter(
  '\tn = ctx->taken;\n\tspin_unlock(&ctx->lock);',
  '\tspin_unlock(&ctx->lock);\n\tspin_lock(&ctx->lock);\n\tn = ctx->taken;\n\tspin_unlock(&ctx->lock);',
);
/** After the unlock, the member's address is handed to a wait: nothing of it is read. */
const addressOnly = counter(
  '\tn = ctx->taken;\n\tspin_unlock(&ctx->lock);',
  '\tn = ctx->taken;\n\tspin_unlock(&ctx->lock);\n\twait_for_completion(&ctx->done);',
);

runRuleTests(rule, {
  valid: [
    { name: 'every read before the unlock', code: RING },
    { name: 'taken again before the read', code: relocked },
    { name: "after the unlock, only a member's address is handed on", code: addressOnly },
  ],
  invalid: [
    {
      name: 'a read moved after the unlock',
      code: introduced,
      errors: [
        {
          messageId: 'readAfterUnlock',
          line: lineOf(introduced, '+\tn = ctx->taken;', true),
          severity: 'warning',
          includes: '`ctx->taken` is read after `spin_unlock(&ctx->lock)` (line ',
        },
      ],
    },
    {
      name: 'a read moved before the unlock is fixed',
      code: fixed,
      allOrigins: true,
      errors: [{ messageId: 'readAfterUnlock', line: lineOf(fixed, '-\tn = ctx->taken;', true), origin: 'fixed', severity: 'hint' }],
    },
  ],
  seeds: () => ({
    valid: [{ name: 'seed 001 as posted: the one it had, it fixes', code: readSeed('001') }],
    invalid: [
      {
        name: 'seed 001 with all findings: the buffer read after the unlock is fixed by the patch',
        code: readSeed('001'),
        allOrigins: true,
        errors: [
          {
            messageId: 'readAfterUnlock',
            line: lineOf(readSeed('001'), '> > - if (src != acomp_ctx->buffer)', true),
            origin: 'fixed',
            includes: '`acomp_ctx->buffer` is read after `mutex_unlock(&acomp_ctx->mutex)`',
          },
        ],
      },
    ],
  }),
});
