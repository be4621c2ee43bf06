/**
 * A fix that holds: applying any fix the tool offers, on the seed messages and the bundled example, removes
 * its finding and brings no finding that was not there before (a fix that trades an error for a new note is
 * no fix).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFix } from '../../server/src/core/fix-check';
import { readSeed, repoRoot, seedsSkip, staleCallSeed } from '../helpers';
import { sharedEngine } from '../rules/tester';

async function checkEveryFix(name: string, text: string): Promise<number> {
  const engine = await sharedEngine();
  const analyze = (t: string): ReturnType<typeof engine.analyze> => engine.analyze(t, { findings: 'all' });
  const before = analyze(text).findings;
  let applied = 0;
  for (const f of before) {
    for (const fix of f.fixes) {
      applied++;
      const v = checkFix(analyze, text, before, f, fix);
      assert.ok(!v.stays, `${name}: "${fix.title}" leaves its finding: ${f.message}`);
      assert.equal(v.problems, 0, `${name}: "${fix.title}" leaves a patch that does not ingest cleanly`);
      assert.deepEqual(
        v.added.map((x) => `${x.ruleId}: ${x.message}`),
        [],
        `${name}: "${fix.title}" brings new findings`,
      );
    }
  }
  return applied;
}

test('every fix on the bundled example holds', async () => {
  const applied = await checkEveryFix('examples/pgmap-series.mbox', fs.readFileSync(path.join(repoRoot, 'examples', 'pgmap-series.mbox'), 'utf8'));
  assert.ok(applied > 0, 'the example offers fixes');
});

test('every fix on the seed messages, and on a seed with a call left stale, holds', { skip: seedsSkip() }, async () => {
  for (const seed of ['000', '001', '002', '003', '004']) await checkEveryFix(`seed ${seed}`, readSeed(seed));
  assert.ok((await checkEveryFix('seed 002 with a stale call', staleCallSeed())) > 0, 'the stale call offers a fix');
});
