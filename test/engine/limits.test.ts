/**
 * Analyses stay bounded whatever the input: a budget of steps and time shared by every evaluator and model,
 * cancellation that reaches inside a model, and code nested too deeply to be read. Each limit is a note that
 * names what was not done; everything else is still found.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/src/core/engine';
import type { Finding } from '../../server/src/core/findings';
import { loadParser } from '../../server/src/host/grammar';
import { addedCodePatch, lineOf } from '../helpers';
import { ring } from '../ring-fixture';

/** The ring fixture with its unwind loop removed: unwind-leak finds the leak by running the function many times. */
const leaking = ring({ line: '+\twhile (i--)', with: [] }, { line: '+\t\tvfree(ctx->page[i]);', after: 'fail:', with: [] });
const byRule = (fs: Finding[], id: string): string[] => fs.filter((f) => f.ruleId === id).map((f) => `${f.range.start.line + 1}: ${f.message}`);

test('the budget runs out: the rules it cut short are named in one note; the other rules are whole', async () => {
  const parser = await loadParser();
  const full = new Engine(parser).analyze(leaking).findings;
  assert.equal(byRule(full, 'unwind-leak').length, 1, 'with the default budget the leak is found');
  assert.deepEqual(byRule(full, 'analysis-limit'), []);
  // A new engine: the first one keeps the model's result, and a cached result costs nothing.
  const cut = new Engine(parser).analyze(leaking, { budget: { steps: 30, ms: 60_000 } }).findings;
  assert.deepEqual(byRule(cut, 'unwind-leak'), []);
  const notes = cut.filter((f) => f.ruleId === 'analysis-limit');
  assert.equal(notes.length, 1);
  assert.equal(notes[0].severity, 'information');
  assert.match(
    notes[0].message,
    /^the analysis ran out of its 30 steps before finishing (?:.*, )?unwind-leak(?:, .*)?; (?:its|their) findings may be missing$/,
  );
  assert.match(notes[0].explanation, /- `unwind-leak`: /);
  // Rules that run no model are not touched by the budget.
  for (const id of ['prototype-mismatch', 'array-member-scalar-use', 'batch-footprint', 'shared-completion'])
    assert.deepEqual(byRule(cut, id), byRule(full, id), id);
});

test('a cut-short result is not cached: the next analysis with a budget to spare finds the leak again', async () => {
  const engine = new Engine(await loadParser());
  assert.deepEqual(byRule(engine.analyze(leaking, { budget: { steps: 30, ms: 60_000 } }).findings, 'unwind-leak'), []);
  assert.equal(byRule(engine.analyze(leaking).findings, 'unwind-leak').length, 1);
});

test('an analysis cancelled while a model runs stops inside it, ends with null, and the next one is complete', async () => {
  const engine = new Engine(await loadParser());
  // The prepare function never ends: each of the unwind model's runs would spend 50,000 steps on it.
  const endless = ring({ line: '+	int i;', with: ['+	int i;', '+	for (;;)', '+		cpu_relax();'] });
  let polls = 0;
  // The budget polls every 1,024 steps: cancelled at the fourth poll, the model stops within that many.
  const cancelled = await engine.analyzeAsync(endless, {}, { isCancelled: () => ++polls > 3, sliceMs: 1e9 });
  assert.equal(cancelled, null);
  assert.ok(polls >= 4 && polls < 10, `${polls} polls`);
  const again = await engine.analyzeAsync(leaking, {}, {});
  assert.equal(byRule(again!.findings, 'unwind-leak').length, 1);
});

/** A function whose initialiser nests `depth` brackets deep, then leaves with a lock held on an error path; and one without the depth. */
const nested = (depth: number): string =>
  addedCodePatch(
    'mm: deep',
    'mm/deep.c',
    `int deep(int a)\n{\n\tint x = ${'('.repeat(depth)}a${')'.repeat(depth)};\n\n\tmutex_lock(&deep_lock);\n\tif (x)\n\t\treturn -EINVAL;\n\tmutex_unlock(&deep_lock);\n\treturn 0;\n}\n` +
      'int shallow(int a)\n{\n\tmutex_lock(&deep_lock);\n\tif (a)\n\t\treturn -EINVAL;\n\tmutex_unlock(&deep_lock);\n\treturn 0;\n}',
  );

test('code nested past the limit is a note on its line; the rest of the document is still analysed', async () => {
  const engine = new Engine(await loadParser());
  const within = nested(150);
  const leaks = (fs: Finding[]): number[] => fs.filter((f) => f.ruleId === 'unbalanced-counter').map((f) => f.range.start.line + 1);
  // The two `mutex_lock()` lines, 1-based, where the leaks are reported: deep()'s, then shallow()'s.
  const locks = (doc: string): number[] => doc.split('\n').flatMap((l, i) => (l === '+\tmutex_lock(&deep_lock);' ? [i + 1] : []));
  const ok = engine.analyze(within).findings;
  assert.deepEqual(byRule(ok, 'analysis-limit'), []);
  assert.deepEqual(leaks(ok), locks(within));
  for (const depth of [250, 2_000]) {
    const deep = nested(depth);
    const found = engine.analyze(deep).findings;
    const notes = found.filter((f) => f.ruleId === 'analysis-limit');
    assert.equal(notes.length, 1, `depth ${depth}`);
    assert.equal(notes[0].range.start.line + 1, lineOf(deep, '+\tint x = ((('));
    assert.match(notes[0].message, /nests deeper than 200 levels and is not read/);
    // deep() is not judged (its initialiser could hold anything); shallow() still is.
    assert.deepEqual(leaks(found), [locks(deep)[1]], `depth ${depth}`);
    assert.equal(found.filter((f) => / failed on this document/.test(f.message)).length, 0);
  }
  // Past 4,096 characters a line is not read as C at all: its note says so, and its function is not judged.
  const long = nested(10_000);
  const found = engine.analyze(long).findings;
  assert.deepEqual(
    found.filter((f) => f.ruleId === 'analysis-limit').map((f) => [f.range.start.line + 1, f.message]),
    [[lineOf(long, '+\tint x = ((('), 'this line is 20,011 characters long and is not read as C (lines over 4,096 characters are not)']],
  );
  assert.deepEqual(leaks(found), [locks(long)[1]]);
});
