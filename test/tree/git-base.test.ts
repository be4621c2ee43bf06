/**
 * The series read against its exact base from the tree's git objects: the blob the `index` line names,
 * else the file at the `base-commit:` trailer, else the working file, whatever HEAD holds now; each
 * fallback says why. A repository written for the test: the patch's base, then a commit that moves HEAD on
 * and changes the very lines the finding depends on.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitBlobId } from '../../server/src/core/kernel/kernel-tree';
import { DiskKernelTree } from '../../server/src/host/disk-tree';
import { isBatchName, parseBatch } from '../../server/src/host/git-objects';
import { sharedEngine } from '../rules/tester';
import { lineOf } from '../helpers';

/** The base: the clock is enabled at line 12, far above the hunk, and released on the error path. */
const BASE = `#include <linux/clk.h>

static int widget_reset(struct widget *w)
{
\treturn w->ops->reset(w);
}

int widget_setup(struct widget *w)
{
\tint ret;

\tret = clk_prepare_enable(w->clk);
\tif (ret)
\t\treturn ret;

\tw->state = WIDGET_COLD;
\tw->retries = 3;
\tw->flags = 0;

\tret = widget_reset(w);
\tif (ret)
\t\tgoto out_clk;

\treturn 0;

out_clk:
\tclk_disable_unprepare(w->clk);
\treturn ret;
}
`;

/** Upstream since: a managed clock, so nothing is left to release (the hunk's lines are unchanged). */
const MOVED_ON = BASE.replace(
  '\tret = clk_prepare_enable(w->clk);\n\tif (ret)\n\t\treturn ret;',
  '\tw->clk = devm_clk_get_enabled(w->dev, NULL);\n\tif (IS_ERR(w->clk))\n\t\treturn PTR_ERR(w->clk);',
);

const AFTER = BASE.replace('\treturn 0;\n\nout_clk:', '\tret = widget_calibrate(w);\n\tif (ret)\n\t\treturn ret;\n\n\treturn 0;\n\nout_clk:');

/** The patch adds an early return that leaks the clock the base enabled: visible only with the base. */
function widgetPatch(opts: { index?: string | null; baseCommit?: string }): string {
  const index = opts.index === undefined ? `${gitBlobId(BASE).slice(0, 12)}..${gitBlobId(AFTER).slice(0, 12)}` : opts.index;
  return [
    'From: A Developer <dev@example.org>',
    'Subject: [PATCH] widget: calibrate after reset',
    '',
    'diff --git a/mm/widget.c b/mm/widget.c',
    ...(index ? [`index ${index} 100644`] : []),
    '--- a/mm/widget.c',
    '+++ b/mm/widget.c',
    '@@ -21,6 +21,10 @@ int widget_setup(struct widget *w)',
    ' \tif (ret)',
    ' \t\tgoto out_clk;',
    ' ',
    '+\tret = widget_calibrate(w);',
    '+\tif (ret)',
    '+\t\treturn ret;',
    '+',
    ' \treturn 0;',
    ' ',
    ' out_clk:',
    ...(opts.baseCommit ? ['', `base-commit: ${opts.baseCommit}`, '-- ', '2.47.0'] : []),
    '',
  ].join('\n');
}

