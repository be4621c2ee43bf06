/** The built command-line tool (dist/cli.js, the bundle users run), spoken to as a user would. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { customPairConfig, customPairPatch, repoRoot, readSeed, seedPath, seedTest } from '../helpers';

const cli = path.join(repoRoot, 'dist', 'cli.js');

function run(args: string[], input?: string | Buffer, cwd = repoRoot): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { input, encoding: 'utf8', cwd });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-cli-'));
function file(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}

/** Seed 002 with riscv's definition missing pgmap (line 144) and one call left at four arguments (line 241). */
function brokenSeed002(): string {
  const lines = readSeed('002').split('\n');
  assert.equal(lines[143], '+ struct vmem_altmap *altmap, struct dev_pagemap *pgmap)');
  lines[143] = '+ struct vmem_altmap *altmap)';
  assert.equal(lines[240], '+ vmemmap_populate(start, end, nid, NULL, NULL);');
  lines[240] = '+ vmemmap_populate(start, end, nid, NULL);';
  return lines.join('\n');
}

seedTest('check, text format: one line per finding, a summary, exit 0 when nothing reaches --fail-on', () => {
  const r = run(['check', seedPath('002')]);
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^.*002_[0-9a-f]+\.txt:135:8: information: `vmemmap_populate\(\)` receives `pgmap` .* \[parameter-dropped\]$/);
  assert.match(lines[1], /:264:8: information: .*\[parameter-dropped\]$/);
  assert.equal(lines[2], 'mm-review: 0 errors, 0 warnings, 2 information (1 document, 1 patch)');
});

seedTest('check: errors land on their lines and exit 1; --fail-on moves the threshold', () => {
  const bad = file('bad002.txt', brokenSeed002());
  const r = run(['check', bad]);
  assert.equal(r.code, 1);
  const errors = r.out.split('\n').filter((l) => l.includes(': error: '));
  assert.deepEqual(
    errors.map((l) => l.split(':').slice(1, 3).join(':')),
    ['144:3', '241:3'],
  );
  assert.ok(errors.every((l) => l.endsWith('[prototype-mismatch]')));
  assert.equal(run(['check', '--fail-on', 'never', bad]).code, 0);
  assert.equal(run(['check', '--fail-on=information', seedPath('002')]).code, 1);
  assert.equal(run(['check', '--fail-on', 'warning', seedPath('002')]).code, 0);
});

seedTest('check --format json has the documented shape, 1-based positions, kernel file and line', () => {
  const r = run(['check', '--format', 'json', file('bad.txt', brokenSeed002())]);
  assert.equal(r.code, 1);
  const j = JSON.parse(r.out);
  assert.deepEqual(Object.keys(j), ['tool', 'documents']);
  assert.deepEqual(j.tool, { name: 'mm-review', version: JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version });
  assert.equal(j.documents.length, 1);
  const f = j.documents[0].findings.find((x: { severity: string }) => x.severity === 'error');
  for (const key of ['ruleId', 'severity', 'origin', 'message', 'line', 'column', 'endLine', 'endColumn', 'file', 'fileLine', 'patch', 'explanation'])
    assert.ok(key in f, key);
  assert.deepEqual([f.ruleId, f.origin, f.line, f.column, f.file], ['prototype-mismatch', 'introduced', 144, 3, 'arch/riscv/mm/init.c']);
  // Hunk @@ -1443,7 +1443,7 @@: `}`, a restored blank, the definition line (1445), then this added line.
  assert.equal(f.fileLine, 1446);
  assert.deepEqual(f.patch, { index: 1, subject: '[PATCH 04/49] mm/sparse: add a @pgmap parameter to arch vmemmap_populate()' });
  assert.match(f.explanation, /before: `vmemmap_populate\(unsigned long start, unsigned long end, int node, struct vmem_altmap \*altmap\)`/);
});

