import rule from '../../server/src/core/rules/unwind-double-free';
import { addedCodePatch, lineAfter, lineOf, readSeed } from '../helpers';
import { ring, RING } from '../ring-fixture';
import * as seed from '../seed001';
import { runRuleTests } from './tester';

/** After the unwind loop, the first page freed once more. */
const firstPageTwice = ring({ line: '+\treturn -ENOMEM;', after: 'fail:', with: ['+\tvfree(ctx->page[0]);', '+\treturn -ENOMEM;'] });

/** The teardown frees every page twice. */
const teardownTwice = ring({
  line: '+\t\tvfree(ctx->page[i]);',
  after: 'ring_cpu_dead',
  with: ['+\t\tvfree(ctx->page[i]);', '+\tfor (i = 0; i < RING_BATCH; i++)', '+\t\tvfree(ctx->page[i]);'],
});

/** An error pointer handed to kfree(). */
const errorPointerFreed = addedCodePatch(
  'crypto/foo: a context',
  'crypto/foo.c',
  'int foo_init(struct foo_ctx *ctx)\n{\n\tctx->tfm = crypto_alloc_acomp("deflate", 0, 0);\n\tif (IS_ERR(ctx->tfm))\n\t\tgoto fail;\n\treturn 0;\nfail:\n\tkfree(ctx->tfm);\n\treturn -ENOMEM;\n}',
);

runRuleTests(rule, {
  valid: [{ name: 'a balanced ring', code: RING }],
  invalid: [
    {
      name: 'the first page freed again',
      code: firstPageTwice,
      errors: [
        {
          messageId: 'freedTwice',
          line: lineOf(firstPageTwice, '+\tvfree(ctx->page[0]);', true),
          severity: 'error',
          includes: 'if `vzalloc()` fails for `page[1]`, `page[0]` is freed twice (line ',
        },
      ],
    },
    {
      name: 'a teardown that frees twice',
      code: teardownTwice,
      errors: [
        {
          messageId: 'teardownFreesTwice',
          line: lineAfter(teardownTwice, 'ring_cpu_dead', '+\t\tvfree(ctx->page[i]);') + 2,
          includes: '`ring_cpu_dead()` frees `page[0]` twice after `ring_cpu_prepare()` succeeds',
        },
      ],
    },
    {
      name: 'kfree() given an error pointer',
      code: errorPointerFreed,
      errors: [
        {
          messageId: 'freedUnacquired',
          line: lineOf(errorPointerFreed, '+\tkfree(ctx->tfm);', true),
          includes: 'if `crypto_alloc_acomp()` fails for `tfm`, `kfree()` is given `ctx->tfm`, which it never allocated',
        },
      ],
    },
  ],
  seeds: () => ({
    valid: [{ name: 'seed 001 as posted', code: readSeed('001') }],
    invalid: [
      {
        name: 'seed 001 unwinding the buffer loop to req_fail',
        code: seed.withWrongBufLabel(),
        errors: [
          {
            messageId: 'freedTwice',
            line: lineAfter(seed.withWrongBufLabel(), '> > req_fail:', '> > + kfree(acomp_ctx->buffer[i]);'),
            includes: 'if `kmalloc_node()` fails for `buffer[1]`, `buffer[0]` is freed twice',
          },
        ],
      },
    ],
  }),
});
