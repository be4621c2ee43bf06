/**
 * @file How often a blank context line that mail dropped is restored on its true line. Hunks are cut from
 * the C files of a kernel tree (three changed lines per file, `diff -u`), then damaged the way seed 002 is:
 * leading whitespace gone, runs of whitespace collapsed, blank context lines dropped.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ingest } from '../server/src/core/ingest';

export function restoreAccuracy(tree: string, dirs = ['mm', 'arch/x86/mm', 'drivers/gpu/drm/xe', 'kernel'], maxFiles = 400): object {
  const files = dirs
    .flatMap((d) =>
      fs.existsSync(path.join(tree, d))
        ? fs
            .readdirSync(path.join(tree, d))
            .filter((f) => f.endsWith('.c'))
            .map((f) => path.join(d, f))
        : [],
    )
    .sort()
    .slice(0, maxFiles);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-restore-'));
  let seed = 12345;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  let hunks = 0;
  let lost = 0;
  let right = 0;
  let hunksAllRight = 0;
  let countsRight = 0;
  let problems = 0;
  for (const f of files) {
    const a = fs.readFileSync(path.join(tree, f), 'utf8').split('\n');
    const b = a.slice();
    for (let k = 0; k < 3; k++) {
      const i = Math.floor(rnd() * a.length);
      if (b[i].trim()) b[i] += ' /*x*/';
    }
    fs.writeFileSync(path.join(tmp, 'a'), a.join('\n'));
    fs.writeFileSync(path.join(tmp, 'b'), b.join('\n'));
    let diff: string;
    try {
      diff = execFileSync('diff', ['-u', path.join(tmp, 'a'), path.join(tmp, 'b')]).toString();
    } catch (e) {
      diff = (e as { stdout: Buffer }).stdout.toString();
    }
    const damaged = diff
      .split('\n')
      .filter((l) => l !== ' ')
      .map((l) => l.replace(/^([ +-])\s+/, (_m, c: string) => (c === ' ' ? '' : c + ' ')).replace(/[ \t]+/g, ' '))
      .join('\n');
    const truth = ingest(diff).patches[0]?.files[0]?.hunks ?? [];
    const seen = ingest(damaged);
    problems += seen.problems.length;
    const got = seen.patches[0]?.files[0]?.hunks ?? [];
    for (let h = 0; h < Math.min(truth.length, got.length); h++) {
      hunks++;
      const blanks = truth[h].lines.filter((l) => l.kind === 'context' && l.text.trim() === '').map((l) => l.oldLine);
      const restored = new Set(got[h].lines.filter((l) => l.restored).map((l) => l.oldLine));
      const hits = blanks.filter((x) => restored.has(x)).length;
      lost += blanks.length;
      right += hits;
      if (hits === blanks.length) hunksAllRight++;
      if (got[h].lines.filter((l) => l.kind !== 'add').length === got[h].oldLines) countsRight++;
    }
  }
  fs.rmSync(tmp, { recursive: true, force: true });
  return {
    files: files.length,
    hunks,
    lostBlankLines: lost,
    restoredOnTrueLine: right,
    accuracy: +(right / Math.max(lost, 1)).toFixed(3),
    hunksEntirelyRight: +(hunksAllRight / Math.max(hunks, 1)).toFixed(3),
    hunksWithRightCounts: +(countsRight / Math.max(hunks, 1)).toFixed(3),
    ingestProblems: problems,
  };
}
