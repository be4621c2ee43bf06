/**
 * @file The tree-aware check on a real kernel tree: a patch that changes vmemmap_populate() and forgets
 * riscv (written at run time from the tree's own lines). Reports the first check in a fresh process
 * (the tree search not cached: the "index" cost), the warm per-check time (search answered from the
 * cache, tree files' facts cached by text) and the fresh process's peak RSS, against the same check
 * without the tree.
 */
import { spawnSync } from 'node:child_process';
import { Engine } from '../server/src/engine';
import { DiskKernelTree } from '../server/src/host/kernel-tree';
import { loadParser } from '../server/src/host/grammar';
import { treePatch, VMEMMAP_SITES } from '../test/tree-fixture';
import { median } from './stats';

function patchFor(root: string): string {
  return treePatch(root, 'mm: pass pgmap to vmemmap_populate()', VMEMMAP_SITES.filter((e) => e.path !== 'arch/riscv/mm/init.c'));
}

/** One process: a first check with the tree, then `runs` more with the same tree object. */
export async function treeChild(root: string, runs: number): Promise<void> {
  const engine = new Engine(await loadParser());
  const doc = patchFor(root);
  const t0 = performance.now();
  const tree = new DiskKernelTree(root);
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
  console.log(
    JSON.stringify({
      firstCheckMs: +firstMs.toFixed(1),
      searchMs: +tree.stats.ms.toFixed(1),
      findings: first.findings.filter((f) => f.ruleId === 'prototype-mismatch').map((f) => f.message.split(';')[0]),
      warmCheckMedianMs: +median(warm).toFixed(1),
      withoutTreeMedianMs: +median(without).toFixed(1),
      peakRssMB: Math.round((process.resourceUsage().maxRSS * 1024) / 1e6),
    }),
  );
}

export function treeTimings(root: string, script: string, runs: number): unknown {
  const r = spawnSync(process.execPath, [script, '--tree-child', root, String(runs)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`tree bench failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}
