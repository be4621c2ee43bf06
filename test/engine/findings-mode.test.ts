/**
 * With only introduced findings wanted, rules skip work that finds nothing else (old code where the new
 * code has nothing to classify, hunks whose changes cannot change what a path holds). The introduced
 * findings must be exactly those of a full analysis.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { syntheticSeries } from '../../bench/synthetic';
import { Engine } from '../../server/src/core/engine';
import type { Finding } from '../../server/src/core/findings';
import { loadParser } from '../../server/src/host/grammar';
import { mark, patchMail, readSeed, seedNames, seedTest } from '../helpers';

const introduced = (fs: Finding[]): string[] =>
  fs.filter((f) => f.origin === 'introduced').map((f) => `${f.range.start.line}:${f.range.start.character} ${f.ruleId} ${f.severity} ${f.message}`);

seedTest('introduced findings are the same whether or not the others are wanted', async () => {
  const parser = await loadParser();
  const documents = [...seedNames().map((n) => readSeed(n.slice(0, 3))), syntheticSeries(60).text];
  let total = 0;
  for (const text of documents) {
    const all = new Engine(parser).analyze(text, { findings: 'all' }).findings;
    const only = new Engine(parser).analyze(text, { findings: 'introduced' }).findings;
    assert.deepEqual(introduced(only), introduced(all));
    total += introduced(all).length;
  }
  assert.ok(total > 50, `${total} introduced findings compared`);
});

test('a hunk that only changes a log call keeps its pre-existing leak, shown when all findings are wanted', async () => {
  const patch = patchMail('mm/pool: say more', [
    {
      path: 'mm/pool.c',
      hunks: [
        {
          start: 10,
          section: 'int pool_shrink(struct pool *pool, int n)',
          lines: [
            ...mark(' ', '\tmutex_lock(&pool->lock);\n\tif (pool_check(pool, n))\n\t\treturn -EINVAL;'),
            '-\tpr_debug("shrink %d\\n", n);',
            '+\tpr_debug("shrink %d of %d\\n", n, pool->size);',
            ...mark(' ', '\tmutex_unlock(&pool->lock);\n\treturn 0;\n}'),
          ],
        },
      ],
    },
  ]);
  const parser = await loadParser();
  const leaks = (findings: 'all' | 'introduced'): string[] =>
    new Engine(parser)
      .analyze(patch, { findings })
      .findings.filter((f) => f.ruleId === 'unbalanced-counter')
      .map((f) => f.origin);
  assert.deepEqual(leaks('all'), ['pre-existing']);
  assert.deepEqual(leaks('introduced'), []);
});
