/** `check --location source`: findings on the kernel files' lines, what has no file line left on the patch. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Finding } from '../../server/src/core/findings';
import { atSourceLines } from '../../server/src/core/output/source-locations';
import { toSarif } from '../../server/src/core/output/sarif';
import { aFinding } from '../helpers';

const at = (line: number, character: number) => ({ start: { line, character }, end: { line, character: character + 3 } });
const finding = (over: Partial<Finding>): Finding =>
  aFinding(40, {
    range: at(40, 5),
    file: 'mm/b.c',
    fileLine: 120,
    fixes: [{ title: 'fix', edits: [{ range: at(40, 0), newText: 'x' }] }],
    related: [
      { range: at(10, 0), message: 'in the patch' },
      { range: at(7, 0), message: 'in the tree', file: { root: '/src/linux', path: 'mm/c.c' } },
    ],
    key: 'k',
    ...over,
  });

test('each finding with a file line moves to its file, sorted by path and line; the rest stays on its patch', () => {
  const later = finding({ fileLine: 300, key: 'later' });
  const earlier = finding({ fileLine: 12, key: 'earlier' });
  const other = finding({ file: 'arch/x86/a.c', fileLine: 5, key: 'other' });
  const prose = finding({ file: null, fileLine: null, key: 'prose' });
  const docs = atSourceLines([{ path: 'series.mbox', findings: [later, prose, earlier, other] }]);
  assert.deepEqual(
    docs.map((d) => [d.path, d.lineOnly ?? false, d.findings.map((f) => `${f.key}@${f.range.start.line + 1}`)]),
    [
      ['arch/x86/a.c', true, ['other@5']],
      ['mm/b.c', true, ['earlier@12', 'later@300']],
      ['series.mbox', false, ['prose@41']],
    ],
  );
  // Fixes and related places in the patch are ranges of the patch document: gone; the tree's place stays.
  const moved = docs[1].findings[0];
  assert.deepEqual(moved.fixes, []);
  assert.deepEqual(
    moved.related.map((r) => r.message),
    ['in the tree'],
  );
});

test('SARIF of whole lines has no columns', () => {
  const sarif = toSarif(atSourceLines([{ path: 'p.mbox', findings: [finding({})] }]), []) as {
    runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string }; region: object } }[] }[] }[];
  };
  assert.deepEqual(sarif.runs[0].results[0].locations[0].physicalLocation, { artifactLocation: { uri: 'mm/b.c', index: 0 }, region: { startLine: 120 } });
});
