import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { batchTime } from '../../server/src/core/models/batch-throughput/batch-throughput';
import rule from '../../server/src/core/rules/batch-footprint';
import { describe } from '../../server/src/core/describe';
import { lineOf, readSeed } from '../helpers';
import { ring, RING } from '../ring-fixture';
import { analyzeCase, runRuleTests } from './tester';

/** The ring context allocated per instance, not per CPU. */
const notPerCpu = ring(
  { line: ' \tstruct ring_ctx *ctx = per_cpu_ptr(&ring_ctxs, cpu);', with: [' \tstruct ring_ctx *ctx = ring_of(cpu);'] },
  { line: ' \tstruct ring_ctx *ctx = per_cpu_ptr(&ring_ctxs, cpu);', with: [' \tstruct ring_ctx *ctx = ring_of(cpu);'] },
);
/** Pages of a size the hunks do not show: only the counts are known. */
const sizeUnknown = ring({ line: '+\t\tctx->page[i] = vzalloc(PAGE_SIZE * 4);', with: ['+\t\tctx->page[i] = vzalloc(ring_page_bytes(cpu));'] });
/** A batch of one on every configuration. */
const batchOfOne = ring({ line: '+#define RING_BATCH 4', with: ['+#define RING_BATCH 1'] });

runRuleTests(rule, {
  valid: [
    { name: 'not a per-CPU struct', code: notPerCpu },
    { name: 'a batch of one', code: batchOfOne },
  ],
  invalid: [
    // 4 pages of PAGE_SIZE * 4 = 16 KiB: 64 KiB per CPU; × 224 CPUs = 14,336 KiB = 14 MiB.
    {
      name: 'the ring pages',
      code: RING,
      errors: [
        {
          messageId: 'footprint',
          line: lineOf(RING, '+#define RING_BATCH 4', true),
          severity: 'information',
          includes:
            '`RING_BATCH` = 4 (with CONFIG_FOO_RING_BATCH) gives every CPU 4 `page` elements of 16 KiB: 64 KiB per CPU, 14 MiB for 224 CPUs per pool, paid by every machine built with CONFIG_FOO_RING_BATCH, whatever its hardware',
        },
      ],
    },
    // 64 KiB × 64 CPUs = 4 MiB per pool; the figure counts both pools: 8 MiB (the message still says "per pool").
    {
      name: 'the CPU and pool counts are options',
      code: RING,
      options: { footprint: { cpus: 64, pools: 2 } },
      errors: [
        {
          messageId: 'footprint',
          line: lineOf(RING, '+#define RING_BATCH 4', true),
          includes: '64 KiB per CPU, 8 MiB for 64 CPUs per pool,',
          explains: ['4 × 16 KiB × 64 × 2 = **8 MiB**'],
        },
      ],
    },
    {
      name: 'elements of a size the hunks do not show are counted',
      code: sizeUnknown,
      errors: [
        {
          messageId: 'footprintCountsOnly',
          line: lineOf(sizeUnknown, '+#define RING_BATCH 4', true),
          includes: '`RING_BATCH` = 4 (with CONFIG_FOO_RING_BATCH) gives every CPU 4 `page` elements, paid by',
          explains: ['The element sizes are not in the hunks: only the counts are known.'],
        },
      ],
    },
  ],
  seeds: () => ({
    valid: [{ name: 'seed 004: no batch arrays', code: readSeed('004') }],
    invalid: [
      // 8 buffers of PAGE_SIZE * 2 = 8 KiB: 64 KiB per CPU; × 224 = 14 MiB; the requests are counted, not sized.
      {
        name: 'seed 001 as posted',
        code: readSeed('001'),
        errors: [
          {
            messageId: 'footprint',
            line: lineOf(readSeed('001'), '> > +#define SWAP_CRYPTO_SUB_BATCH_SIZE 8UL', true),
            includes: 'gives every CPU 8 `buffer` elements of 8 KiB and 8 `req` elements: 64 KiB per CPU, 14 MiB for 224 CPUs per pool',
          },
        ],
      },
    ],
  }),
});

test('the throughput model: batches beyond the engines gain nothing', () => {
  // 16 pages on 8 engines: batches of 1 take 16 rounds, of 8 take 2, of 16 still 2 (two rounds of 8).
  assert.deepEqual(
    [1, 2, 4, 8, 16].map((n) => batchTime(16, n, 8)),
    [16, 8, 4, 2, 2],
  );
});

test('hovering the batch constant anywhere shows the footprint, and links to the throughput table', async () => {
  const a = await analyzeCase({ name: 'the ring pages', code: RING });
  const line = lineOf(RING, '+\tvoid *page[RING_BATCH];', true) - 1;
  const character = RING.split('\n')[line].indexOf('RING_BATCH') + 2;
  const d = describe(a, a.findings, { line, character });
  assert.match(d?.markdown ?? '', /\*\*batch-footprint\*\* · `RING_BATCH`/);
  // The table is the full explanation's, a link away from the hover.
  assert.doesNotMatch(d?.markdown ?? '', /\| 8 \| 2t \| 8× \|/);
  const f = a.findings.find((x) => x.ruleId === 'batch-footprint')!;
  assert.deepEqual(
    d?.links?.map((l) => l.kind),
    ['explanation', 'ruleDoc'],
  );
  assert.match(f.explanation, /\| 8 \| 2t \| 8× \|/);
  assert.match(f.explanation, /\| 16 \| 2t \| 8× \|/);
});