const GIT_ENV = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
const git = (root: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', ...args], { cwd: root, env: GIT_ENV, encoding: 'utf8' }).trim();

/** A repository whose first commit is the base and whose HEAD has moved on; the base commit's id. */
function movedOnRepo(): { root: string; baseCommit: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-gitbase-'));
  fs.mkdirSync(path.join(root, 'mm'));
  fs.writeFileSync(path.join(root, 'mm/widget.c'), BASE);
  git(root, 'init', '-q');
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  const baseCommit = git(root, 'rev-parse', 'HEAD');
  fs.writeFileSync(path.join(root, 'mm/widget.c'), MOVED_ON);
  git(root, 'commit', '-qam', 'widget: managed clock');
  return { root, baseCommit };
}

const leaks = (out: { ruleId: string; message: string }[]): string[] =>
  out.filter((f) => f.ruleId === 'unbalanced-counter').map((f) => f.message.replace(/ from .*? is/, ' is'));

test("HEAD has moved on: the index line's blob is the base, so the leak it shows is found, and the note says which base", async () => {
  const { root } = movedOnRepo();
  const engine = await sharedEngine();
  const doc = widgetPatch({});
  const tree = new DiskKernelTree(root);
  const a = engine.analyze(doc, { tree });
  assert.deepEqual(leaks(a.findings), [`on the path returning at line ${lineOf(doc, '+\t\treturn ret;')}, \`clk_prepare_enable()\` is never released`]);
  const notes = a.findings.filter((f) => f.ruleId === 'tree-base');
  assert.deepEqual(
    notes.map((f) => [f.messageId, f.range.start.line + 1, f.message]),
    [
      [
        'baseUsed',
        lineOf(doc, 'index '),
        `the series is read against 1 file as its index line names it from the git objects of ${root}; 1 of them differs from the working tree`,
      ],
    ],
  );
  assert.deepEqual(tree.problems(), []);

  // Without git objects (the same files unpacked), the working file is all there is: no clock to leak,
  // and the note says the file is not the patch's base.
  fs.rmSync(path.join(root, '.git'), { recursive: true });
  const unpacked = engine.analyze(doc, { tree: new DiskKernelTree(root) });
  assert.deepEqual(leaks(unpacked.findings), []);
  assert.deepEqual(
    unpacked.findings.filter((f) => f.ruleId === 'tree-base').map((f) => f.messageId),
    ['notBase'],
  );
  assert.match(unpacked.findings.find((f) => f.messageId === 'notBase')!.explanation!, /the tree is not read through git/);
});

test('no index line: the file at the base-commit trailer; a base commit git lacks falls back to the working file, saying why', async () => {
  const { root, baseCommit } = movedOnRepo();
  const engine = await sharedEngine();
  const byCommit = engine.analyze(widgetPatch({ index: null, baseCommit }), { tree: new DiskKernelTree(root) });
  assert.deepEqual(leaks(byCommit.findings), ['on the path returning at line 13, `clk_prepare_enable()` is never released']);
  assert.match(
    byCommit.findings.find((f) => f.messageId === 'baseUsed')!.message,
    new RegExp(`1 file at base-commit ${baseCommit.slice(0, 12)} from the git objects`),
  );

  const tree = new DiskKernelTree(root);
  const unknown = 'deadbeef'.repeat(5);
  const got = tree.preImages([{ path: 'mm/widget.c', index: 'abcdef012345', baseCommit: unknown }]).get('mm/widget.c')!;
  assert.equal(got.source, 'working-file');
  assert.equal(got.text, MOVED_ON);
  assert.deepEqual(got.passedOver, [
    "the index line's blob abcdef012345 is not in the tree's git objects",
    "base-commit deadbeefdead is not in the tree's git objects (fetch it to read the series against its base)",
  ]);
  const noFile = tree.preImages([{ path: 'mm/gone.c', index: null, baseCommit }]).get('mm/gone.c')!;
  assert.deepEqual([noFile.source, noFile.text, noFile.passedOver], ['working-file', null, [`base-commit ${baseCommit.slice(0, 12)} has no mm/gone.c`]]);
});

test('pre-images: abbreviated ids resolved to the blob, an abbreviation shared by a commit read as the blob, answers cached', () => {
  const { root, baseCommit } = movedOnRepo();
  const tree = new DiskKernelTree(root);
  const blob = gitBlobId(BASE);
  for (const len of [7, 12, 40]) {
    const got = tree.preImages([{ path: 'mm/widget.c', index: blob.slice(0, len), baseCommit: null }]).get('mm/widget.c')!;
    assert.deepEqual([got.source, got.blob, got.text === BASE], ['index-blob', blob, true], `abbreviated to ${len}`);
  }
  // The index line naming the base commit's id would resolve to a commit without the disambiguation; it is not a blob.
  const asCommit = tree.preImages([{ path: 'mm/widget.c', index: baseCommit.slice(0, 12), baseCommit: null }]).get('mm/widget.c')!;
  assert.equal(asCommit.source, 'working-file');
  // A second request is answered from memory: no git run (the repository can go).
  fs.rmSync(path.join(root, '.git', 'objects'), { recursive: true });
  assert.equal(tree.preImages([{ path: 'mm/widget.c', index: blob.slice(0, 12), baseCommit: null }]).get('mm/widget.c')!.text, BASE);
});

test('a path that would climb out of the tree is never looked up at a commit', () => {
  const { root, baseCommit } = movedOnRepo();
  const tree = new DiskKernelTree(root);
  for (const bad of ['../outside.c', 'mm/../../x.c', '/etc/passwd', 'mm//widget.c', 'mm/./widget.c', 'mm/widget.c\nHEAD']) {
    const got = tree.preImages([{ path: bad, index: null, baseCommit }]).get(bad)!;
    // The working file, when the path (normalised) stays inside the tree; never the base commit's.
    assert.equal(got.source, 'working-file', bad);
    assert.ok(got.text === null || got.text === MOVED_ON, bad);
  }
  assert.deepEqual(tree.problems(), []);
});

test('batch names and output: one line each, no climbing path; missing and ambiguous answers; contents by byte count', () => {
  assert.equal(isBatchName('0123abcd'), true);
  assert.equal(isBatchName('0123abcd:mm/a b.c'), true);
  for (const bad of ['', 'a\nb', 'c0ffee:../x', 'c0ffee:/x', 'c0ffee:a//b', 'c0ffee:', 'x\0y']) assert.equal(isBatchName(bad), false, JSON.stringify(bad));
  const oid = 'a'.repeat(40);
  const body = Buffer.from('one\ntwo missing\n');
  const out = Buffer.concat([Buffer.from(`abc missing\n${oid} blob ${body.length}\n`), body, Buffer.from(`\nabd ambiguous\n${oid} blob 3\nxyz\n`)]);
  const answers = parseBatch(out, 4, 100);
  assert.deepEqual(
    answers.map((a) => (a.kind === 'found' ? [a.kind, a.type, a.bytes?.toString() ?? null] : [a.kind])),
    [['missing'], ['found', 'blob', 'one\ntwo missing\n'], ['ambiguous'], ['found', 'blob', 'xyz']],
  );
  assert.equal((parseBatch(out, 2, 4)[1] as { bytes: Buffer | null }).bytes, null, 'over the bound: no bytes');
  assert.throws(() => parseBatch(Buffer.from(`${oid} blob 99\nshort\n`), 1, 100), /less than an object it announced/);
});
