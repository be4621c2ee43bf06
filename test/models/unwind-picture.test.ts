/** The unwind model's runs as a matrix: a row per failing allocation, a column per loop index, each run's end coloured. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ring, RING } from '../ring-fixture';
import { addedCodePatch, lineOf } from '../helpers';
import { sharedEngine } from '../rules/tester';
import { unwindMatrix, unwindRunsTable } from '../../server/src/core/models/unwind/unwind-picture';
import { describe } from '../../server/src/core/describe';

/** The unwind loop gone: page[1] failing leaves page[0], page[2] failing leaves both. */
const noUnwind = ring({ line: '+\twhile (i--)', with: [] }, { line: '+\t\tvfree(ctx->page[i]);', after: 'fail:', with: [] });

test("a leak the model finds comes with the model's view: the runs as a matrix and a table", async () => {
  const a = (await sharedEngine()).analyze(noUnwind);
  const f = a.findings.find((x) => x.ruleId === 'unwind-leak')!;
  assert.equal(f.model?.id, 'unwind');
  assert.equal(f.model?.title, 'Unwind model: ring_cpu_prepare()');
  const svg = f.model!.svg!;
  const cells = [...svg.matchAll(/<g class="run (\w+)" data-fail-at="(\d+)">\n<title>([^<]*)<\/title>/g)].map((m) => [Number(m[2]), m[1], m[3]]);
  assert.deepEqual(cells, [
    [0, 'clean', 'clean: nothing left, nothing freed twice'],
    [1, 'clean', 'clean: nothing left, nothing freed twice'],
    [2, 'leak', 'leak: page[0]'],
    [3, 'leak', 'leak: page[0], page[1]'],
  ]);
  assert.match(svg, />vzalloc\(\) for page\[i\] fails<\/text>/, 'one row for the loop, its indices the columns');
  assert.deepEqual(
    [...svg.matchAll(/>i = (\d+)<\/text>/g)].map((m) => Number(m[1])),
    [0, 1, 2],
  );
  assert.match(f.model!.markdown, /\| 3 \| `vzalloc\(\)` for `page\[2\]` \| leak \| `page\[0\]`, `page\[1\]` \|/);
});

test('a sound unwind is all clean, and the picture draws no loop columns for a function without one', async () => {
  const a = (await sharedEngine()).analyze(RING);
  assert.equal(a.findings.filter((x) => x.ruleId === 'unwind-leak').length, 0);
  const single = unwindMatrix('f', [
    { failAt: 0, call: null, name: null, result: 'clean', resources: [] },
    { failAt: 1, call: 'kzalloc', name: 'ctx', result: 'clean', resources: [] },
    { failAt: 2, call: 'kmalloc', name: 'ctx->buf', result: 'doubleFree', resources: ['ctx'] },
  ]);
  assert.doesNotMatch(single, /i = 0/);
  assert.match(single, /<title>2× free: ctx<\/title>/);
  assert.match(unwindRunsTable([{ failAt: 0, call: null, name: null, result: 'stopped', resources: [] }]), /\| 0 \| nothing \| \? \|/);
});

test('hovering the function the model ran, at its definition, shows the finding', async () => {
  // The second allocation's failure forgets the first.
  const doc = addedCodePatch(
    'mm/pool: a pool with a map',
    'mm/pool.c',
    'int pool_init(struct pool *pool)\n{\n\tpool->slots = kcalloc(64, sizeof(void *), GFP_KERNEL);\n\tif (!pool->slots)\n\t\treturn -ENOMEM;\n\tpool->map = kzalloc(64, GFP_KERNEL);\n\tif (!pool->map)\n\t\treturn -ENOMEM;\n\treturn 0;\n}',
  );
  const a = (await sharedEngine()).analyze(doc);
  assert.equal(a.findings.filter((f) => f.ruleId === 'unwind-leak').length, 1);
  const line = lineOf(doc, '+int pool_init(struct pool *pool)') - 1;
  const d = describe(a, a.findings, { line, character: 6 });
  assert.match(d?.markdown ?? '', /^\*\*unwind-leak\*\* · `pool_init`\n\nThe unwind model ran `pool_init\(\)`/);
  assert.deepEqual(
    d?.links?.map((l) => l.kind),
    ['model', 'ruleDoc'],
  );
});
