/** The real-patch corpus manifest: what the benchmark needs of every entry, and the sizes the issue asks for. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CorpusManifest } from '../../bench/corpus-score';
import { repoRoot } from '../helpers';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'corpus/manifest.json'), 'utf8')) as CorpusManifest;

test('at least 40 real patches, at least 15 of them bug introducers, every id unique', () => {
  assert.ok(manifest.patches.length >= 40, `${manifest.patches.length} patches`);
  assert.ok(manifest.patches.filter((p) => p.role === 'introducer').length >= 15);
  const ids = manifest.patches.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
});

test('every entry names its archive, commit and message id; every introducer its fix and its bug sites', () => {
  for (const p of manifest.patches) {
    assert.match(p.id, /^[a-z0-9]+(?:-[a-z0-9]+)*$/, p.id);
    assert.ok(manifest.archives.includes(p.archive), `${p.id}: archive ${p.archive} is listed`);
    assert.match(p.commit, /^[0-9a-f]{40}$/, p.id);
    assert.ok(p.messageId.includes('@') || p.messageId.length > 20, `${p.id}: a message id`);
    assert.ok(['introducer', 'good'].includes(p.role), p.id);
    if (p.role === 'introducer') {
      assert.ok(p.fixedBy && /^[0-9a-f]{40}$/.test(p.fixedBy.commit) && p.fixedBy.subject.length > 0, `${p.id}: the fix`);
      assert.ok(p.bug && p.bug.what.length > 0 && p.bug.sites.length > 0, `${p.id}: the bug`);
      for (const s of p.bug.sites) assert.ok(/^[A-Za-z_]\w*$/.test(s.function) && s.lines.length > 0, `${p.id}: a site`);
    } else assert.equal(p.bug, undefined, `${p.id}: a good patch has no bug`);
  }
});

test('no mail is stored in the repository: the corpus folder holds the manifest only', () => {
  assert.deepEqual(fs.readdirSync(path.join(repoRoot, 'corpus')), ['manifest.json']);
});
