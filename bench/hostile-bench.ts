/**
 * @file `npm run bench -- --hostile`: what hostile or huge input costs, each against a baseline measured in
 * the same run. A 48 MiB single-series mbox checked by the command line (time per MiB against the
 * 1.5 MiB benchmark series: linear means about 1x; peak RSS), a pair table of 50,000 entries (against the
 * default table), and ten CXL helpers that never return (the analysis budget's end, against the same
 * document without them).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PairSpec } from '../server/src/core/kernel/pairs';
import type { CParser } from '../server/src/core/c/syntax/parser';
import { Engine } from '../server/src/core/engine';
import { helperPatch } from '../test/cxl-fixture';
import { median } from './stats';
import { syntheticSeries } from './synthetic';

const cli = path.join(__dirname, '..', '..', 'dist', 'cli.js');

/** Wall time and peak RSS of `mm-review check` on a file, in a fresh process (GNU time reads the peak). */
function checkProcess(file: string, extra: string[] = []): { ms: number; peakMB: number | null } {
  const time = fs.existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = time
    ? spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, cli, 'check', '--fail-on', 'never', ...extra, file], { encoding: 'utf8', maxBuffer: 256 << 20 })
    : spawnSync(process.execPath, [cli, 'check', '--fail-on', 'never', ...extra, file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  const ms = performance.now() - t0;
  const kb = time ? Number(r.stderr.trim().split('\n').pop()) : NaN;
  return { ms: Math.round(ms), peakMB: Number.isFinite(kb) ? Math.round(kb / 1024) : null };
}

export async function hostileTimings(parser: CParser, runs: number): Promise<Record<string, unknown>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-hostile-bench-'));
  // A large document against the benchmark series: time per MiB, which stays flat when the work is linear.
  const small = syntheticSeries();
  const large = syntheticSeries(6800);
  fs.writeFileSync(path.join(dir, 'small.mbox'), small.text);
  fs.writeFileSync(path.join(dir, 'large.mbox'), large.text);
  const smallRun = checkProcess(path.join(dir, 'small.mbox'));
  const largeRun = checkProcess(path.join(dir, 'large.mbox'), ['--max-size', '64']);
  const mib = (n: number): number => n / 1024 / 1024;
  const perMib = (ms: number, chars: number): number => ms / mib(chars);

  // 50,000 pairs and lifecycles against the default table, on the benchmark series.
  const pairs: PairSpec[] = [];
  const lifecycles = [];
  for (let i = 0; i < 50_000; i++) {
    pairs.push({ id: `p${i}`, kind: i % 2 ? 'ref' : 'alloc', acquire: [`foo${i}_get`, `bar${i}*`], release: [`foo${i}_put`] });
    lifecycles.push({ acquire: `obj${i}_open`, release: `obj${i}_close` });
  }
  const timed = (options: object): number => {
    const ms: number[] = [];
    for (let k = 0; k < runs; k++) {
      const t0 = performance.now();
      new Engine(parser).analyze(small.text, options);
      ms.push(performance.now() - t0);
    }
    return median(ms);
  };
  const defaultTable = timed({ findings: 'introduced' });
  const bigTable = timed({ findings: 'introduced', pairs: { pairs, lifecycles } });

  // Helpers that never return: the budget ends the rule that runs them.
  const chain = Array.from({ length: 150 }, () => 'eiw').join(' + ');
  const endless = Array.from(
    { length: 10 },
    (_, i) =>
      `static inline int eiw_to_ways_${i}(u8 eiw, unsigned int *ways)\n{\n\tunsigned int x = 0;\n\n\tfor (;;)\n\t\tx = ${chain};\n\t*ways = x;\n\treturn 0;\n}\n`,
  ).join('\n');
  const ending = endless.replace(/\tfor \(;;\)\n/g, '');
  const once = (text: string): number => {
    const t0 = performance.now();
    new Engine(parser).analyze(text);
    return performance.now() - t0;
  };
  const withLoops = once(helperPatch('drivers/cxl/cxl.h', endless));
  const withoutLoops = once(helperPatch('drivers/cxl/cxl.h', ending));
  fs.rmSync(dir, { recursive: true, force: true });
  return {
    largeDocument: {
      chars: large.text.length,
      mib: Number(mib(large.text.length).toFixed(1)),
      checkMs: largeRun.ms,
      peakRssMB: largeRun.peakMB,
      msPerMib: Math.round(perMib(largeRun.ms, large.text.length)),
      benchmarkSeriesMsPerMib: Math.round(perMib(smallRun.ms, small.text.length)),
      perMibVsBenchmarkSeries: Number((perMib(largeRun.ms, large.text.length) / perMib(smallRun.ms, small.text.length)).toFixed(2)),
    },
    pairTable50k: {
      defaultTableMedianMs: Math.round(defaultTable),
      bigTableMedianMs: Math.round(bigTable),
      ratio: Number((bigTable / defaultTable).toFixed(2)),
    },
    endlessHelpers: { withLoopsMs: Math.round(withLoops), withoutLoopsMs: Math.round(withoutLoops), note: 'the loops end at the analysis budget (4 s)' },
  };
}
