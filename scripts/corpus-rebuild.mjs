#!/usr/bin/env node
// Rebuilds the real-patch corpus (corpus/manifest.json) into .cache/corpus/<id>.eml from local mirrors of the
// public-inbox archives it names. No mail is stored in the repository; this copies each one out of its archive.
//
//   node scripts/corpus-rebuild.mjs [--mirrors DIR] [--out DIR]
//
// DIR (default $MM_REVIEW_CORPUS_MIRRORS, else .cache/mirrors) holds one git directory per archive, named
// `owner+name` (optionally with a `repo/` inside) or `owner/name`, e.g. a bare clone made with
//   git clone --bare https://github.com/linux-mailinglist-archives/linux-spi.vger.kernel.org.0 \
//     .cache/mirrors/linux-mailinglist-archives+linux-spi.vger.kernel.org.0
// Git runs with no configuration of the mirror's own and no hooks, pager or filters (the archives are
// other people's repositories). Each mail's Message-ID is checked against the manifest.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const mirrors = resolve(option('--mirrors', process.env.MM_REVIEW_CORPUS_MIRRORS ?? join(root, '.cache/mirrors')));
const out = resolve(option('--out', join(root, '.cache/corpus')));
const manifest = JSON.parse(readFileSync(join(root, 'corpus/manifest.json'), 'utf8'));

/** The git directory of an archive's mirror, or null. */
function mirrorOf(archive) {
  const [owner, name] = archive.split('/');
  for (const dir of [
    `${owner}+${name}/repo`,
    `${owner}+${name}`,
    `${owner}+${name}.git`,
    `${owner}/${name}`,
    `${owner}/${name}.git`,
    `${name}`,
    `${name}.git`,
  ]) {
    const p = join(mirrors, dir);
    if (existsSync(join(p, 'HEAD')) && existsSync(join(p, 'objects'))) return p;
    if (existsSync(join(p, '.git', 'HEAD'))) return join(p, '.git');
  }
  return null;
}

const SAFE = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'core.pager=cat', '-c', 'safe.directory=*'];
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: '/nonexistent' };

function mailAt(gitDir, commit) {
  return execFileSync('git', ['--git-dir', gitDir, ...SAFE, '--no-pager', 'cat-file', 'blob', `${commit}:m`], { env, maxBuffer: 64 * 1024 * 1024 });
}

function messageIdOf(mail) {
  const head = mail
    .toString('latin1')
    .split(/\r?\n\r?\n/, 1)[0]
    .replace(/\r?\n[ \t]+/g, ' ');
  return /^message-id:\s*<?([^>\s]+)>?/im.exec(head)?.[1] ?? null;
}

mkdirSync(out, { recursive: true });
const missing = new Set();
let written = 0;
let failed = 0;
for (const p of manifest.patches) {
  const dir = mirrorOf(p.archive);
  if (!dir) {
    missing.add(p.archive);
    continue;
  }
  try {
    const mail = mailAt(dir, p.commit);
    const id = messageIdOf(mail);
    if (id !== p.messageId) throw new Error(`Message-ID is ${id}, the manifest says ${p.messageId}`);
    writeFileSync(join(out, `${p.id}.eml`), mail);
    written++;
  } catch (e) {
    failed++;
    console.error(`corpus: ${p.id}: ${e.message.split('\n')[0]}`);
  }
}
for (const a of missing)
  console.error(`corpus: no mirror of ${a} in ${mirrors} (git clone --bare https://github.com/${a} ${join(mirrors, a.replace('/', '+'))})`);
console.log(
  `corpus: ${written} of ${manifest.patches.length} mails written to ${out}${failed ? `, ${failed} failed` : ''}${missing.size ? `, ${missing.size} archives missing` : ''}`,
);
process.exit(failed || missing.size ? 1 : 0);
