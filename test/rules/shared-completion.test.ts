import rule from '../../server/src/core/rules/shared-completion';
import { lineOf, mark, patchMail, readSeed } from '../helpers';
import { runRuleTests } from './tester';

/** A hash context whose request becomes an array; `callback` is how prepare sets completion callbacks. */
const hashing = (batch: string, callback: string): string =>
  patchMail('crypto/foo: batch hash requests', [
    { path: 'crypto/foo.h', hunks: [{ start: 3, lines: [' #include <crypto/hash.h>', ...mark('+', `#define HASH_BATCH ${batch}`), ' struct hash_ctx;'] }] },
    {
      path: 'crypto/foo.c',
      hunks: [
        {
          start: 10,
          lines: [
            ...mark(' ', 'struct hash_ctx {'),
            ...mark('-', '\tstruct ahash_request *req;'),
            ...mark('+', '\tstruct ahash_request *req[HASH_BATCH];'),
            ...mark(' ', '\tstruct crypto_wait wait;\n};'),
          ],
        },
        {
          start: 40,
          section: 'static int hash_prepare(struct hash_ctx *ctx, struct crypto_ahash *tfm)',
          lines: [
            ...mark(' ', '\tint i;\n'),
            ...mark('+', '\tfor (i = 0; i < HASH_BATCH; i++)\n\t\tctx->req[i] = ahash_request_alloc(tfm, GFP_KERNEL);'),
            ...mark('+', callback),
            ...mark(' ', '\treturn 0;\n}'),
          ],
        },
      ],
    },
  ]);

const onlyFirst = hashing('4', '\tahash_request_set_callback(ctx->req[0], 0, crypto_req_done, &ctx->wait);');
const everyOne = hashing('4', '\tfor (i = 0; i < HASH_BATCH; i++)\n\t\tahash_request_set_callback(ctx->req[i], 0, crypto_req_done, &ctx->wait);');
const single = hashing('1', '\tahash_request_set_callback(ctx->req[0], 0, crypto_req_done, &ctx->wait);');

runRuleTests(rule, {
  valid: [
    { name: 'a callback on every request', code: everyOne },
    { name: 'an array of one', code: single },
  ],
  invalid: [
    {
      name: 'a callback on the first request only',
      code: onlyFirst,
      errors: [
        {
          messageId: 'oneElement',
          line: lineOf(onlyFirst, 'ahash_request_set_callback(ctx->req[0]'),
          severity: 'information',
          includes: 'on `req[0]` only; `req[1]`…`req[3]` (the array holds `HASH_BATCH`, 4) can only be completed by polling',
        },
      ],
    },
  ],
  seeds: () => ({
    valid: [{ name: 'seed 004: no request arrays', code: readSeed('004') }],
    invalid: [
      {
        name: 'seed 001 as posted',
        code: readSeed('001'),
        errors: [
          {
            messageId: 'oneElement',
            line: lineOf(readSeed('001'), '> > + acomp_request_set_callback(acomp_ctx->req[0]'),
            includes: '8 with CONFIG_ZSWAP_STORE_BATCHING_ENABLED',
          },
        ],
      },
    ],
  }),
});
