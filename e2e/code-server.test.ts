/**
 * VS Code itself (code-server, VS Code 1.139) with the packaged .vsix, driven by Playwright in Debian's
 * Chromium: open a patch, the Problems panel lists the finding, hovering the squiggle shows the
 * explanation, the rule link opens the rule's documentation, the quick fix is previewed and applied; a mail
 * saved as text is reviewed; the lens opens the model panel, whose picture is checked by its pixels and
 * whose form runs the model again. Screenshots land in test-artifacts/; the README's are copied from them.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';
import { readSeed, repoRoot, seedsSkip, staleCallSeed } from '../test/helpers';
import { artifactsDir, codeServer, missing, node24 } from './setup';

const CODE_SERVER = 'code-server@4.139.1';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, ms: number, log: () => string): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      await fetch(url, { redirect: 'manual' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(`code-server did not answer at ${url}: ${log()}`);
}

/** The first frame of the page (webviews are frames in frames) where `find` finds something. */
async function frameWhere(page: Page, find: (f: Frame) => Locator, what: string, timeoutMs: number): Promise<Frame> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames())
      if (
        (await find(frame)
          .count()
          .catch(() => 0)) > 0
      )
        return frame;
    if (Date.now() > until) throw new Error(`no frame shows ${what}`);
    await page.waitForTimeout(250);
  }
}

/** Pixels of a PNG that read as green and as yellow, decoded by the browser itself (a page of its own). */
async function colourCounts(browser: Browser, png: Buffer): Promise<{ green: number; yellow: number; total: number }> {
  const page = await browser.newPage();
  try {
    // Browser code as text: the tests compile without the DOM's types.
    const decode = `(async () => {
      const img = new Image();
      img.src = 'data:image/png;base64,${png.toString('base64')}';
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const g = canvas.getContext('2d');
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, img.width, img.height).data;
      let green = 0, yellow = 0;
      for (let i = 0; i < d.length; i += 4) {
        const r = d[i], gr = d[i + 1], b = d[i + 2];
        if (gr > r + 30 && gr > b + 10 && gr > 90) green++;
        if (r > 150 && gr > 110 && b < 90 && Math.abs(r - gr) < 90) yellow++;
      }
      return { green, yellow, total: d.length / 4 };
    })()`;
    return (await page.evaluate(decode)) as { green: number; yellow: number; total: number };
  } finally {
    await page.close();
  }
}

