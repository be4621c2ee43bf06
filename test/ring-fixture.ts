/**
 * @file A per-CPU ring context whose page becomes an array of pages, written for the tests in the manner
 * of seed 001 but with another allocation family (vzalloc/vfree) and a `while (i--)` unwind.
 */
import { editPatch, mark, patchMail, type PatchLineEdit } from './helpers';

export const RING = patchMail('drivers/foo: batch ring pages per CPU', [
  {
    path: 'drivers/foo/ring.h',
    hunks: [
      {
        start: 10,
        lines: [
          ' #include <linux/percpu.h>',
          ' ',
          ...mark('+', '#ifdef CONFIG_FOO_RING_BATCH\n#define RING_BATCH 4\n#else\n#define RING_BATCH 1\n#endif\n'),
          ' struct ring_ctx;',
        ],
      },
    ],
  },
  {
    path: 'drivers/foo/ring.c',
    hunks: [
      {
        start: 20,
        lines: [
          ...mark(' ', 'struct ring_ctx {'),
          ...mark('-', '\tvoid *page;'),
          ...mark('+', '\tvoid *page[RING_BATCH];'),
          ...mark(' ', '\tstruct mutex lock;\n\tunsigned long used;\n};'),
        ],
      },
      {
        start: 40,
        section: 'static int ring_cpu_prepare(unsigned int cpu)',
        lines: [
          ...mark(' ', '\tstruct ring_ctx *ctx = per_cpu_ptr(&ring_ctxs, cpu);'),
          ...mark('+', '\tint i;'),
          ' ',
          ...mark(' ', '\tmutex_init(&ctx->lock);'),
          ...mark('-', '\tctx->page = vzalloc(PAGE_SIZE * 4);\n\tif (!ctx->page)\n\t\treturn -ENOMEM;'),
          ...mark('+', '\tfor (i = 0; i < RING_BATCH; i++) {\n\t\tctx->page[i] = vzalloc(PAGE_SIZE * 4);\n\t\tif (!ctx->page[i])\n\t\t\tgoto fail;\n\t}'),
          ...mark(' ', '\treturn 0;'),
          ...mark('+', '\nfail:\n\twhile (i--)\n\t\tvfree(ctx->page[i]);\n\treturn -ENOMEM;'),
          ...mark(' ', '}'),
        ],
      },
      {
        start: 60,
        section: 'static int ring_cpu_dead(unsigned int cpu)',
        lines: [
          ...mark(' ', '\tstruct ring_ctx *ctx = per_cpu_ptr(&ring_ctxs, cpu);'),
          ...mark('+', '\tint i;'),
          ' ',
          ...mark('-', '\tvfree(ctx->page);'),
          ...mark('+', '\tfor (i = 0; i < RING_BATCH; i++)\n\t\tvfree(ctx->page[i]);'),
          ...mark(' ', '\treturn 0;\n}'),
        ],
      },
      {
        start: 90,
        section: 'static unsigned long ring_take(struct ring_ctx *ctx, const void *src, size_t len)',
        lines: [
          ...mark(' ', '\tunsigned long n;\n\n\tmutex_lock(&ctx->lock);'),
          ...mark('-', '\tmemcpy(ctx->page, src, len);'),
          ...mark('+', '\tmemcpy(ctx->page[0], src, len);'),
          ...mark(' ', '\tn = ctx->used;\n\tctx->used += len;\n\tmutex_unlock(&ctx->lock);\n\treturn n;\n}'),
        ],
      },
    ],
  },
]);

export const ring = (...edits: PatchLineEdit[]): string => editPatch(RING, edits);
