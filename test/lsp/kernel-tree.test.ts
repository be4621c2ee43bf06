/**
 * The language server with a kernel tree: the workspace folder is one (MAINTAINERS, Kconfig, mm/, arch/),
 * so it is used by default; its search runs in the background with progress, and the document is checked
 * again when it is done. The `kernelTree` setting turns it off.
 */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { lineOf, repoRoot } from '../helpers';
import { files, frobPatch } from '../tree/frob-fixture';
import { editMail, widget } from '../tree/whole-fixture';
import { LspTestClient } from './client';

const server = path.join(repoRoot, 'dist', 'server.js');
const clients: LspTestClient[] = [];
after(() => Promise.all(clients.map((c) => c.stop())));

/** A directory that looks like a Linux tree, holding the frob fixture. */
function writeTree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-kernel-'));
  fs.writeFileSync(path.join(root, 'MAINTAINERS'), 'FROB\nM:\tA Maintainer <m@example.org>\n');
  fs.writeFileSync(path.join(root, 'Kconfig'), 'mainmenu "test"\n');
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  // A symlink leaving the tree is not followed.
  fs.symlinkSync(os.tmpdir(), path.join(root, 'mm', 'outside'));
  return root;
}

async function start(root: string, initializationOptions?: unknown): Promise<LspTestClient> {
  const client = new LspTestClient(process.execPath, [server, '--stdio']);
  clients.push(client);
  await client.initialize({ workspaceFolders: [pathToFileURL(root).href], initializationOptions });
  return client;
}

/** The frob patch opened in `root`: checked without the tree, and no search begun. */
async function assertNotSearched(client: LspTestClient, root: string): Promise<void> {
  const uri = pathToFileURL(path.join(root, 'frob.patch')).href;
  const first = client.diagnostics(uri);
  await client.open(uri, frobPatch(), 'mm-mail');
  assert.deepEqual(
    (await first).diagnostics.filter((d) => d.severity === 1).map((d) => d.message),
    [],
  );
  // A search would have begun its own progress before the analysis ended; give its notification time to
  // arrive. (A slow machine may still show progress for the review itself: that is not a search.)
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(
    client.progress.filter((p) => p.value.kind === 'begin' && /searching the kernel tree/.test(p.value.message ?? '')),
    [],
  );
  assert.equal(client.published.filter((p) => p.uri === uri).length, 1, 'no second check, as a finished search would cause');
}