test('VS Code: Problems lists the finding, the hover explains it, the rule link opens its doc', { timeout: 1_500_000 }, async (t) => {
  const libs = ['krb5', 'x11', 'xkbfile', 'libsecret-1'];
  const skip =
    seedsSkip() ||
    missing(['chromium', 'pkg-config'], () => spawnSync('pkg-config', ['--exists', ...libs]).status === 0, 'the libraries code-server needs') ||
    missing([], () => !!node24() && !!codeServer(), `Node 24 and ${CODE_SERVER} in .cache/editors`);
  if (skip) return t.skip(skip);
  // Node 24 first on the PATH: what code-server runs on.
  const env = { ...process.env, PATH: `${path.join(node24()!, 'bin')}:${process.env.PATH}` };
  const cs = codeServer()!;

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-vscode-'));
  const [data, exts, ws, xdg] = ['data', 'extensions', 'workspace', 'xdg'].map((d) => path.join(work, d));
  for (const d of [path.join(data, 'User'), exts, ws, xdg]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(
    path.join(data, 'User', 'settings.json'),
    JSON.stringify({ 'security.workspace.trust.enabled': false, 'workbench.startupEditor': 'none', 'chat.disableAIFeatures': true }),
  );
  fs.writeFileSync(path.join(ws, 'stale-call.patch'), staleCallSeed());
  // The same mail saved as text, as most people save a list message, and a text file that is no patch.
  fs.writeFileSync(path.join(ws, 'stale-call.txt'), staleCallSeed());
  fs.writeFileSync(path.join(ws, 'notes.txt'), 'Thanks, applied to mm-unstable.\n\nAndrew\n');
  // A message a model reaches a finding on: its lens opens the model panel.
  const purgeable = readSeed('004');
  fs.writeFileSync(path.join(ws, 'purgeable.mbox'), purgeable);

  const vsix = path.join(work, 'mm-review.vsix');
  execFileSync(
    path.join(repoRoot, 'node_modules', '.bin', 'vsce'),
    ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix],
    { cwd: repoRoot, stdio: 'pipe' },
  );
  const csEnv = { ...env, XDG_CONFIG_HOME: xdg };
  execFileSync(cs, ['--user-data-dir', data, '--extensions-dir', exts, '--install-extension', vsix], { env: csEnv, stdio: 'pipe', timeout: 120_000 });

  const port = await freePort();
  let log = '';
  const server: ChildProcess = spawn(
    cs,
    [
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      '--user-data-dir',
      data,
      '--extensions-dir',
      exts,
      ws,
    ],
    { env: csEnv, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout?.on('data', (d: Buffer) => (log += d));
  server.stderr?.on('data', (d: Buffer) => (log += d));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  fs.mkdirSync(artifactsDir, { recursive: true });
  fs.rmSync(path.join(artifactsDir, 'code-server-failure.png'), { force: true });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, 60_000, () => log);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 120_000 });
    // Opened from the Explorer, the file keeps VS Code's own Diff language.
    await page.locator('.explorer-folders-view').getByText('stale-call.patch').dblclick({ timeout: 60_000 });
    await page.waitForSelector('.monaco-editor .view-lines', { timeout: 60_000 });
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel').getByText('is called with 4 arguments').first();
    await problem.waitFor({ timeout: 120_000 });
    assert.equal((await page.locator('.markers-panel').getByText('prototype-mismatch').count()) > 0, true);
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.keyboard.type('241');
    await page.keyboard.press('Enter');
    const squiggle = page.locator('.monaco-editor .squiggly-error').first();
    await squiggle.waitFor({ timeout: 30_000 });
    const hover = page.locator('.monaco-hover').filter({ hasText: 'after:' }).first();
    // The editor scrolls to the line after Go to Line: wait until the squiggle stops moving, then move
    // onto it in steps (Monaco shows hovers on mouse movement), and again if the first try is early.
    for (let attempt = 0; ; attempt++) {
      let box = await squiggle.boundingBox();
      for (let settle = 0; settle < 20; settle++) {
        await page.waitForTimeout(150);
        const again = await squiggle.boundingBox();
        if (box && again && again.x === box.x && again.y === box.y) break;
        box = again;
      }
      assert.ok(box);
      await page.mouse.move(box.x + 2, box.y - 30);
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2 - 2, { steps: 8 });
      try {
        await hover.waitFor({ state: 'visible', timeout: 10_000 });
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    const text = await hover.innerText();
    assert.match(text, /is called with 4 arguments/);
    // A short hover ends in a link to the rule's documentation.
    assert.match(text, /Rule documentation \(prototype-mismatch\)/);
    assert.match(text, /before:\s*vmemmap_populate\(unsigned long start, unsigned long end, int node, struct vmem_altmap \*altmap\)/);
    assert.match(await page.locator('.statusbar').innerText(), /mm-review\s*\S*\s*1\s*\S*\s*0\s*\S*\s*2/);
    await page.screenshot({ path: path.join(artifactsDir, 'code-server-hover.png') });
    // A contributed command, from the Command Palette.
    const review = async (): Promise<void> => {
      await page.mouse.move(5, 5);
      await page.locator('.monaco-editor .view-lines').first().click();
      await page.keyboard.press('F1');
      await page.keyboard.type('mm-review: Review current file');
      await page.locator('.quick-input-list').getByText('Review current file').first().waitFor({ timeout: 30_000 });
      await page.keyboard.press('Enter');
    };
    await review();
    await page.locator('.notifications-toasts').getByText('mm-review: 1 error, 2 information in 1 patch').waitFor({ timeout: 30_000 });
    // The review reply: composed beside the patch, the finding's comment under its quoted line; then
    // closed unsaved (reverted), as a reviewer who sends it from their mail client would.
    await page.keyboard.press('F1');
    await page.keyboard.type('mm-review: Compose review reply');
    await page.locator('.quick-input-list').getByText('Compose review reply').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    // An untitled document's tab is named after its first line.
    await page.locator('.tabs-container .tab.active').filter({ hasText: 'To: Muchun Song' }).first().waitFor({ timeout: 30_000 });
    await page.locator('.statusbar').getByText('Review reply (mm-review)').first().waitFor({ timeout: 30_000 });
    const replyLine = (text: string) => page.locator('.monaco-editor .view-line').filter({ hasText: text }).first();
    await replyLine('Subject: Re: [PATCH 04/49]').waitFor({ timeout: 30_000 });
    // The editor draws only the lines in view: go to the comment's line (where the command line puts it).
    const composed = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'reply', path.join(ws, 'stale-call.patch')], {
      encoding: 'utf8',
    }).stdout.split('\n');
    const commentAt = composed.findIndex((l) => l.startsWith('vmemmap_populate() is called with 4 arguments'));
    assert.ok(commentAt > 0 && composed[commentAt - 2] === '> + vmemmap_populate(start, end, nid, NULL);', 'the comment under the stale call');
    await page.keyboard.press('Control+G');
    await page.keyboard.type(String(commentAt + 1));
    await page.keyboard.press('Enter');
    await replyLine('vmemmap_populate() is called with 4 arguments').waitFor({ timeout: 30_000 });
    await replyLine('> + vmemmap_populate(start, end, nid, NULL);').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(artifactsDir, 'code-server-reply.png') });
    await page.keyboard.press('F1');
    await page.keyboard.type('View: Revert and Close Editor');
    await page.locator('.quick-input-list').getByText('Revert and Close Editor').first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab').filter({ hasText: 'To: Muchun Song' }).first().waitFor({ state: 'detached', timeout: 30_000 });
    // The rule id in the Problems panel links to the rule's documentation, served by the extension.
    await page.mouse.move(5, 5);
    await page.locator('.markers-panel a').filter({ hasText: 'prototype-mismatch' }).first().click();
    // It opens in the markdown preview (a webview: its text is in a frame of the page), not as raw text.
    await page.locator('.tabs-container .tab').filter({ hasText: 'Preview prototype-mismatch' }).first().waitFor({ timeout: 30_000 });
    await frameWhere(page, (f) => f.getByText('When a series changes a function'), 'the rule documentation', 30_000);
    assert.equal(
      await page
        .locator('.tabs-container .tab')
        .filter({ hasText: /^prototype-mismatch\.md/ })
        .count(),
      0,
      'no raw-text tab left open',
    );
    await page.screenshot({ path: path.join(artifactsDir, 'code-server-rule-doc.png') });
    // The quick fix on the stale call: previewed (Ctrl+Enter in the quick-fix menu opens Refactor Preview),
    // then applied; the error goes and nothing new comes (the status bar's counts).
    await page.locator('.tabs-container .tab').filter({ hasText: 'stale-call.patch' }).first().click();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.keyboard.type('241');
    await page.keyboard.press('Enter');
    // The cursor inside the squiggle: the code actions are asked for where it is.
    await page.waitForTimeout(500);
    const at = await squiggle.boundingBox();
    assert.ok(at, 'the squiggle is shown');
    await page.mouse.click(at.x + at.width / 2, at.y + at.height / 2 - 4);
    await page.keyboard.press('Control+.');
    const fix = page.locator('.action-widget').getByText('Pass `NULL` for `pgmap`').first();
    await fix.waitFor({ timeout: 30_000 });
    // Beside the fix: the finding into the review reply.
    assert.equal(await page.locator('.action-widget').getByText('Add to reply: prototype-mismatch').count(), 1);
    await fix.hover();
    await page.keyboard.press('Control+Enter');
    await page.locator('.panel .composite-bar').getByText('Refactor Preview').first().waitFor({ timeout: 30_000 });
    const apply = page.getByRole('button', { name: 'Apply', exact: true }).first();
    await apply.waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(artifactsDir, 'code-server-quick-fix-preview.png') });
    await apply.click();
    // Browser code as text: the tests compile without the DOM's types.
    const counted = String.raw`/mm-review\s*\S*\s*0\s*\S*\s*0\s*\S*\s*2/.test(document.querySelector('.statusbar')?.innerText ?? '')`;
    await page.waitForFunction(counted, undefined, { timeout: 60_000 });
    // (The Problems list can keep drawing the old group for a moment; the counts above are the server's.)
    // Line 241 now reads as line 249 always did: two such lines on screen.
    assert.equal(await page.locator('.monaco-editor .view-line').filter({ hasText: '+ vmemmap_populate(start, end, nid, NULL, NULL);' }).count(), 2);
    await page.keyboard.press('Control+S');
    // A mail saved as .txt opens as plain text and is reviewed all the same; other text is left alone.
    await page.locator('.explorer-folders-view').getByText('stale-call.txt').dblclick({ timeout: 60_000 });
    await page.locator('.tabs-container .tab.active').filter({ hasText: 'stale-call.txt' }).waitFor({ timeout: 30_000 });
    await page.locator('.markers-panel').getByText('stale-call.txt').first().waitFor({ timeout: 120_000 });
    await review();
    await page.locator('.notifications-toasts').getByText('mm-review: 1 error, 2 information in 1 patch').nth(0).waitFor({ timeout: 30_000 });
    assert.match(await page.locator('.statusbar').innerText(), /mm-review\s*\S*\s*1\s*\S*\s*0\s*\S*\s*2/);
    await page.locator('.explorer-folders-view').getByText('notes.txt').dblclick({ timeout: 60_000 });
    await page.locator('.tabs-container .tab.active').filter({ hasText: 'notes.txt' }).waitFor({ timeout: 30_000 });
    await review();
    await page.locator('.notifications-toasts').getByText('mm-review: no patch or C code found in this document').waitFor({ timeout: 30_000 });
    assert.doesNotMatch(await page.locator('.statusbar').innerText(), /mm-review/);
    await page.screenshot({ path: path.join(artifactsDir, 'code-server-text.png') });

    // The model panel: the lens above the BO model's finding opens it beside the mail, its picture drawn in
    // the editor's theme colours.
    await page.locator('.explorer-folders-view').getByText('purgeable.mbox').dblclick({ timeout: 60_000 });
    await page.locator('.tabs-container .tab.active').filter({ hasText: 'purgeable.mbox' }).waitFor({ timeout: 30_000 });
    await page.locator('.markers-panel').getByText('xe-bo-purgeability').first().waitFor({ timeout: 120_000 });
    const noteLine = purgeable.split('\n').findIndex((l) => l.includes('if (vmas[i]->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED) {')) + 1;
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.keyboard.type(String(noteLine));
    await page.keyboard.press('Enter');
    const lens = page.locator('.codelens-decoration a').filter({ hasText: 'Show model (bo-purgeability)' }).first();
    await lens.waitFor({ timeout: 60_000 });
    await lens.click();
    await page.locator('.tabs-container .tab').filter({ hasText: 'BO purgeability model' }).first().waitFor({ timeout: 30_000 });
    const panel = await frameWhere(page, (f) => f.locator('svg[role="img"]'), 'the model picture', 30_000);
    const picture = panel.locator('svg[role="img"]').first();
    assert.ok((await panel.locator('g.step').count()) >= 2, 'a row per event');
    await page.waitForTimeout(500);
    const png = await picture.screenshot({ path: path.join(artifactsDir, 'code-server-model-panel.png') });
    await page.screenshot({ path: path.join(artifactsDir, 'code-server-model.png') });
    // Its pixels: the states drawn in the theme's colours (green for WILLNEED, yellow for DONTNEED).
    const counts = await colourCounts(browser, png);
    assert.ok(counts.green > 200 && counts.yellow > 200, `green and yellow pixels: ${JSON.stringify(counts)}`);
    // Its parameters: a shorter bound, run again in place on the same mail.
    await panel.locator('input[name="bound"]').fill('4');
    await panel.getByRole('button', { name: 'Run bo-purgeability' }).click();
    const rerun = await frameWhere(page, (f) => f.locator('h1').filter({ hasText: 'bo-purgeability (bound=4)' }), 'the model run again', 60_000);
    await rerun.getByText('up to 4 events').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(artifactsDir, 'code-server-model-rerun.png') });
    // "Add to reply" from the quick-fix menu on the model's finding: a reply to the xe patch opens with it.
    await page.locator('.tabs-container .tab').filter({ hasText: 'purgeable.mbox' }).first().click();
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+G');
    await page.keyboard.type(String(noteLine));
    await page.keyboard.press('Enter');
    await page.keyboard.press('End');
    await page.keyboard.press('Control+.');
    const addToReply = page.locator('.action-widget').getByText('Add to reply: xe-bo-purgeability').first();
    await addToReply.waitFor({ timeout: 30_000 });
    await addToReply.click();
    await page.locator('.tabs-container .tab.active').filter({ hasText: /^To: / }).first().waitFor({ timeout: 30_000 });
    await page.locator('.statusbar').getByText('Review reply (mm-review)').first().waitFor({ timeout: 30_000 });
    await page.locator('.monaco-editor .view-line').filter({ hasText: 'Subject: Re: ' }).first().waitFor({ timeout: 30_000 });
    // The README shows this run's pictures.
    for (const [shot, image] of [
      ['code-server-hover.png', 'hover.png'],
      ['code-server-quick-fix-preview.png', 'quick-fix-preview.png'],
      ['code-server-model.png', 'model-panel.png'],
      ['code-server-model-rerun.png', 'model-panel-rerun.png'],
      ['code-server-reply.png', 'reply.png'],
    ])
      fs.copyFileSync(path.join(artifactsDir, shot), path.join(repoRoot, 'docs', 'images', image));
  } catch (e) {
    for (const p of browser.contexts().flatMap((c) => c.pages()))
      await p.screenshot({ path: path.join(artifactsDir, 'code-server-failure.png') }).catch(() => undefined);
    throw e;
  } finally {
    await browser.close();
    server.kill();
  }
});
