/** Emacs 28 with eglot (Debian's), in batch mode, configured with the README's snippet, shows the findings. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readmeBlock, repoRoot, seedsSkip, staleCallSeed } from '../test/helpers';
import { missing } from './setup';

/** The configuration the README gives, pointed at this checkout's server. */
function readmeSnippet(cli: string): string {
  const block = readmeBlock('elisp', 'eglot-server-programs');
  const command = '("mm-review" "lsp" "--stdio")';
  assert.ok(block.includes(command));
  return block.replace(command, `("${process.execPath}" "${cli}" "lsp" "--stdio")`);
}

for (const ext of ['.patch', '.mbox', '.eml', '.txt']) {
  test(`Emacs (eglot), configured as the README says, shows the diagnostics for a patch saved as ${ext}`, async (t) => {
    const elpa = '/usr/share/emacs/site-lisp/elpa';
    const skip =
      seedsSkip() || missing(['emacs'], () => fs.existsSync(elpa) && fs.readdirSync(elpa).some((d) => d.startsWith('eglot')), 'eglot (Debian elpa-eglot)');
    if (skip) return t.skip(skip);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-emacs-'));
    const patch = path.join(dir, `stale-call${ext}`);
    fs.writeFileSync(patch, staleCallSeed());
    const out = path.join(dir, 'diagnostics.txt');
    fs.writeFileSync(
      path.join(dir, 'check.el'),
      `;; Batch Emacs does not initialise packages: put Debian's ELPA folders on the load path.
  (dolist (d (directory-files "${elpa}" t "^[a-z]")) (add-to-list 'load-path d))
  (require 'eglot)
  ${readmeSnippet(path.join(repoRoot, 'dist', 'cli.js'))}
  (setq eglot-sync-connect t)
  (find-file "${patch}")
  ;; eglot-ensure connects from the command loop, which batch mode lacks.
  (unless (eglot-managed-p) (apply #'eglot (eglot--guess-contact)))
  (let ((deadline (+ (float-time) 30)))
    (while (and (< (float-time) deadline) (null (flymake-diagnostics)))
      (accept-process-output nil 0.2)))
  (let ((lines (mapcar (lambda (d) (format "%d:%s:%s\\n" (line-number-at-pos (flymake-diagnostic-beg d)) (flymake-diagnostic-type d) (flymake-diagnostic-text d)))
                       (sort (flymake-diagnostics) (lambda (a b) (< (flymake-diagnostic-beg a) (flymake-diagnostic-beg b)))))))
    (with-temp-file "${out}" (apply #'insert lines)))
  (kill-emacs 0)
  `,
    );
    const r = spawnSync('emacs', ['--batch', '-Q', '-l', path.join(dir, 'check.el')], { encoding: 'utf8', timeout: 90_000 });
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    const got = fs.readFileSync(out, 'utf8').trim().split('\n');
    assert.deepEqual(
      got.map((l) => l.split(':').slice(0, 2).join(':')),
      ['135:eglot-note', '241:eglot-error', '264:eglot-note'],
    );
    assert.match(got[1], /\[prototype-mismatch\]: `vmemmap_populate\(\)` is called with 4 arguments/);
  });
}
