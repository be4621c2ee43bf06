import rule from '../../server/src/core/rules/unwind-leak';
import { addedCodePatch, lineAfter, lineOf, readSeed } from '../helpers';
import { ring, RING } from '../ring-fixture';
import * as seed from '../seed001';
import { runRuleTests } from './tester';

/** The unwind loop gone: a failing page leaves the earlier ones allocated. */
const noUnwind = ring({ line: '+\twhile (i--)', with: [] }, { line: '+\t\tvfree(ctx->page[i]);', after: 'fail:', with: [] });

/** The teardown starts at the second page. */
const teardownSkipsFirst = ring({ line: '+\tfor (i = 0; i < RING_BATCH; i++)', after: 'ring_cpu_dead', with: ['+\tfor (i = 1; i < RING_BATCH; i++)'] });

/** Two allocations in sequence with kzalloc/kfree, the second's failure path forgetting the first. */
const sequence = (unwind: string): string =>
  addedCodePatch(
    'mm/pool: a pool with a map',
    'mm/pool.c',
    `int pool_init(struct pool *pool)\n{\n\tpool->slots = kcalloc(64, sizeof(void *), GFP_KERNEL);\n\tif (!pool->slots)\n\t\treturn -ENOMEM;\n\tpool->map = kzalloc(64, GFP_KERNEL);\n\tif (!pool->map)\n\t\tgoto free_slots;\n\treturn 0;\nfree_slots:\n${unwind}\treturn -ENOMEM;\n}`,
  );
const sequenceBalanced = sequence('\tkfree(pool->slots);\n');

/** A pool allocating 600 slots one by one, unwinding them all: 601 runs needed, more than the model makes. */
const manySlots = (unwind: string): string =>
  addedCodePatch(
    'mm/pool: many slots',
    'mm/pool.c',
    `int slots_init(struct pool *pool)\n{\n\tint i;\n\n\tfor (i = 0; i < 600; i++) {\n\t\tpool->slot[i] = kzalloc(64, GFP_KERNEL);\n\t\tif (!pool->slot[i])\n\t\t\tgoto fail;\n\t}\n\treturn 0;\nfail:\n${unwind}\treturn -ENOMEM;\n}`,
  );
const manyBalanced = manySlots('\twhile (i--)\n\t\tkfree(pool->slot[i]);\n');
/** The unwind frees the first slot a thousand times: its path repeats one step, and stays short. */
const refree = manySlots('\tfor (i = 0; i < 1000; i++)\n\t\tkfree(pool->slot[0]);\n').replace('i < 600', 'i < 8');
const sequenceLeaks = sequence('');

/** The map allocated in each arm of an #ifdef; `elseFailure` is what the #else arm does when it fails. */
const configured = (elseFailure: string): string =>
  addedCodePatch(
    'mm/pool: a map sized by configuration',
    'mm/pool.c',
    `int pool_init(struct pool *pool)\n{\n\tpool->slots = kcalloc(64, sizeof(void *), GFP_KERNEL);\n\tif (!pool->slots)\n\t\treturn -ENOMEM;\n#ifdef CONFIG_POOL_WIDE_MAP\n\tpool->map = kzalloc(64, GFP_KERNEL);\n\tif (!pool->map)\n\t\tgoto free_slots;\n#else\n\tpool->map = kzalloc(32, GFP_KERNEL);\n\tif (!pool->map)\n\t\t${elseFailure};\n#endif\n\treturn 0;\nfree_slots:\n\tkfree(pool->slots);\n\treturn -ENOMEM;\n}`,
  );
const configuredBalanced = configured('goto free_slots');
const configuredElseLeaks = configured('return -ENOMEM');

/** A constructor that returns what it made, and a destructor handed it: what it frees of it is what counts. */
const ctxPair = (destroyBody: string): string =>
  addedCodePatch(
    'drivers/foo: a context with a buffer',
    'drivers/foo/ctx.c',
    `void *foo_ctx_create(struct foo *foo)\n{\n\tstruct foo_ctx *ctx;\n\n\tctx = kzalloc(sizeof(*ctx), GFP_KERNEL);\n\tif (!ctx)\n\t\treturn ERR_PTR(-ENOMEM);\n\tctx->buf = kmalloc(64, GFP_KERNEL);\n\tif (!ctx->buf) {\n\t\tkfree(ctx);\n\t\treturn ERR_PTR(-ENOMEM);\n\t}\n\treturn ctx;\n}\n\nvoid foo_ctx_destroy(void *p)\n{\n\tstruct foo_ctx *ctx = p;\n\n${destroyBody}}`,
  );
const ctxLeftOver = ctxPair('\tkfree(ctx->buf);\n');
const ctxFreed = ctxPair('\tkfree(ctx->buf);\n\tkfree(ctx);\n');

