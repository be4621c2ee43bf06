/**
 * @file `npm run bench`: the analysis of a large synthetic series against raw tree-sitter parsing of the
 * same C in the same run. Reports medians. Not part of the tests.
 *
 *   node out/bench/check-bench.js [--runs N] [--tree KERNEL_DIR] [--git-tree REPO] [--hostile]
 *
 * With --tree (or MM_REVIEW_KERNEL_TREE), also measures how often a blank context line lost in the mail
 * is restored on its true line, on hunks cut from the tree's own C files, and times the tree-aware check
 * (bench/tree-bench.ts). With --git-tree (default .cache/linux-git-6.12 when scripts/kernel-git-repo.sh built it),
 * how long the series' pre-images take out of a kernel-sized repository's git objects (bench/git-base-bench.ts).
 * With --hostile, also what huge and hostile input costs (bench/hostile-bench.ts).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Image } from '../server/src/core/c/syntax/image';
import { CParser } from '../server/src/core/c/syntax/parser';
import { Engine } from '../server/src/core/engine';
import { DEFAULT_BOUND } from '../server/src/core/models/bo-purgeability/bo-purgeability';
import { readGrammarBytes } from '../server/src/host/grammar';
import { composeReplies } from '../server/src/core/output/reply';
import { ingest } from '../server/src/core/ingest';
import { lspTimings } from './lsp-bench';
import { firstModelRun, modelTimings, seed004 } from './model-bench';
import { restoreAccuracy } from './restore-accuracy';
import { treeChild, treeTimings } from './tree-bench';
import { hostileTimings } from './hostile-bench';
import { gitBaseTimings } from './git-base-bench';
import { checkpatchComparison, findCheckpatch } from './checkpatch-bench';
import { checkCpu, checkPeakMB, treeFirstSecond } from './cli-process';
import { median } from './stats';
import { syntheticSeries } from './synthetic';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

let peakRss = 0;
const sample = (label?: string): void => {
  if (process.env.MM_BENCH_TRACE && label)
    console.error(label, (process.memoryUsage().rss / 1e6).toFixed(0), 'MB rss', (process.resourceUsage().maxRSS / 1024).toFixed(0), 'max');
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};

/**
 * Peak memory belongs to a scenario, not to a benchmark that runs dozens of analyses in one heap, so it
 * is measured in a fresh process per scenario: `cli` is one cold check (what `mm-review check` does);
 * `editor` is one cold check and then 40 re-checks after one-line edits (what the language server does).
 */
async function child(mode: string): Promise<void> {
  const parser = await CParser.create(readGrammarBytes());
  const s = syntheticSeries();
  const engine = new Engine(parser);
  const options = { findings: 'introduced' as const };
  engine.analyze(s.text, options);
  if (mode === 'editor') {
    const lines = s.text.split('\n');
    for (let k = 0; k < 40; k++) {
      const copy = lines.slice();
      copy[1000 + k * 900] += ' /* edited */';
      engine.analyze(copy.join('\n'), options);
    }
  }
  console.log(JSON.stringify({ peakRssMB: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6) }));
}

function peakOf(mode: string): number {
  const r = spawnSync(process.execPath, [__filename, '--child', mode], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim()).peakRssMB as number;
}