test('the workspace folder is a kernel tree: the forgotten sites arrive once the background search is done, with progress', async () => {
  const root = writeTree();
  const client = await start(root);
  const uri = pathToFileURL(path.join(root, 'frob.patch')).href;
  const withTree = client.diagnostics(uri, (p) => p.diagnostics.some((d) => String(d.message).includes('still')));
  await client.open(uri, frobPatch(), 'mm-mail');
  const published = await withTree;
  const errors = published.diagnostics.filter((d) => d.severity === 1);
  assert.deepEqual(
    errors.map((d) => String(d.message).split(';')[0]),
    ['arch/beta/mm/frob.c:4 still defines `frob_range()` with 2 parameters', 'mm/user.c:10 still calls `frob_range()` with 2 arguments'],
  );
  const related = errors[0].relatedInformation?.[0];
  assert.equal(related?.location.uri, pathToFileURL(path.join(fs.realpathSync(root), 'arch/beta/mm/frob.c')).href);
  assert.equal(related?.location.range.start.line, 3);
  assert.ok(client.progressCreated.length > 0, 'the search showed progress');
  // The progress token is created by a round trip to the client: its end may follow the diagnostics.
  for (let i = 0; i < 100 && !client.progress.some((p) => (p.value as { kind?: string }).kind === 'end'); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(
    client.progress.some((p) => (p.value as { kind?: string }).kind === 'end'),
    `and ended it: ${JSON.stringify(client.progress)}`,
  );
  assert.ok(
    client.progress.some((p) => p.value.kind === 'begin' && /searching the kernel tree/.test(p.value.message ?? '')),
    'the progress names the search',
  );
});

test('a lock taken above the hunk and kept by a return the patch adds: reported on the return, the lock linked into the tree', async () => {
  const root = writeTree();
  fs.writeFileSync(path.join(root, 'mm', 'widget.c'), widget);
  const client = await start(root);
  const uri = pathToFileURL(path.join(root, 'widget.patch')).href;
  const doc = editMail('widget: refuse a widget with no buffer', [
    { path: 'mm/widget.c', text: widget, edits: [{ after: 26, add: ['\tif (!w->buf)', '\t\treturn -EINVAL;'] }] },
  ]);
  const found = client.diagnostics(uri, (p) => p.diagnostics.some((d) => d.code === 'unbalanced-counter'));
  await client.open(uri, doc, 'mm-mail');
  const d = (await found).diagnostics.find((x) => x.code === 'unbalanced-counter')!;
  const ret = lineOf(doc, '+\t\treturn -EINVAL;');
  assert.equal(d.range.start.line + 1, ret);
  assert.equal(d.message, `on the path returning at line ${ret}, \`mutex_lock()\` from mm/widget.c:21 is never released`);
  assert.equal(d.relatedInformation?.[0].location.uri, pathToFileURL(path.join(fs.realpathSync(root), 'mm/widget.c')).href);
  assert.equal(d.relatedInformation?.[0].location.range.start.line, 20);
});

test('a tree file edited in place (no revision shows it): the editor tells the server, and the new call is found', async () => {
  const root = writeTree();
  const client = await start(root);
  const uri = pathToFileURL(path.join(root, 'frob3.patch')).href;
  const sites = (p: { diagnostics: { message: unknown }[] }): string[] =>
    p.diagnostics.map((d) => String(d.message).split(' still')[0]).filter((m) => /:\d+$/.test(m));
  const first = client.diagnostics(uri, (p) => sites(p).length > 0);
  await client.open(uri, frobPatch(), 'mm-mail');
  assert.deepEqual(sites(await first), ['arch/beta/mm/frob.c:4', 'mm/user.c:10']);
  // The tree's C files are watched, under the tree only, once a document uses it (the folder's own config
  // file is watched from the start).
  assert.deepEqual(
    client.registrations.map((r) => r.registerOptions),
    [{ watchers: [{ globPattern: `${root}/.mm-review.json` }] }, { watchers: [{ globPattern: `${root}/**/*.{c,h}` }] }],
  );
  // A call added to a file no search found before; no directory's modification time changes.
  const edited = path.join(root, 'mm', 'unrelated.c');
  fs.writeFileSync(edited, 'int frobnicate(void) { return frob_range(0, 4096); }\n');
  const again = client.diagnostics(uri, (p) => sites(p).length === 3);
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(edited).href, type: 2 }] });
  assert.deepEqual(sites(await again), ['arch/beta/mm/frob.c:4', 'mm/unrelated.c:1', 'mm/user.c:10']);
});

test('kernelTree "off": no tree, nothing about the sites outside the series', async () => {
  const root = writeTree();
  const client = await start(root);
  client.settings = { kernelTree: 'off' };
  const uri = pathToFileURL(path.join(root, 'frob2.patch')).href;
  const first = client.diagnostics(uri);
  await client.open(uri, frobPatch(), 'mm-mail');
  assert.deepEqual(
    (await first).diagnostics.filter((d) => d.severity === 1).map((d) => d.message),
    [],
  );
});

test('a folder that is not a kernel tree is not searched', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mmr-notkernel-'));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  await assertNotSearched(await start(root), root);
});

test('an untrusted workspace that is a kernel tree is not searched (VS Code says so at start; its tree is not trusted)', async () => {
  const root = writeTree();
  await assertNotSearched(await start(root, { workspaceTrusted: false }), root);
});
