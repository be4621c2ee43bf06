/**
 * @file Objects out of a repository's object store by name (an abbreviated blob id, `<commit>:<path>`), many
 * in one `git cat-file --batch`, run as git.ts runs git: no configuration the repository names a program in,
 * no inherited environment, no lazy fetch from a promisor remote, a time limit. A name git cannot resolve,
 * or resolves to more than one object, is an answer, not a failure.
 */
import { spawnSync } from 'node:child_process';
import { gitCommand } from './git';

export type ObjectAnswer = { kind: 'found'; oid: string; type: string; size: number; bytes: Buffer | null } | { kind: 'missing' } | { kind: 'ambiguous' };

export interface CatFileOptions {
  /** Which kind of object an abbreviated id means when it could name several (`core.disambiguate`). */
  disambiguate: 'blob' | 'commit';
  /** Objects larger than this are answered without their bytes. */
  maxObjectBytes: number;
  timeoutMs: number;
}

/**
 * A name cat-file's batch input can carry: one line, no NUL, and no path that climbs out of the tree or is
 * taken relative to the current directory (`rev:./x`, `rev:../x`).
 */
export function isBatchName(name: string): boolean {
  if (!name || /[\0\n\r]/.test(name) || name.length > 4096) return false;
  const colon = name.indexOf(':');
  if (colon < 0) return true;
  const path = name.slice(colon + 1);
  return path !== '' && !path.startsWith('/') && !path.split('/').some((part) => part === '..' || part === '.' || part === '');
}

/** Thrown when git could not answer at all (not there, killed by the time limit, a repository it refuses). */
export class CatFileError extends Error {}

/** The objects `names` resolve to, in order, from the repository at `gitDir` whose work tree is `root`. */
export function catFileBatch(root: string, gitDir: string, names: readonly string[], options: CatFileOptions): ObjectAnswer[] {
  if (names.length === 0) return [];
  const bad = names.find((n) => !isBatchName(n));
  if (bad !== undefined) throw new CatFileError(`not an object name cat-file can be given: ${JSON.stringify(bad.slice(0, 80))}`);
  const cmd = gitCommand(root, gitDir, ['-c', `core.disambiguate=${options.disambiguate}`, 'cat-file', '--batch']);
  const r = spawnSync(cmd.file, cmd.args, {
    cwd: root,
    env: cmd.env,
    input: names.join('\n') + '\n',
    maxBuffer: names.length * (options.maxObjectBytes + 200),
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (r.error) throw new CatFileError(`git cat-file could not run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message})`);
  if (r.signal) throw new CatFileError(`git cat-file was stopped (${r.signal === 'SIGKILL' ? 'time or output limit' : r.signal})`);
  if (r.status !== 0) {
    const why = r.stderr.toString('utf8').trim().split('\n')[0]?.slice(0, 160);
    throw new CatFileError(`git cat-file failed (exit ${r.status}${why ? `: ${why}` : ''})`);
  }
  return parseBatch(r.stdout, names.length, options.maxObjectBytes);
}

/**
 * `--batch` output: per name either `<oid> <type> <size>\n<bytes>\n`, or `<name> missing\n`, or
 * `<name> ambiguous\n`. Parsed by byte counts (contents may hold anything).
 */
export function parseBatch(out: Buffer, count: number, maxObjectBytes: number): ObjectAnswer[] {
  const answers: ObjectAnswer[] = [];
  let at = 0;
  while (answers.length < count) {
    const nl = out.indexOf(10, at);
    if (nl < 0) throw new CatFileError('git cat-file answered fewer objects than it was asked for');
    const header = out.toString('utf8', at, nl);
    at = nl + 1;
    if (header.endsWith(' missing')) answers.push({ kind: 'missing' });
    else if (header.endsWith(' ambiguous')) answers.push({ kind: 'ambiguous' });
    else {
      const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
      if (!m) throw new CatFileError(`git cat-file answered an unexpected line: ${JSON.stringify(header.slice(0, 80))}`);
      const size = Number(m[3]);
      if (at + size > out.length) throw new CatFileError('git cat-file answered less than an object it announced');
      answers.push({ kind: 'found', oid: m[1], type: m[2], size, bytes: size <= maxObjectBytes ? out.subarray(at, at + size) : null });
      at += size + 1;
    }
  }
  return answers;
}
