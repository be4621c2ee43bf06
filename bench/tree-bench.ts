/**
 * @file The tree-aware check on a real kernel tree: a patch that changes vmemmap_populate() and forgets
 * riscv (written at run time from the tree's own lines). Reports the first check in a fresh process
 * (the tree search not cached: the "index" cost), the warm per-check time (search answered from the
 * cache, tree files' facts cached by text) and the fresh process's peak RSS, against the same check
 * without the tree. Then the same for a patch the path rules read whole from the tree (an early return in
 * mm/page_reporting.c that skips the unlock far below its hunk), and one in a large file
 * (mm/page_alloc.c, about 7,000 lines), where applying the series and finding functions cost most.
 */
import { spawnSync } from 'node:child_process';
import { Engine } from '../server/src/core/engine';
import { DiskKernelTree } from '../server/src/host/disk-tree';
import { loadParser } from '../server/src/host/grammar';
import { treePatch, VMEMMAP_SITES } from '../e2e/kernel-tree-fixture';
import { median } from './stats';

function patchFor(root: string): string {
  return treePatch(
    root,
    'mm: pass pgmap to vmemmap_populate()',
    VMEMMAP_SITES.filter((e) => e.path !== 'arch/riscv/mm/init.c'),
  );
}

/** An early return (`ret`) added after `match`, in the function `after` starts. */
const earlyReturn = (root: string, path: string, after: RegExp, match: RegExp, ret: string): string =>
  treePatch(root, 'mm: give up early', [{ path, after, match, replace: (l) => `${l}\n\tif (!READ_ONCE(early_ok))\n\t\t${ret};` }]);

interface CheckTimes {
  firstMs: number;
  searchMs: number;
  warmMedianMs: number;
  withoutTreeMedianMs: number;
  errors: string[];
}

/**
 * A first check with a fresh tree object (the search, files read, the series applied, functions found),
 * then `runs` warm checks of the document edited (with the same tree, and without one).
 */
function timeCheck(engine: Engine, root: string, doc: string, runs: number): CheckTimes {
  const tree = new DiskKernelTree(root);
  const t0 = performance.now();
  const first = engine.analyze(doc, { tree, findings: 'introduced' });
  const firstMs = performance.now() - t0;
  const warm: number[] = [];
  const without: number[] = [];
  for (let i = 0; i < runs; i++) {
    const edited = doc.replace('Written at test time', `Written at test time (${i})`);
    let t = performance.now();
    engine.analyze(edited, { tree, findings: 'introduced' });
    warm.push(performance.now() - t);
    t = performance.now();
    engine.analyze(edited, { findings: 'introduced' });
    without.push(performance.now() - t);
  }
  return {
    firstMs: +firstMs.toFixed(1),
    searchMs: +tree.stats.ms.toFixed(1),
    warmMedianMs: +median(warm).toFixed(1),
    withoutTreeMedianMs: +median(without).toFixed(1),
    errors: first.findings.filter((f) => f.severity === 'error').map((f) => `${f.ruleId}: ${f.message.split(';')[0]}`),
  };
}

/** One process: the prototype check first (its search uncached), then the whole-function checks. */
export async function treeChild(root: string, runs: number): Promise<void> {
  const engine = new Engine(await loadParser());
  const proto = timeCheck(engine, root, patchFor(root), runs);
  const wholeSmall = timeCheck(
    engine,
    root,
    earlyReturn(root, 'mm/page_reporting.c', /^int page_reporting_register\(/, /^\tatomic_set\(&prdev->state, PAGE_REPORTING_IDLE\);$/, 'return -EINVAL'),
    runs,
  );
  const wholeLarge = timeCheck(
    engine,
    root,
    earlyReturn(root, 'mm/page_alloc.c', /^static void reserve_highatomic_pageblock\(/, /^\t\/\* Yoink! \*\/$/, 'return'),
    runs,
  );
  console.log(
    JSON.stringify({
      firstCheckMs: proto.firstMs,
      searchMs: proto.searchMs,
      findings: proto.errors,
      warmCheckMedianMs: proto.warmMedianMs,
      withoutTreeMedianMs: proto.withoutTreeMedianMs,
      wholeFunctions: { 'mm/page_reporting.c': wholeSmall, 'mm/page_alloc.c': wholeLarge },
      peakRssMB: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
    }),
  );
}

export function treeTimings(root: string, script: string, runs: number): unknown {
  const r = spawnSync(process.execPath, [script, '--tree-child', root, String(runs)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tree bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}