async function main(): Promise<void> {
  const mode = arg('--child');
  if (mode) return child(mode);
  const treeRoot = arg('--tree-child');
  if (treeRoot) return treeChild(treeRoot, Number(process.argv[process.argv.indexOf('--tree-child') + 2] ?? 5));
  const modelBound = arg('--model-child');
  if (modelBound)
    return void console.log(
      JSON.stringify(firstModelRun(await CParser.create(readGrammarBytes()), seed004(path.resolve(__dirname, '..', '..'))!, Number(modelBound))),
    );
  const runs = Number(arg('--runs') ?? 5);
  const bytes = readGrammarBytes();
  const t0 = performance.now();
  const parser = await CParser.create(bytes);
  const initMs = performance.now() - t0;

  const s = syntheticSeries();
  const mb = Buffer.byteLength(s.text) / 1e6;
  const series = ingest(s.text);
  const images = series.patches.flatMap((p) => p.files.flatMap((f) => f.hunks.flatMap((h) => [Image.of(h.lines, 'old').text, Image.of(h.lines, 'new').text])));
  const newImages = images.filter((_, i) => i % 2 === 1);
  const cBytes = newImages.reduce((n, t) => n + Buffer.byteLength(t), 0) / 1e6;
  const problems = series.problems.length;

  // Cold check as `mm-review check` runs it (introduced findings only): a fresh engine each run.
  const checkOptions = { findings: 'introduced' as const };
  const cold: number[] = [];
  let findings = 0;
  let parsedImages = 0;
  let functionReads = 0;
  for (let r = 0; r < runs; r++) {
    const engine = new Engine(parser);
    const t = performance.now();
    const a = engine.analyze(s.text, checkOptions);
    cold.push(performance.now() - t);
    findings = a.findings.length;
    parsedImages = a.stats.parses + a.stats.incrementalParses;
    functionReads = a.stats.functionReads;
    sample('cold');
  }
  // `check --all`: pre-existing and fixed findings too, so the old side of every hunk is read.
  const coldAll: number[] = [];
  for (let r = 0; r < runs; r++) {
    const engine = new Engine(parser);
    const t = performance.now();
    engine.analyze(s.text, { findings: 'all' });
    coldAll.push(performance.now() - t);
  }
  // The same, with every image's facts extracted: what rules that need all code would cost.
  const eager: number[] = [];
  for (let r = 0; r < runs; r++) {
    const engine = new Engine(parser);
    const t = performance.now();
    const a = engine.analyze(s.text, checkOptions);
    for (const h of a.parsed?.hunks ?? []) void (h.old.facts, h.new.facts);
    eager.push(performance.now() - t);
    sample('eager');
  }

  // Re-check after a one-line edit, at spread-out places, on a warm engine (as in the editor).
  const engine = new Engine(parser);
  engine.analyze(s.text, checkOptions);
  const lines = s.text.split('\n');
  const editable = lines.map((l, i) => (l.startsWith('+\t') ? i : -1)).filter((i) => i >= 0);
  const recheck: number[] = [];
  const reparsed: number[] = [];
  for (let k = 0; k < 41; k++) {
    const at = editable[Math.floor((k + 0.5) * (editable.length / 41))];
    const copy = lines.slice();
    copy[at] = copy[at] + ' /* edited */';
    const t = performance.now();
    const a = engine.analyze(copy.join('\n'), checkOptions);
    recheck.push(performance.now() - t);
    reparsed.push(a.stats.parses + a.stats.incrementalParses);
    sample(k % 10 === 0 ? 'recheck' : undefined);
  }
  // The review reply of the whole series (every patch with findings), from a fresh analysis each run (the
  // warm engine's: a new series, so nothing the last composition worked out is reused).
  const compose: number[] = [];
  let replies = 0;
  for (let r = 0; r < runs; r++) {
    const replied = engine.analyze(s.text, checkOptions);
    const t = performance.now();
    replies = composeReplies(replied.series, replied.findings).length;
    compose.push(performance.now() - t);
  }
  const analysisPeakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);

  // Baseline, last (its trees would otherwise inflate the analysis' peak): raw tree-sitter on the
  // same C, each hunk's new image and then both images, no masking, no facts.
  const rawNew: number[] = [];
  const rawBoth: number[] = [];
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    for (const text of newImages) parser.parse(text).delete();
    rawNew.push(performance.now() - t);
    t = performance.now();
    for (const text of images) parser.parse(text).delete();
    rawBoth.push(performance.now() - t);
  }

  const rawNewMs = median(rawNew);
  const coldMs = median(cold);
  const result = {
    input: {
      patches: s.patches,
      diffLines: s.diffLines,
      megabytes: +mb.toFixed(2),
      cMegabytesNewImages: +cBytes.toFixed(2),
      ingestProblems: problems,
      findings,
    },
    parserInitMs: +initMs.toFixed(1),
    rawParseNewImagesMs: +rawNewMs.toFixed(1),
    rawParseBothImagesMs: +median(rawBoth).toFixed(1),
    coldCheckMs: +coldMs.toFixed(1),
    coldCheckAllFindingsMs: +median(coldAll).toFixed(1),
    imagesParsedForFactsCold: parsedImages,
    imagesReadForFunctionsCold: functionReads,
    imagesTotal: images.length,
    coldCheckAllImagesParsedMs: +median(eager).toFixed(1),
    throughputMBps: +(mb / (coldMs / 1000)).toFixed(2),
    rawParseThroughputMBps: +(mb / (rawNewMs / 1000)).toFixed(2),
    throughputVsRawParse: +(rawNewMs / coldMs).toFixed(2),
    throughputVsRawParseBothImages: +(median(rawBoth) / coldMs).toFixed(2),
    allImagesParsedVsRawParse: +(rawNewMs / median(eager)).toFixed(2),
    replyComposeMs: +median(compose).toFixed(1),
    repliesComposed: replies,
    replyComposeVsColdCheck: +(median(compose) / coldMs).toFixed(3),
    recheckMedianMs: +median(recheck).toFixed(1),
    recheckMaxMs: +Math.max(...recheck).toFixed(1),
    imagesReparsedPerEdit: median(reparsed),
    peakRssCliCheckMB: peakOf('cli'),
    peakRssEditorSessionMB: peakOf('editor'),
    benchProcessPeakRssMB: +(analysisPeakRss / 1e6).toFixed(0),
    runs,
  };
  console.log(JSON.stringify(result, null, 2));
  const ok = (b: boolean): string => (b ? 'ok' : 'MISSED');
  console.log(
    `\ntargets: throughput >= 0.5x raw parsing: ${result.throughputVsRawParse}x ${ok(result.throughputVsRawParse >= 0.5)}; ` +
      `re-check < 50 ms: ${result.recheckMedianMs} ms ${ok(result.recheckMedianMs < 50)}; ` +
      `peak RSS < 300 MB: ${result.peakRssCliCheckMB} MB for a check, ${result.peakRssEditorSessionMB} MB for an editing session ${ok(Math.max(result.peakRssCliCheckMB, result.peakRssEditorSessionMB) < 300)}`,
  );

  const repo = path.resolve(__dirname, '..', '..');
  const seed = seed004(repo);
  if (!seed) console.log('\nBO purgeability model: the xe counters patch (seed 004) not found in ../shared/seeds; not timed');
  else {
    const model = modelTimings(parser, seed, __filename) as Record<string, number | { medianMs: number; firstRunFreshProcessMs: number }>;
    console.log('\nBO purgeability model (xe-bo-purgeability) on the xe counters patch (seed 004):', JSON.stringify(model, null, 2));
    const atDefault = model[`bound${DEFAULT_BOUND}`] as { medianMs: number; firstRunFreshProcessMs: number };
    console.log(
      `targets: exploration at the default bound (${DEFAULT_BOUND}) < 100 ms: ${atDefault.medianMs} ms median, ${atDefault.firstRunFreshProcessMs} ms first run in a fresh process ${ok(atDefault.medianMs < 100)}`,
    );
  }

  const lsp = (await lspTimings(repo)) as Record<string, number>;
  console.log('\nlanguage server (dist/server.js over stdio):', JSON.stringify(lsp, null, 2));
  console.log(
    `targets: didOpen → diagnostics < 300 ms: ${lsp.didOpenFreshServerMedianMs} ms in a fresh server (complete with the rules that read whole functions: ${lsp.didOpenFreshServerCompleteMedianMs} ms), ${lsp.didOpenRunningServerMedianMs} ms in a running one (complete: ${lsp.didOpenRunningServerCompleteMedianMs} ms) ${ok(lsp.didOpenFreshServerMedianMs < 300)}; ` +
      `didChange → diagnostics < 50 ms: ${lsp.didChangeToDiagnosticsMedianMs} ms ${ok(lsp.didChangeToDiagnosticsMedianMs < 50)}`,
  );

  const tree = arg('--tree') ?? process.env.MM_REVIEW_KERNEL_TREE;
  const checkpatch = findCheckpatch(tree);
  const corpus = path.join(__dirname, '..', '..', '.cache', 'corpus');
  const cp = checkpatch ? checkpatchComparison(checkpatch, corpus, Math.min(runs, 3)) : null;
  if (cp) {
    console.log(`\nagainst checkpatch.pl --no-tree --strict (${checkpatch}) on the corpus's real patches, CPU:`, JSON.stringify(cp, null, 2));
    console.log(
      `targets: one process per patch <= 0.5x checkpatch: ${cp.perPatchRatio}x ${ok(cp.perPatchRatio <= 0.5)}; all patches in one process <= 0.03x checkpatch over each: ${cp.allInOneRatio}x ${ok(cp.allInOneRatio <= 0.03)}`,
    );
  } else
    console.log(`\nagainst checkpatch not timed: ${checkpatch ? `no corpus mails in ${corpus} (npm run corpus:rebuild)` : 'no checkpatch.pl (--tree DIR)'}`);
  if (tree) {
    console.log('\nblank-line restoration on a kernel tree:', JSON.stringify(restoreAccuracy(tree), null, 2));
    const t = treeTimings(tree, __filename, runs) as { firstCheckMs: number; warmCheckMedianMs: number; peakRssMB: number };
    console.log('\ntree-aware check (vmemmap_populate() changed, riscv forgotten), fresh process:', JSON.stringify(t, null, 2));
  } else console.log('\nno kernel tree (--tree DIR or MM_REVIEW_KERNEL_TREE): tree-aware check not timed');
  const gitRepo = arg('--git-tree') ?? path.join(__dirname, '..', '..', '.cache', 'linux-git-6.12');
  if (fs.existsSync(`${gitRepo}.mbox`)) {
    const g = await gitBaseTimings(gitRepo, `${gitRepo}.mbox`, runs);
    console.log("\npre-images of a 20-patch series from a kernel-sized repository's git objects (HEAD moved on):", JSON.stringify(g, null, 2));
    console.log(
      `pre-images: ${g.preImagesMedianMs} ms median for ${g.files} files (${(g.preImagesMedianMs / g.gitShowPerFileMedianMs).toFixed(2)}× one git show per file, ${g.gitShowPerFileMedianMs} ms; reading the working files ${g.workingFilesMedianMs} ms)`,
    );
  } else console.log(`\nno kernel git repository at ${gitRepo} (scripts/kernel-git-repo.sh builds it): pre-images not timed`);

  if (process.argv.includes('--hostile')) {
    const h = (await hostileTimings(await CParser.create(readGrammarBytes()), runs)) as {
      largeDocument: { perMibVsBenchmarkSeries: number; peakRssMB: number | null; checkMs: number };
    };
    console.log('\nhuge and hostile input:', JSON.stringify(h, null, 2));
    const big = h.largeDocument;
    console.log(
      `targets: 48 MiB in under a minute and under 1 GB: ${big.checkMs} ms, ${big.peakRssMB ?? '?'} MB ${ok(big.checkMs < 60_000 && (big.peakRssMB ?? 0) < 1024)}`,
    );
  } else console.log('\nhuge and hostile input not timed (--hostile)');

  // The command line in fresh processes, as a user runs it: a 50,000-line series' CPU, a 200,000-line one's memory.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-bench-'));
  const series50k = path.join(scratch, 'series-50k.mbox');
  fs.writeFileSync(series50k, s.text);
  const series200k = path.join(scratch, 'series-200k.mbox');
  const big = syntheticSeries(800);
  fs.writeFileSync(series200k, big.text);
  const cpu50k = checkCpu(series50k, Math.min(runs, 3));
  const peak200k = checkPeakMB(series200k);
  const treeRuns = tree ? treeFirstSecond(tree, path.join(__dirname, '..', '..', 'examples', 'pgmap-series.mbox')) : null;
  fs.rmSync(scratch, { recursive: true, force: true });
  const row = (what: string, now: string, target: string, met: boolean | null): string =>
    `| ${what} | ${now} | ${target} | ${met === null ? 'not measured' : ok(met)} |`;
  console.log(
    [
      '',
      `the targets (this run; ${os.availableParallelism()} cores, Node ${process.versions.node}):`,
      '',
      '| what | now | target | |',
      '| --- | --- | --- | --- |',
      cp
        ? row(
            'one process per patch, CPU, vs `checkpatch.pl --no-tree --strict` (median over the corpus)',
            `${cp.perPatchRatio}×`,
            '≤ 0.5×',
            cp.perPatchRatio <= 0.5,
          )
        : row('one process per patch vs checkpatch', '–', '≤ 0.5×', null),
      cp
        ? row('all patches in one process vs checkpatch over each, CPU', `${cp.allInOneRatio}×`, '≤ 0.03×', cp.allInOneRatio <= 0.03)
        : row('all in one vs checkpatch', '–', '≤ 0.03×', null),
      row('check throughput vs raw tree-sitter parse of the new images', `${result.throughputVsRawParse}×`, '≥ 0.5×', result.throughputVsRawParse >= 0.5),
      row(`${Math.round(s.diffLines / 1000)}k-line series, cold \`check\` process, CPU`, `${cpu50k.toFixed(2)} s`, '< 1 s', cpu50k < 1),
      row(
        `${Math.round(big.diffLines / 1000)}k-line series, \`check\` peak memory`,
        peak200k === null ? '–' : `${peak200k} MB`,
        '< 250 MB',
        peak200k === null ? null : peak200k < 250,
      ),
      row(
        'language server, 10k-line series: open → first diagnostics (fresh server)',
        `${lsp.didOpenFreshServerMedianMs} ms`,
        '< 300 ms',
        lsp.didOpenFreshServerMedianMs < 300,
      ),
      row(
        'language server, edit → diagnostics, median / p95',
        `${lsp.didChangeToDiagnosticsMedianMs} / ${lsp.didChangeToDiagnosticsP95Ms} ms`,
        '< 20 / < 50 ms',
        lsp.didChangeToDiagnosticsMedianMs < 20 && lsp.didChangeToDiagnosticsP95Ms < 50,
      ),
      treeRuns
        ? row(
            '`--tree` on an unpacked kernel: first check / second check (fresh processes)',
            `${treeRuns.firstMs} / ${treeRuns.secondMs} ms`,
            '< 3 s / < 300 ms',
            treeRuns.firstMs < 3000 && treeRuns.secondMs < 300,
          )
        : row('`--tree`: first / second check', '–', '< 3 s / < 300 ms', null),
    ].join('\n'),
  );
}

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exitCode = 1;
});