seedTest('check --format sarif is SARIF 2.1.0 with rule metadata and fingerprints that survive a shift', () => {
  const text = brokenSeed002();
  const a = JSON.parse(run(['check', '--format', 'sarif', file('a.txt', text)]).out);
  const b = JSON.parse(run(['check', '--format', 'sarif', file('b.txt', 'A note added above the mail.\n\n' + text)]).out);
  assert.equal(a.version, '2.1.0');
  assert.equal(a.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  const driver = a.runs[0].tool.driver;
  assert.equal(driver.name, 'mm-review');
  const ruleIds = driver.rules.map((x: { id: string }) => x.id);
  assert.deepEqual(
    ruleIds,
    JSON.parse(run(['rules', '--format', 'json']).out).map((x: { id: string }) => x.id),
  );
  for (const rule of driver.rules) {
    assert.ok(rule.shortDescription.text && ['error', 'warning', 'note', 'none'].includes(rule.defaultConfiguration.level));
  }
  const ra = a.runs[0].results;
  const rb = b.runs[0].results;
  assert.equal(ra.length, 4);
  for (const r of ra) {
    assert.equal(driver.rules[r.ruleIndex].id, r.ruleId);
    assert.ok(['error', 'note'].includes(r.level));
    assert.equal(r.locations[0].physicalLocation.artifactLocation.uri, a.runs[0].artifacts[0].location.uri);
    assert.match(r.partialFingerprints['mmReviewFinding/v1'], /^[0-9a-f]{16}$/);
    assert.equal(r.baselineState, 'new');
  }
  const errorA = ra.find((r: { level: string }) => r.level === 'error');
  const errorB = rb.find((r: { partialFingerprints: object }) => JSON.stringify(r.partialFingerprints) === JSON.stringify(errorA.partialFingerprints));
  assert.ok(errorB, 'the same finding has the same fingerprint after the document shifted');
  assert.equal(errorB.locations[0].physicalLocation.region.startLine, errorA.locations[0].physicalLocation.region.startLine + 2);
  assert.equal(new Set(ra.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['mmReviewFinding/v1'])).size, ra.length);
  assert.equal(a.runs[0].columnKind, 'utf16CodeUnits');
});

seedTest('check reads standard input with -', () => {
  const r = run(['check', '-'], readSeed('002'));
  assert.equal(r.code, 0);
  assert.match(r.out, /^<stdin>:135:8: information: /);
});

