/**
 * @file `npm run bench:corpus`: mm-review on real list patches (corpus/manifest.json, rebuilt into
 * .cache/corpus by scripts/corpus-rebuild.mjs). Prints, hunk-only (no kernel tree): each introducer flagged
 * or missed (a warning or error on one of its bug sites), recall, and the introduced warnings and errors
 * elsewhere, per rule — on good patches (false alarms) and on introducers away from their bug.
 *
 * With `--tree DIR` (repeatable: several kernel releases), each patch is also checked with the first tree
 * its hunks all apply to (whole functions read from that file, its own mined pairs): not the patch's exact
 * base, which the list archives do not carry, but a version of each file where the hunks stand. Patches no
 * tree fits are counted apart.
 *
 *   node out/bench/corpus-bench.js [--corpus DIR] [--tree DIR]... [--json]
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkFix } from '../server/src/core/fix-check';
import { Engine } from '../server/src/core/engine';
import type { Finding } from '../server/src/core/findings';
import { loadParser } from '../server/src/host/grammar';
import { DiskKernelTree } from '../server/src/host/disk-tree';
import type { Analysis } from '../server/src/core/engine';
import { isAlarm, sitesHit, type CorpusManifest, type CorpusPatch } from './corpus-score';
import { median } from './stats';
import { checkReplies, type ReplyCheck } from './reply-check';

const root = path.resolve(__dirname, '..', '..');
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

interface PatchResult {
  patch: CorpusPatch;
  ms: number;
  /** The tree the patch was checked with (its root), when --tree gave one its hunks apply to. */
  tree: string | null;
  /** Alarms on a bug site; information on a bug site. */
  onSite: Finding[];
  infoOnSite: Finding[];
  /** Alarms anywhere else. */
  elsewhere: Finding[];
  /** Each quick fix offered on the patch, and whether it held. */
  fixes: { rule: string; title: string; holds: boolean }[];
  replies: ReplyCheck;
}

