import rule from '../../server/src/core/rules/array-member-scalar-use';
import { lineOf, mark, patchMail, readSeed } from '../helpers';
import { ring, RING } from '../ring-fixture';
import { withScalarUseLeft } from '../seed001';
import { runRuleTests } from './tester';

/** The ring patch, one use of `page` left as a scalar. */
const memcpyLeft = ring({ line: '+\tmemcpy(ctx->page[0], src, len);', with: ['+\tmemcpy(ctx->page, src, len);'] });

/** The free loop over the pages frees the array itself: the loop's counter is the index. */
const loopLeft = ring({ line: '+\t\tvfree(ctx->page[i]);', after: 'ring_cpu_dead', with: ['+\t\tvfree(ctx->page);'] });

/** `page` of another struct, used as a scalar: not the member that became an array. */
const otherStruct = patchMail('drivers/foo: use the other page', [
  {
    path: 'drivers/foo/ring.c',
    hunks: [
      { start: 20, lines: [...mark(' ', 'struct ring_ctx {'), ...mark('-', '\tvoid *page;'), ...mark('+', '\tvoid *page[RING_BATCH];'), ...mark(' ', '};')] },
    ],
  },
  {
    path: 'drivers/foo/other.c',
    hunks: [
      {
        start: 5,
        section: 'static void other_reset(struct other_ctx *other)',
        lines: [...mark(' ', '\tother->used = 0;'), ...mark('+', '\tother->page = NULL;'), ...mark(' ', '}')],
      },
    ],
  },
]);

/** A scalar use on a context line the series left alone: it breaks all the same. */
const contextLeft = ring(
  { line: '+\tmemcpy(ctx->page[0], src, len);', with: [] },
  { line: '-\tmemcpy(ctx->page, src, len);', with: [' \tmemcpy(ctx->page, src, len);'] },
);

/** The whole array on purpose: `sizeof`, `ARRAY_SIZE()`. */
const wholeArray = ring({
  line: '+\tmemcpy(ctx->page[0], src, len);',
  with: ['+\tmemset(ctx->page[0], 0, sizeof(ctx->page));', '+\tn = ARRAY_SIZE(ctx->page);'],
});

runRuleTests(rule, {
  valid: [
    { name: 'every use indexed', code: RING },
    { name: 'sizeof and ARRAY_SIZE mean the whole array', code: wholeArray },
    { name: 'a member of the same name in another struct', code: otherStruct },
  ],
  invalid: [
    {
      name: 'memcpy into the array itself',
      code: memcpyLeft,
      errors: [
        {
          messageId: 'scalarUse',
          line: lineOf(memcpyLeft, '+\tmemcpy(ctx->page, src, len);', true),
          severity: 'error',
          includes: '`ctx->page` uses `page` without an index, but patch 1 made it an array in `struct ring_ctx` (`page[RING_BATCH]`)',
        },
      ],
      // Which page to copy into is the author's choice: nothing else in ring_take() indexes the array.
      output: null,
    },
    {
      name: 'a loop over the array uses the member without its counter',
      code: loopLeft,
      errors: [{ messageId: 'scalarUse', line: lineOf(loopLeft, '+\t\tvfree(ctx->page);', true) }],
      output: RING,
    },
    {
      name: 'a use the series did not touch',
      code: contextLeft,
      errors: [{ messageId: 'scalarUse', line: lineOf(contextLeft, ' \tmemcpy(ctx->page, src, len);', true) }],
    },
  ],
  seeds: () => ({
    valid: [{ name: 'seed 001 as posted', code: readSeed('001') }],
    invalid: [
      {
        name: 'seed 001 with one `req` left as a scalar',
        code: withScalarUseLeft(),
        errors: [
          {
            messageId: 'scalarUse',
            line: lineOf(withScalarUseLeft(), '> > + dlen = acomp_ctx->req->dlen;', true),
            includes: 'patch 10/13 made it an array in `struct crypto_acomp_ctx`',
          },
        ],
        // Every other use in zswap_compress() is `req[0]`.
        output: readSeed('001'),
      },
    ],
  }),
});