test('unreadable input and bad usage exit 2 with a message', () => {
  const missing = run(['check', path.join(tmp, 'does-not-exist.patch')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /^mm-review: cannot read .*does-not-exist\.patch: no such file\n$/);
  const dir = run(['check', tmp]);
  assert.equal(dir.code, 2, 'a directory');
  assert.match(dir.err, /cannot read .*: is a directory/);
  for (const args of [
    ['check'],
    ['check', '--format', 'xml', 'x'],
    ['check', '--fail-on', 'hint', 'x'],
    ['check', '--bogus', 'x'],
    ['check', '--rule', 'nope=off', 'x'],
    ['frobnicate'],
    [],
  ]) {
    const r = run(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.ok(r.err.length > 0 || r.out.includes('usage'), args.join(' '));
  }
});

seedTest('non-UTF-8 bytes, CRLF and an empty file are read without complaint', () => {
  const latin1 = Buffer.concat([
    Buffer.from('From: J\xf6rg <j@example.org>\r\nSubject: [PATCH] x\r\n\r\n', 'latin1'),
    Buffer.from(readSeed('002').split('\n').slice(40).join('\r\n')),
  ]);
  const r = run(['check', file('latin1.patch', latin1)]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /2 information \(1 document, 1 patch\)/);
  const empty = run(['check', file('empty.patch', '')]);
  assert.equal(empty.code, 0);
  assert.equal(
    empty.out,
    `${path.join(tmp, 'empty.patch')}:1:1: information: no patch or C code found in this document; nothing was reviewed [analysis-limit]\nmm-review: 0 errors, 0 warnings, 1 information (1 document, 0 patches)\n`,
  );
});

seedTest('--all adds pre-existing and fixed findings; --rule turns a rule off or re-grades it', () => {
  const text = readSeed('002');
  assert.match(run(['check', '--rule', 'parameter-dropped=off', file('s.txt', text)]).out, /^mm-review: 0 errors, 0 warnings, 0 information/);
  const raised = run(['check', '--rule', 'parameter-dropped=error', file('s2.txt', text)]);
  assert.equal(raised.code, 1);
  assert.match(raised.out, /2 errors/);
  // A call stale before the patch and still stale after it is pre-existing: hidden unless --all.
  const stale = text
    .replace(
      '\nif (vmemmap_populate_hvo(start, end, huge_page_order(h), zone,',
      '\nvmemmap_populate(start, end);\nif (vmemmap_populate_hvo(start, end, huge_page_order(h), zone,',
    )
    .replace('@@ -845,7 +845,7 @@', '@@ -845,8 +845,8 @@');
  assert.equal(stale.split('\n').length, text.split('\n').length + 1);
  const plain = run(['check', file('stale.txt', stale)]);
  assert.doesNotMatch(plain.out, /pre-existing/);
  const all = run(['check', '--all', file('stale2.txt', stale)]);
  assert.match(all.out, /: hint: `vmemmap_populate\(\)` is called with 2 arguments.* \(pre-existing\) \[prototype-mismatch\]/);
});

seedTest('--max-size degrades a large document to one clear finding', () => {
  const r = run(['check', '--max-size', '0.01', seedPath('002')]);
  assert.equal(r.code, 0);
  assert.match(r.out, /002_[0-9a-f]+\.txt:1:1: warning: .*002_[0-9a-f]+\.txt is 19\.1 KiB, over the limit of 10\.2 KiB; it is not analysed \[analysis-limit\]/);
});

seedTest('inspect prints what was ingested in the documented shape', () => {
  const r = run(['inspect', seedPath('001')]);
  assert.equal(r.code, 0);
  const j = JSON.parse(r.out);
  const p = j.patches[0];
  for (const key of ['subject', 'from', 'date', 'messageId', 'quoteDepth', 'files']) assert.ok(key in p, key);
  assert.equal(p.quoteDepth, 2);
  const h = p.files[1].hunks.find((x: { line: number }) => x.line === 164);
  for (const key of ['oldStart', 'oldLines', 'newStart', 'newLines', 'section', 'line', 'lines']) assert.ok(key in h, key);
  assert.equal(h.section, 'static int zswap_cpu_comp_prepare(unsigned int cpu, struct hlist_node *node)');
  const wrapped = h.lines.find((l: { line: number }) => l.line === 176);
  assert.deepEqual(wrapped, {
    kind: 'remove',
    text: ' acomp_ctx->buffer = kmalloc_node(PAGE_SIZE * 2, GFP_KERNEL, cpu_to_node(cpu));',
    line: 176,
    continuedOn: [177],
  });
  const frag = JSON.parse(run(['inspect', seedPath('000')]).out).fragments;
  assert.deepEqual([frag.length, frag[0].line, frag[0].endLine, frag[0].quoteDepth], [1, 39, 58, 10]);
  assert.equal(run(['inspect']).code, 2);
});

test('rules lists every rule; --version prints the package version', () => {
  const r = run(['rules']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^prototype-mismatch\s+error\s+Definitions, declarations and calls must match/m);
  assert.match(r.out, /^parameter-dropped\s+information\s+/m);
  const v = run(['--version']);
  assert.equal(v.out.trim(), `mm-review ${JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version}`);
});

test('the bundled example series: what `npm start` prints', () => {
  const example = path.join(repoRoot, 'examples', 'pgmap-series.mbox');
  const r = run(['check', example, '--fail-on', 'never']);
  assert.equal(r.code, 0);
  // Line 63: riscv's definition, left at three parameters; 82: x86 drops gfp; 138: patch 2's new call.
  assert.deepEqual(
    r.out
      .trim()
      .split('\n')
      .map((l) => l.replace(/^.*pgmap-series\.mbox:/, '').replace(/: `.*\[/, ' [')),
    [
      '63:68: error [prototype-mismatch]',
      '82:10: information [parameter-dropped]',
      '138:10: error [prototype-mismatch]',
      'mm-review: 2 errors, 0 warnings, 1 information (1 document, 3 patches)',
    ],
  );
  // Patch 3 repairs patch 2's call: with --all, its removed line (170) shows as fixed.
  assert.match(run(['check', '--all', example]).out, /pgmap-series\.mbox:170:10: hint: .*\(fixed by this patch\) \[prototype-mismatch\]/);
  assert.deepEqual(JSON.parse(run(['inspect', example]).out).problems, []);
});

test('.mm-review.json extends the pair table: found in the current directory, named with --config, or left out', () => {
  const patch = customPairPatch();
  const dir = fs.mkdtempSync(path.join(tmp, 'config-'));
  fs.writeFileSync(path.join(dir, 'bind.patch'), patch);
  // Document line 13 is `+\tmy_obj_get(pool->obj);` (7 lines of mail and hunk header, the context, 4 added lines before it).
  const leak = /bind\.patch:13:3: error: on the path returning at line 16, `my_obj_get\(\)` from line 13 is never released \[unbalanced-counter\]/;
  // Unknown to the default table: nothing to say.
  assert.equal(run(['check', 'bind.patch'], undefined, dir).code, 0);
  fs.writeFileSync(path.join(dir, '.mm-review.json'), JSON.stringify(customPairConfig));
  const found = run(['check', 'bind.patch'], undefined, dir);
  assert.equal(found.code, 1, found.err);
  assert.match(found.out, leak);
  assert.equal(run(['check', '--no-config', 'bind.patch'], undefined, dir).code, 0);
  const elsewhere = run(['check', '--config', path.join(dir, '.mm-review.json'), path.join(dir, 'bind.patch')]);
  assert.equal(elsewhere.code, 1, elsewhere.err);
  // A wrong entry is bad usage, named.
  fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ pairs: [{ id: 'my_obj', kind: 'reference', acquire: ['my_obj_get'], release: [] }] }));
  const bad = run(['check', '--config', 'bad.json', 'bind.patch'], undefined, dir);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /bad\.json: pairs\[0\]\.kind must be one of ref, counter, lock, alloc/);
  assert.match(bad.err, /bad\.json: pairs\[0\]\.release must be a list of function names/);
  assert.match(run(['check', '--config', 'missing.json', 'bind.patch'], undefined, dir).err, /cannot read missing\.json: no such file/);
});

test('model: lists the models; NAME --help names its parameters; a run prints the result and its explanation', () => {
  const list = run(['model']);
  assert.equal(list.code, 0);
  assert.deepEqual(
    list.out
      .trim()
      .split('\n')
      .map((l) => l.split(/\s+/)[0]),
    ['gmem-alignment', 'batch-throughput', 'bo-purgeability', 'unwind', 'cxl-interleave', 'vmemmap'],
  );
  assert.match(run(['model', 'gmem-alignment', '--help']).out, /^ {2}pgoff +file offset of the binding, in pages \(default 0\)$/m);
  // The command of the issue: the thread's example.
  const r = run(['model', 'gmem-alignment', 'base_gfn=2', 'npages=2048', 'pgoff=0', 'hpage=2M']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /\| 2 \| \[1024, 1536\) \| \[4 MiB, 6 MiB\) \| allowed \|/);
  assert.match(r.out, /\| 512 \| \[514, 1026\) \| \[2 MiB \+ 8 KiB, 4 MiB \+ 8 KiB\) \| \[512, 1024\) \|/);
  assert.match(r.out, /\*\*3 allowed huge mappings span two folios\.\*\*/);
  // A sound binding: the same slot with the file offset misaligned alike.
  assert.match(run(['model', 'gmem-alignment', 'base_gfn=2', 'pgoff=2']).out, /Every allowed huge mapping lies within one folio: the binding is sound\./);
  const json = JSON.parse(run(['model', 'gmem-alignment', '--format', 'json', 'gpa=4M,4M+16K']).out);
  assert.equal(json.model, 'gmem-alignment');
  assert.equal(json.result.broken, true);
  assert.deepEqual(
    json.result.probes.map((p: { alignedIndex: string }) => p.alignedIndex),
    ['512', '1024'],
  );
});

test('model: a binding check from the command line, run over the grid', () => {
  const rewrite = run([
    'model',
    'gmem-alignment',
    'check=page_mask = ~(SZ_2M - 1); offset_within_page = slot->gmem.pgoff & page_mask; gfn_within_page = (slot->base_gfn << PAGE_SHIFT) & page_mask; offset_within_page == gfn_within_page',
  ]);
  assert.equal(rewrite.code, 0, rewrite.err);
  assert.match(rewrite.out, /the check disagrees with the model on 18 of 36 bindings tried: it accepts 12 broken bindings and rejects 6 sound ones/);
  assert.match(rewrite.out, /\| 2M \| 2 \| 0 \| broken \| accepts \| `offset_within_page` = 0, `gfn_within_page` = 0 \|/);
  const sound = run(['model', 'gmem-alignment', 'check=(offset & ~huge_page_mask(h)) == ((slot->base_gfn << PAGE_SHIFT) & ~huge_page_mask(h))']);
  assert.match(sound.out, /the check agrees with the model on all 72 bindings tried/);
});

seedTest('model: patch-based models read the patch; bad usage exits 2 with the reason', () => {
  const r = run(['model', 'unwind', `patch=${seedPath('001')}`, 'function=zswap_cpu_comp_prepare']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /`zswap_cpu_comp_prepare\(\)`\*\*, before the patch/);
  for (const [args, message] of [
    [['model', 'gmem-alignment', 'hpage=3M'], /the huge page size must be 2M or 1G/],
    [['model', 'nope'], /unknown model nope/],
    [['model', 'unwind', 'patch=/nonexistent/x.mbox'], /cannot read \/nonexistent\/x\.mbox/],
    [['model', 'batch-throughput', '--format', 'yaml'], /text or json/],
  ] as const) {
    const bad = run([...args]);
    assert.equal(bad.code, 2, args.join(' '));
    assert.match(bad.err, message);
  }
});

test('model: the examples in docs/models run as written (those without a patch file)', () => {
  for (const f of fs.readdirSync(path.join(repoRoot, 'docs/models'))) {
    const md = fs.readFileSync(path.join(repoRoot, 'docs/models', f), 'utf8');
    for (const line of md.split('\n').filter((l) => l.startsWith('mm-review model ') && !l.includes('patch='))) {
      // Split like a shell: single-quoted words keep their spaces.
      const args = [...line.slice('mm-review '.length).matchAll(/(\w+=)?'([^']*)'|(\S+)/g)].map((m) => m[3] ?? `${m[1] ?? ''}${m[2]}`);
      const r = run(args);
      assert.equal(r.code, 0, `${f}: ${line}\n${r.err}`);
    }
  }
});

test('model cxl-interleave: a topology file, the standard topology, and topologies the model refuses', () => {
  const file = run(['model', 'cxl-interleave', 'topology=examples/cxl-switched.json', 'hpa=0x4000000300,0x4080000000']);
  assert.equal(file.code, 0, file.err);
  // 0x300 into the window: chunk 3 → hb1; ⌊0x300 / 512⌋ mod 2 = 1 → ep3; its 256 MiB skip + ⌊0x300 / 1024⌋ · 256 + 0.
  assert.match(file.out, /HPA 0x4000000300: window \[1\] → hb1 \[1\] → ep3 → DPA 0x10000000 of ep3/);
  assert.match(file.out, /HPA 0x4080000000: rejected by the window \(outside its range \[0x4000000000, 0x4080000000\)\)/);
  assert.match(file.out, /\*\*One-to-one\*\*/);
  const inline = JSON.parse(run(['model', 'cxl-interleave', '--format', 'json', 'ways=16', 'device_size=256M']).out);
  assert.equal(inline.result.bijection.bijective, true);
  assert.equal(inline.result.regions[0].regions, 2 ** 20);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-cxl-'));
  const broken = JSON.parse(fs.readFileSync(path.join(repoRoot, 'examples/cxl-switched.json'), 'utf8'));
  broken.hostBridges.hb1.granularity = 256;
  fs.writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(broken));
  const b = run(['model', 'cxl-interleave', `topology=${path.join(dir, 'broken.json')}`]);
  assert.equal(b.code, 0, b.err);
  // hb1 at 256 B sees only odd chunks, so ⌊offset / 256⌋ mod 2 is always 1: chunks 1 and 3 both go to ep3, which drops
  // them to its skip + ⌊0x100 / 1024⌋ · 256 = skip + ⌊0x300 / 1024⌋ · 256 = 0x10000000.
  assert.match(b.out, /\*\*Not one-to-one\*\*: HPA 0x4000000100 and HPA 0x4000000300 both land on DPA 0x10000000 of ep3\./);
  for (const [args, message] of [
    [['model', 'cxl-interleave', 'ways=5'], /ways=5: CXL 2\.0 allows 1, 2, 4, 8, 16, 3, 6, 12/],
    [['model', 'cxl-interleave', 'granularity=128'], /granularity=128: CXL 2\.0 allows 256 to 16K/],
    [['model', 'cxl-interleave', 'ways=6', 'host_bridges=4'], /host_bridges=4: must divide 6 ways/],
    [['model', 'cxl-interleave', 'topology=examples/cxl-switched.json', 'ways=4'], /ways= describes a standard topology/],
    [['model', 'cxl-interleave', 'topology=README.md'], /topology: not JSON/],
  ] as const) {
    const bad = run([...args]);
    assert.equal(bad.code, 2, args.join(' '));
    assert.match(bad.err, message);
  }
});

seedTest('model --svg FILE: the picture the model panel shows, written to a file; a model with none says so', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-svg-'));
  const out = path.join(dir, 'bo.svg');
  const r = run(['model', 'bo-purgeability', `patch=${seedPath('004')}`, '--svg', out]);
  assert.equal(r.code, 0, r.err);
  const svg = fs.readFileSync(out, 'utf8');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<g class="step parts" data-step="\d+">/, 'a row where the patched code and the code before it part');
  const binding = run(['model', 'gmem-alignment', 'base_gfn=2', `--svg=${path.join(dir, 'gmem.svg')}`]);
  assert.equal(binding.code, 0, binding.err);
  assert.match(fs.readFileSync(path.join(dir, 'gmem.svg'), 'utf8'), /one 2 MiB mapping over two folios/);
  const none = run(['model', 'batch-throughput', 'engines=8', 'pages=16', `--svg=${path.join(dir, 'x.svg')}`]);
  assert.equal(none.code, 2);
  assert.match(none.err, /model batch-throughput draws no picture for this run/);
});

test('check --jobs: the files on worker threads, the output as without them, in the files’ order', () => {
  const example = path.join(repoRoot, 'examples', 'pgmap-series.mbox');
  const files = [example, file('leak.patch', customPairPatch()), example, file('note.txt', 'Thanks, applied.\n')];
  for (const format of ['text', 'json', 'sarif']) {
    const one = run(['check', '--format', format, '--config', file('pairs.json', JSON.stringify(customPairConfig)), ...files]);
    const three = run(['check', '--jobs', '3', '--format', format, '--config', path.join(tmp, 'pairs.json'), ...files]);
    assert.equal(three.code, one.code, three.err);
    assert.equal(three.out, one.out, format);
  }
  // The pair table from --config reaches the workers: the custom pair's leak is found on them too.
  assert.match(run(['check', '--jobs', '2', '--config', path.join(tmp, 'pairs.json'), ...files]).out, /my_obj_get\(\)/);
  const missing = run(['check', '--jobs', '2', example, path.join(tmp, 'no-such.patch')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /cannot read .*no-such\.patch/);
  for (const bad of ['0', '257', 'many']) assert.equal(run(['check', '--jobs', bad, example]).code, 2, bad);
  assert.equal(run(['check', '--jobs', 'auto', example]).code, 1);
});
