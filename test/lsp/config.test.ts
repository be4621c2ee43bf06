/** The pair table a workspace extends: `.mm-review.json` at a folder's root and the `pairs` setting, over stdio. */
import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { customPairConfig, customPairPatch, repoRoot } from '../helpers';
import { errorsOf, LspTestClient } from './client';

const server = path.join(repoRoot, 'dist', 'server.js');
const clients: LspTestClient[] = [];
after(() => Promise.all(clients.map((c) => c.stop())));

/** A workspace folder holding the patch and, if given, a .mm-review.json; a server started on it. */
async function workspace(config: unknown, initializationOptions?: unknown): Promise<{ client: LspTestClient; dir: string; uri: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-ws-'));
  fs.writeFileSync(path.join(dir, 'bind.patch'), customPairPatch());
  if (config !== undefined) fs.writeFileSync(path.join(dir, '.mm-review.json'), typeof config === 'string' ? config : JSON.stringify(config));
  const client = new LspTestClient(process.execPath, [server, '--stdio']);
  clients.push(client);
  await client.initialize({ workspaceFolders: [pathToFileURL(dir).href], initializationOptions });
  return { client, dir, uri: pathToFileURL(path.join(dir, 'bind.patch')).href };
}

const leakOf = (diagnostics: { code?: unknown; message: unknown }[]): unknown[] =>
  diagnostics.filter((d) => d.code === 'unbalanced-counter').map((d) => d.message);

test("the workspace folder's .mm-review.json extends the table; editing it re-checks", async () => {
  const { client, dir, uri } = await workspace(customPairConfig);
  const ready = client.diagnostics(uri);
  await client.open(uri, customPairPatch());
  assert.deepEqual(leakOf(errorsOf(await ready)), ['on the path returning at line 16, `my_obj_get()` from line 13 is never released']);
  // Only the file itself at the folder's root: a `**` glob makes some clients walk the whole folder. No
  // kernel tree here, so no C files are watched.
  assert.deepEqual(
    client.registrations.map((r) => [r.method, r.registerOptions]),
    [['workspace/didChangeWatchedFiles', { watchers: [{ globPattern: `${dir}/.mm-review.json` }] }]],
  );
  fs.writeFileSync(path.join(dir, '.mm-review.json'), '{}');
  const cleared = client.diagnostics(uri, (p) => errorsOf(p).length === 0);
  await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
    changes: [{ uri: pathToFileURL(path.join(dir, '.mm-review.json')).href, type: 2 }],
  });
  await cleared;
});

test('the pairs setting extends the table too', async () => {
  const { client, uri } = await workspace(undefined);
  let ready = client.diagnostics(uri);
  await client.open(uri, customPairPatch());
  assert.deepEqual(errorsOf(await ready), []);
  client.settings = { pairs: customPairConfig.pairs };
  ready = client.diagnostics(uri, (p) => errorsOf(p).length === 1);
  await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  assert.equal(leakOf(errorsOf(await ready)).length, 1);
});

test('an untrusted workspace: its .mm-review.json is not read', async () => {
  const { client, uri } = await workspace(customPairConfig, { workspaceTrusted: false });
  const ready = client.diagnostics(uri);
  await client.open(uri, customPairPatch());
  assert.deepEqual(errorsOf(await ready), []);
});

test('a wrong entry is left out and the user is told which', async () => {
  const { client, uri } = await workspace({ pairs: [{ id: 'my_obj', kind: 'reference', acquire: ['my_obj_get'], release: ['my_obj_put'] }] });
  const ready = client.diagnostics(uri);
  await client.open(uri, customPairPatch());
  assert.deepEqual(errorsOf(await ready), []);
  assert.equal(client.messages.length, 1);
  assert.equal(client.messages[0].type, 2, 'a warning');
  assert.match(client.messages[0].message, /\.mm-review\.json: pairs\[0\]\.kind must be one of ref, counter, lock, alloc/);
});
