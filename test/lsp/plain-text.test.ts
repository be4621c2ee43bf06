/**
 * Plain text is reviewed when it holds a patch or C (a list message saved as .txt), in any editor's
 * language id for text; other text is left alone: nothing published but an empty set, no "nothing to
 * review" note on a README, and the review request says the document holds no patch.
 */
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { doc, repoRoot } from '../helpers';
import { errorsOf, LspTestClient } from './client';

const STALE = doc`
  |From: A Developer <dev@example.org>
  |Subject: [PATCH] mm: pass a node
  |
  |diff --git a/include/linux/frob.h b/include/linux/frob.h
  |--- a/include/linux/frob.h
  |+++ b/include/linux/frob.h
  |@@ -1,3 +1,3 @@
  | #include <linux/types.h>
  |-int frob_range(unsigned long start, unsigned long end);
  |+int frob_range(unsigned long start, unsigned long end, int nid);
  | int frob_all(void);
  |diff --git a/mm/frob.c b/mm/frob.c
  |--- a/mm/frob.c
  |+++ b/mm/frob.c
  |@@ -10,4 +10,5 @@ int frob_all(void)
  | {
  | 	int err;
  |+	err = frob_range(0, 4096);
  | 	return err;
  | }
`;
const PROSE = 'Thanks, applied to mm-unstable.\n\nAndrew\n';

let client: LspTestClient;
const statuses: { uri: string; reviewed: boolean }[] = [];
before(async () => {
  client = new LspTestClient(process.execPath, [path.join(repoRoot, 'dist', 'server.js'), '--stdio']);
  client.connection.onNotification('mmReview/status', (p: { uri: string; reviewed: boolean }) => void statuses.push(p));
  await client.initialize();
});
after(() => client.stop());

for (const languageId of ['plaintext', 'text']) {
  test(`a mail saved as text (${languageId}) is reviewed; a note that is no patch is left alone`, async () => {
    const mail = `file:///tmp/mm-review-text/${languageId}/message.txt`;
    const ready = client.diagnostics(mail);
    await client.open(mail, STALE, languageId);
    const published = await ready;
    assert.deepEqual(
      errorsOf(published).map((d) => [d.range.start.line + 1, d.code]),
      [[18, 'prototype-mismatch']],
    );
    const review = (await client.connection.sendRequest('mmReview/review', { uri: mail })) as { reviewed: boolean; patches: number };
    assert.deepEqual([review.reviewed, review.patches], [true, 1]);

    const note = `file:///tmp/mm-review-text/${languageId}/notes.txt`;
    const empty = client.diagnostics(note);
    await client.open(note, PROSE, languageId);
    assert.deepEqual((await empty).diagnostics, [], 'no "nothing to review" note on text that is not a patch');
    const r = (await client.connection.sendRequest('mmReview/review', { uri: note })) as { reviewed: boolean; findings: number };
    assert.deepEqual([r.reviewed, r.findings], [false, 0]);
    assert.equal(await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: note }, position: { line: 0, character: 2 } }), null);
    // The status notification follows the diagnostics: wait for both documents' (the extension's status bar reads it).
    const last = (uri: string): boolean | undefined => statuses.filter((st) => st.uri === uri).pop()?.reviewed;
    for (let i = 0; i < 100 && (last(mail) === undefined || last(note) === undefined); i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual([last(mail), last(note)], [true, false]);
  });
}

test('a patch file with nothing to review says so (it is a patch language)', async () => {
  const uri = 'file:///tmp/mm-review-text/empty.patch';
  const ready = client.diagnostics(uri);
  await client.open(uri, PROSE, 'diff');
  assert.deepEqual(
    (await ready).diagnostics.map((d) => d.message),
    ['no patch or C code found in this document; nothing was reviewed'],
  );
});
