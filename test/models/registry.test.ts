/** Every model is runnable by name, documented, and reads its parameters strictly. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Engine } from '../../server/src/core/engine';
import { loadParser } from '../../server/src/host/grammar';
import { MODELS, ModelArgumentError, parseSize, runModel, type ModelHost } from '../../server/src/core/models/registry';
import { readSeed, repoRoot, seedTest } from '../helpers';

async function host(files: Record<string, string> = {}): Promise<ModelHost> {
  const parser = await loadParser();
  const engine = new Engine(parser);
  return {
    parser,
    analyse: (p) => {
      if (!(p in files)) throw new Error(`no file ${p}`);
      return engine.analyze(files[p], { findings: 'all' }).parsed!;
    },
    read: (p) => {
      if (!(p in files)) throw new Error(`no file ${p}`);
      return files[p];
    },
  };
}

test('every model module (one exporting MODEL_ID) has a registry entry and a doc naming each parameter', () => {
  const dir = path.join(repoRoot, 'server/src/core/models');
  const modules = (d: string): string[] =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? modules(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : []));
  // Each model is a folder of its own; its model module says its id.
  const ids = modules(dir)
    .flatMap((f) => [...fs.readFileSync(f, 'utf8').matchAll(/^export const MODEL_ID = '([a-z-]+)';$/gm)].map((m) => m[1]))
    .sort();
  assert.deepEqual(MODELS.map((m) => m.id).sort(), ids);
  const docs = fs
    .readdirSync(path.join(repoRoot, 'docs/models'))
    .map((f) => f.replace(/\.md$/, ''))
    .sort();
  assert.deepEqual(docs, ids);
  for (const m of MODELS) {
    const md = fs.readFileSync(path.join(repoRoot, 'docs/models', `${m.id}.md`), 'utf8');
    assert.ok(md.startsWith(`# ${m.id}\n`), m.id);
    for (const p of m.params) assert.ok(md.includes(`| \`${p.name}\` |`), `${m.id}.md documents ${p.name}`);
    assert.ok(m.example.startsWith(`mm-review model ${m.id}`), m.example);
    assert.ok(md.includes(m.example), `${m.id}.md shows the example`);
  }
});

seedTest('the models that need a patch run on the seeds', async () => {
  const h = await host({ 'x004.mbox': readSeed('004'), 'x001.mbox': readSeed('001') });
  const bo = runModel('bo-purgeability', ['patch=x004.mbox', 'bound=4'], h);
  // Known divergence (DOMAIN): exporting a DONTNEED BO now promotes it to WILLNEED.
  assert.match(
    bo.text,
    /the patched code, information: after create VMA1 WILLNEED → madvise VMA1 DONTNEED → export, the patched code leaves the BO WILLNEED where the code before the patch left it DONTNEED: less purgeable/,
  );
  assert.match(bo.text, /The model ran every sequence of up to 4 events/);
  const uw = runModel('unwind', ['patch=x001.mbox'], h);
  assert.match(uw.text, /\*\*`zswap_cpu_comp_prepare\(\)`\*\*, as patched, with its teardown `zswap_cpu_comp_dead\(\)`: \d+ runs, no issue\./);
  assert.match(runModel('unwind', ['patch=x001.mbox', 'function=nope'], h).text, /`nope\(\)` is not a function of the patch that allocates/);
  assert.match(runModel('bo-purgeability', ['patch=x001.mbox'], h).text, /nothing to run/);
});

test('parameters are strict: unknown names, bad values and missing files are usage errors', async () => {
  const h = await host();
  const bad: [string, string[], RegExp][] = [
    ['nope', [], /unknown model nope/],
    ['gmem-alignment', ['base=2'], /has no parameter base/],
    ['gmem-alignment', ['base_gfn'], /parameters are key=value/],
    ['gmem-alignment', ['hpage=4M'], /must be 2M or 1G/],
    ['gmem-alignment', ['npages=0'], /at least 1/],
    ['gmem-alignment', ['pgoff=-1'], /not a whole number/],
    ['gmem-alignment', ['gpa=4Q'], /not a size/],
    ['gmem-alignment', ['check=this is prose'], /not a C expression/],
    ['batch-throughput', ['engines=0'], /between 1 and/],
    ['unwind', [], /patch=FILE is required/],
  ];
  for (const [id, args, message] of bad)
    assert.throws(
      () => runModel(id, args, h),
      (e: Error) => e instanceof ModelArgumentError && message.test(e.message),
      `${id} ${args.join(' ')}`,
    );
  assert.equal(parseSize('4M+16K', 'gpa'), (4n << 20n) + (16n << 10n));
  assert.equal(parseSize('0x2000', 'gpa'), 8192n);
  assert.equal(parseSize('2MiB', 'hpage'), 2n << 20n);
});

test('batch-throughput: the table for the engines and folio given', async () => {
  const out = runModel('batch-throughput', ['engines=4', 'pages=8'], await host());
  // ⌈8/N⌉ × ⌈N/4⌉: N = 1, 2, 4, 8 → 8, 4, 2, 2.
  assert.deepEqual((out.data as { rows: { n: number; time: number }[] }).rows, [
    { n: 1, time: 8 },
    { n: 2, time: 4 },
    { n: 4, time: 2 },
    { n: 8, time: 2 },
  ]);
  assert.match(out.text, /N = 4 is where it stops paying/);
});
