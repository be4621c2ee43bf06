/**
 * A very large mbox is analysed in parts of whole series: the findings are the ones each series has on its
 * own, at their document positions, with patches numbered across the document, and a note says so.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { syntheticSeries } from '../../bench/synthetic';
import { Engine } from '../../server/src/core/engine';
import type { Finding } from '../../server/src/core/findings';
import { loadParser } from '../../server/src/host/grammar';
import { seriesParts } from '../../server/src/core/ingest/parts';

/** Three different series one after another, as a day of a list's traffic is saved. */
const SERIES = [syntheticSeries(8, 1).text, syntheticSeries(8, 2).text, syntheticSeries(8, 3).text];
const MBOX = SERIES.join('');
const lineCount = (s: string): number => s.split('\n').length - 1;
/** Small enough that each series is a part, large enough (twice it holds the longest) that none is cut. */
const TARGET = Math.min(...SERIES.map((s) => s.length));
const shown = (f: Finding): string => `${f.range.start.line}:${f.range.start.character} ${f.ruleId} ${f.patch?.index ?? '-'} ${f.message}`;

test('parts hold whole series, in order, covering the document', () => {
  assert.ok(2 * TARGET > Math.max(...SERIES.map((s) => s.length)));
  const parts = seriesParts(MBOX, TARGET);
  assert.equal(parts.length, 3, 'each series its own part');
  assert.deepEqual(
    parts.map((p) => MBOX.slice(p.from, p.to)),
    SERIES,
  );
  assert.deepEqual(
    parts.map((p) => p.startLine),
    [0, lineCount(SERIES[0]), lineCount(SERIES[0]) + lineCount(SERIES[1])],
  );
  assert.equal(seriesParts(MBOX, MBOX.length).length, 1, 'a target larger than the document: one part');
  // A series larger than twice the target is cut at patch boundaries, into as few parts as twice the
  // target allows (here 5 / 2, so 3), of about equal size: none larger than another by more than a patch.
  const target = Math.ceil(SERIES[1].length / 5);
  const big = seriesParts(SERIES[1], target);
  assert.equal(big.length, 3);
  assert.equal(big.map((p) => SERIES[1].slice(p.from, p.to)).join(''), SERIES[1]);
  const sizes = big.map((p) => p.to - p.from);
  const largestPatch = Math.max(...big.flatMap((p) => p.messages.map((m) => m.to - m.from)));
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= largestPatch, `${sizes.join(', ')} (a patch: up to ${largestPatch})`);
  assert.ok(Math.max(...sizes) <= 2 * target);
});

test('a series that fits in a part of its own is not cut to fill the part before it', () => {
  const small = syntheticSeries(2, 7).text;
  const target = Math.ceil(SERIES[1].length * 0.55);
  assert.ok(small.length < target && small.length + SERIES[1].length > 2 * target && SERIES[1].length <= 2 * target);
  const parts = seriesParts(small + SERIES[1], target);
  assert.deepEqual(
    parts.map((p) => (small + SERIES[1]).slice(p.from, p.to)),
    [small, SERIES[1]],
  );
});

test('analysed in parts: each series finds what it finds alone, at its place in the document, patches numbered across', async () => {
  const parser = await loadParser();
  const whole = new Engine(parser).analyzeDocument(MBOX, { partChars: TARGET });
  assert.equal(whole.parts, 3);
  assert.equal(whole.patches, 24);
  const note = whole.findings.filter((f) => f.key === 'analysis-limit:inParts');
  assert.equal(note.length, 1);
  assert.match(note[0].message, /^this document \(.*\) was analysed in 3 parts of whole series, each on its own$/);
  let line = 0;
  let patches = 0;
  const expected: string[] = [];
  for (const text of SERIES) {
    const alone = new Engine(parser).analyze(text);
    for (const f of alone.findings) {
      // Messages name document lines ("returning at line 80"): in the mbox they are further down.
      const message = f.message.replace(/\bline (\d+)/g, (_m, n: string) => `line ${Number(n) + line}`);
      expected.push(
        shown({
          ...f,
          message,
          range: { start: { line: f.range.start.line + line, character: f.range.start.character }, end: f.range.end },
          patch: f.patch ? { ...f.patch, index: f.patch.index + patches } : null,
        }),
      );
    }
    line += lineCount(text);
    patches += alone.series.patches.length;
  }
  assert.ok(expected.length > 10, `${expected.length} findings`);
  assert.deepEqual(
    whole.findings
      .filter((f) => f !== note[0])
      .map(shown)
      .sort(),
    expected.sort(),
  );
  // Below the part size, the document is one part and there is no note.
  const one = new Engine(parser).analyzeDocument(MBOX);
  assert.equal(one.parts, 1);
  assert.equal(one.findings.filter((f) => f.key === 'analysis-limit:inParts').length, 0);
});
