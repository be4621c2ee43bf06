/**
 * The fuzzer, bounded: a few hundred mutated documents through the whole analysis with no crash, no rule
 * failing on a document, no position outside it, no hang; and the fuzzer itself catches each of those
 * classes when one is planted (`npm run fuzz` runs 20,000 cases; README).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/src/core/engine';
import { loadParser } from '../../server/src/host/grammar';
import { defaultRules } from '../../server/src/core/rules';
import { defineRule } from '../../server/src/core/rules/rule';
import { fuzz, type FuzzOptions } from '../../fuzz/run';
import { checkCase } from '../../fuzz/oracle';
import { MUTATIONS, Random } from '../../fuzz/mutate';
import { RING } from '../ring-fixture';

const options = (o: Partial<FuzzOptions>): FuzzOptions => ({
  cases: 300,
  seed: 20261203,
  workers: 2,
  timeoutMs: 60_000,
  memoryMb: 1536,
  findingsDir: null,
  ...o,
});

test('fuzz smoke: 300 mutated documents, nothing in any class', { timeout: 600_000 }, async () => {
  const r = await fuzz(options({}));
  assert.equal(r.cases, 300);
  assert.deepEqual(
    r.failures.map((f) => `${f.kind} in case ${f.index} (${f.doc}: ${f.mutations.join(', ')}): ${f.detail.split('\n')[0]}`),
    [],
  );
  assert.ok(Object.values(r.counts).every((n) => n === 0));
});

test('the oracle names a crash, a rule that failed, and positions outside the document', async () => {
  const parser = await loadParser();
  const planted = defineRule({
    id: 'planted',
    meta: { summary: 'planted for the test', defaultSeverity: 'error', confidence: 'high', differential: false, messages: { far: 'far away' } },
    check(ctx) {
      if (ctx.series.series.text.includes('PLANT-THROW')) throw new Error('planted');
      if (ctx.series.series.text.includes('PLANT-FAR'))
        ctx.report({
          side: 'new',
          at: { range: { start: { line: 10_000, character: 0 }, end: { line: 10_000, character: 3 } }, patch: null, path: null, fileLine: null },
          messageId: 'far',
          key: 'far',
        });
    },
  });
  const engine = new Engine(parser, [...defaultRules, planted]);
  assert.deepEqual(checkCase(engine, RING), []);
  assert.deepEqual(
    checkCase(engine, RING + '\nPLANT-THROW\n').map((f) => f.kind),
    ['rule failed'],
  );
  assert.deepEqual(
    checkCase(engine, RING + '\nPLANT-FAR\n').map((f) => f.kind),
    ['position outside the document'],
  );
  const throwing = new Engine(parser);
  throwing.analyze = () => {
    throw new Error('out of the core');
  };
  assert.deepEqual(
    checkCase(throwing, RING).map((f) => f.kind),
    ['crash'],
  );
});

test('the watchdog names a case that hangs and one that exhausts memory, and the run goes on', { timeout: 600_000 }, async () => {
  const r = await fuzz(options({ cases: 12, workers: 1, timeoutMs: 5_000, memoryMb: 256, selfTest: { hangAt: 3, exhaustMemoryAt: 7 } }));
  assert.deepEqual(
    r.failures.map((f) => [f.kind, f.index]),
    [
      ['hang', 3],
      ['memory', 7],
    ],
  );
  assert.equal(r.slowest.length, 5);
  // Every other case ran: 12 cases, 2 of them failing before they could report a time.
  assert.equal(r.counts.hang + r.counts.memory, 2);
});

test('every mutation changes some document of the corpus, deterministically', () => {
  for (const m of MUTATIONS) {
    const doc = Buffer.from(RING);
    const changed = [1, 2, 3, 4, 5].some((s) => !m.apply(doc, new Random(s)).equals(doc));
    assert.ok(changed, m.name);
  }
});