async function main(): Promise<void> {
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'corpus/manifest.json'), 'utf8')) as CorpusManifest;
  const dir = path.resolve(arg('--corpus') ?? path.join(root, '.cache/corpus'));
  const present = manifest.patches.filter((p) => fs.existsSync(path.join(dir, `${p.id}.eml`)));
  if (!present.length) {
    console.error(`no corpus mails in ${dir}: run node scripts/corpus-rebuild.mjs --mirrors DIR first`);
    process.exit(2);
  }
  const engine = new Engine(await loadParser());
  const trees = process.argv.flatMap((a, i) => (a === '--tree' && process.argv[i + 1] ? [new DiskKernelTree(process.argv[i + 1])] : []));
  /** A tree fits a patch when it has every file the patch changes and every hunk applies. */
  const fits = (a: Analysis): boolean => !a.findings.some((f) => f.ruleId === 'tree-base' && ['missingFile', 'hunkNotApplied'].includes(f.messageId ?? ''));
  const results: PatchResult[] = [];
  for (const patch of present) {
    const text = fs.readFileSync(path.join(dir, `${patch.id}.eml`), 'utf8');
    const lines = text.split(/\r?\n/);
    let t0 = performance.now();
    let a = engine.analyze(text);
    let ms = performance.now() - t0;
    let tree: string | null = null;
    for (const t of trees) {
      t0 = performance.now();
      const withTree = engine.analyze(text, { tree: t });
      if (!fits(withTree)) continue;
      [a, ms, tree] = [withTree, performance.now() - t0, t.root];
      break;
    }
    const sites = patch.bug?.sites ?? [];
    const onSite: Finding[] = [];
    const infoOnSite: Finding[] = [];
    const elsewhere: Finding[] = [];
    for (const f of a.findings) {
      const hit = sitesHit(lines, f, sites).length > 0;
      if (isAlarm(f)) (hit ? onSite : elsewhere).push(f);
      else if (hit && f.origin === 'introduced') infoOnSite.push(f);
    }
    // Every quick fix offered, applied alone and checked as the tests check fixes.
    const treeOf = trees.find((t) => t.root === tree);
    const again = (t: string): Analysis => engine.analyze(t, treeOf ? { tree: treeOf } : {});
    const fixes = a.findings.flatMap((f) =>
      f.fixes.map((fix) => ({ rule: f.ruleId, title: fix.title, holds: checkFix(again, text, a.findings, f, fix).holds })),
    );
    const replies = checkReplies(text, again);
    results.push({ patch, ms, tree, onSite, infoOnSite, elsewhere, fixes, replies });
  }
  const introducers = results.filter((r) => r.patch.role === 'introducer');
  const good = results.filter((r) => r.patch.role === 'good');
  const flagged = introducers.filter((r) => r.onSite.length);
  const perRule = (rs: PatchResult[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const r of rs) for (const f of r.elsewhere) out[f.ruleId] = (out[f.ruleId] ?? 0) + 1;
    return out;
  };
  const summary = {
    patches: results.length,
    missingMails: manifest.patches.length - present.length,
    introducers: introducers.length,
    flagged: flagged.length,
    recall: introducers.length ? Number((flagged.length / introducers.length).toFixed(2)) : null,
    informationOnSite: introducers.filter((r) => !r.onSite.length && r.infoOnSite.length).length,
    good: good.length,
    goodWithAlarms: good.filter((r) => r.elsewhere.length).length,
    falseAlarmsOnGoodPerRule: perRule(good),
    alarmsAwayFromBugOnIntroducersPerRule: perRule(introducers),
    medianMsPerPatch: Number(median(results.map((r) => r.ms)).toFixed(1)),
    quickFixes: {
      offered: results.reduce((n, r) => n + r.fixes.length, 0),
      hold: results.reduce((n, r) => n + r.fixes.filter((f) => f.holds).length, 0),
      onIntroducers: introducers.reduce((n, r) => n + r.fixes.length, 0),
      onGood: good.reduce((n, r) => n + r.fixes.length, 0),
    },
    replies: {
      composed: results.reduce((n, r) => n + r.replies.replies, 0),
      comments: results.reduce((n, r) => n + r.replies.comments, 0),
      commentsUnderTheirLine: results.reduce((n, r) => n + r.replies.underTheirLine, 0),
      raisedWhenThreaded: results.reduce((n, r) => n + r.replies.raisedInThread, 0),
    },
    ...(trees.length
      ? {
          withTree: {
            trees: trees.map((t) => t.root),
            introducersATreeFits: introducers.filter((r) => r.tree).length,
            flaggedOfThose: introducers.filter((r) => r.tree && r.onSite.length).length,
            goodATreeFits: good.filter((r) => r.tree).length,
            goodOfThoseWithAlarms: good.filter((r) => r.tree && r.elsewhere.length).length,
          },
        }
      : {}),
  };
  if (process.argv.includes('--json')) {
    console.log(
      JSON.stringify(
        {
          summary,
          results: results.map((r) => ({
            id: r.patch.id,
            role: r.patch.role,
            tree: r.tree,
            flagged: r.onSite.length > 0,
            onSite: r.onSite.map(brief),
            elsewhere: r.elsewhere.map(brief),
          })),
        },
        null,
        1,
      ),
    );
    return;
  }
  for (const r of introducers) {
    const mark = r.onSite.length ? 'flagged' : r.infoOnSite.length ? 'note   ' : 'missed ';
    console.log(`${mark} ${r.patch.id} (${r.patch.area})${r.tree ? ` [tree ${path.basename(r.tree)}]` : ''}: ${r.patch.bug?.what}`);
    for (const f of [...r.onSite, ...r.infoOnSite]) console.log(`          ${brief(f)}`);
    for (const f of r.fixes) console.log(`          fix ${f.holds ? 'holds' : 'FAILS'}: ${f.title}`);
  }
  for (const r of [...good, ...introducers])
    for (const f of r.elsewhere) console.log(`alarm   ${r.patch.id} (${r.patch.role})${r.tree ? ` [tree ${path.basename(r.tree)}]` : ''}: ${brief(f)}`);
  console.log(JSON.stringify(summary, null, 2));
}

const brief = (f: Finding): string => `line ${f.range.start.line + 1} ${f.severity} [${f.ruleId}] ${f.message}`;

main().catch((e: Error) => {
  console.error(e.stack ?? e.message);
  process.exit(1);
});