runRuleTests(rule, {
  valid: [
    { name: 'a destructor handed what its constructor returned frees all of it', code: ctxFreed },
    { name: 'a while (i--) unwind frees every page before the failing one', code: RING },
    { name: 'two allocations, the second failing frees the first', code: sequenceBalanced },
    { name: 'an allocation in each arm of an #ifdef, each unwinding what came before', code: configuredBalanced },
  ],
  invalid: [
    {
      name: "only the #else arm's failure forgets the slots: each arm is run",
      code: configuredElseLeaks,
      errors: [
        {
          messageId: 'failingPathLeaks',
          line: lineOf(configuredElseLeaks, '+\tpool->map = kzalloc(32, GFP_KERNEL);', true),
          severity: 'error',
          includes: 'if `kzalloc()` fails for `map`, `slots` is never freed',
        },
      ],
    },
    {
      name: 'a destructor handed what its constructor returned frees its buffer but not itself',
      code: ctxLeftOver,
      errors: [
        {
          messageId: 'teardownMisses',
          line: lineOf(ctxLeftOver, '+void *foo_ctx_create(struct foo *foo)'),
          includes: '`foo_ctx_destroy()` does not free `ctx`, which `foo_ctx_create()` leaves allocated',
        },
      ],
    },
    {
      name: 'no unwind loop',
      code: noUnwind,
      errors: [
        {
          messageId: 'failingPathLeaks',
          line: lineOf(noUnwind, '+\t\tctx->page[i] = vzalloc(PAGE_SIZE * 4);', true),
          severity: 'error',
          includes: 'if `vzalloc()` fails for `page[2]`, `page[0]` and `page[1]` are never freed (line ',
        },
      ],
    },
    {
      name: 'a teardown that misses an element',
      code: teardownSkipsFirst,
      errors: [
        {
          messageId: 'teardownMisses',
          line: lineAfter(teardownSkipsFirst, 'ring_cpu_dead', '+\tint i;'),
          includes: '`ring_cpu_dead()` does not free `page[0]`, which `ring_cpu_prepare()` leaves allocated',
        },
      ],
    },
    {
      name: 'a failure path that forgets the first allocation',
      code: sequenceLeaks,
      errors: [
        {
          messageId: 'failingPathLeaks',
          line: lineOf(sequenceLeaks, '+\tpool->map = kzalloc(64, GFP_KERNEL);', true),
          includes: 'if `kzalloc()` fails for `map`, `slots` is never freed',
        },
      ],
    },
    {
      name: 'more failure points than the model runs: a note, not a silent gap',
      code: manyBalanced,
      errors: [
        {
          messageId: 'explorationCapped',
          line: lineOf(manyBalanced, '+int slots_init(struct pool *pool)'),
          severity: 'information',
          includes: 'ran `slots_init()` 500 times and stopped there; 101 more failure points were not tried',
        },
      ],
    },
    {
      name: 'a free repeated a thousand times: one finding, its path counts the repeat',
      code: refree,
      errors: [
        {
          messageId: 'failingPathLeaks',
          line: lineOf(refree, '+\t\tpool->slot[i] = kzalloc(64, GFP_KERNEL);'),
          includes: '→ `kfree()` (line 21) × 1000 → return (line 22))',
        },
      ],
    },
  ],
  seeds: () => ({
    valid: [{ name: 'seed 001 as posted', code: readSeed('001') }],
    invalid: [
      {
        name: 'seed 001 without the partial free in the buffer loop',
        code: seed.withoutPartialFree(),
        errors: [
          {
            messageId: 'failingPathLeaks',
            line: lineOf(seed.withoutPartialFree(), '> > + acomp_ctx->buffer[i] = kmalloc_node(PAGE_SIZE * 2,', true),
            includes: 'if `kmalloc_node()` fails for `buffer[2]`, `buffer[0]` and `buffer[1]` are never freed (line ',
          },
        ],
      },
      {
        name: 'seed 001 unwinding the request loop to the wrong label',
        code: seed.withWrongReqLabel(),
        errors: [
          {
            messageId: 'failingPathLeaks',
            line: lineOf(seed.withWrongReqLabel(), '> > + acomp_ctx->req[i] = acomp_request_alloc(acomp_ctx->acomp);', true),
            includes: '`buffer[0]`, `buffer[1]` and `buffer[2]` are never freed',
          },
        ],
      },
      {
        name: 'seed 001 whose teardown frees one buffer',
        code: seed.withTeardownMissingElements(),
        errors: [
          {
            messageId: 'teardownMisses',
            line: lineAfter(seed.withTeardownMissingElements(), 'zswap_cpu_comp_dead', '> > + int i;'),
            includes: 'does not free `buffer[1]` and `buffer[2]`',
          },
        ],
      },
    ],
  }),
});
