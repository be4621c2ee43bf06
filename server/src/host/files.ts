/**
 * @file Reading files the user did not write for us without trusting them: a path may name a FIFO (which
 * blocks an open for reading), a device (`/dev/zero` never ends), a symlink out of a tree, or a file far
 * larger than anything we analyse. Every read here checks the kind and the size before reading, and reads
 * at most a bound.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatSize } from '../core/models/bytes';

/** `.mm-review.json` larger than this is refused: thousands of pairs fit in far less. */
export const MAX_CONFIG_BYTES = 1 << 20;

/** Why a file could not be read, in words for a message: `no such file`, `is a FIFO, not a regular file`. */
export class FileReadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly code?: string,
  ) {
    super(`cannot read ${file}: ${reason}`);
  }
}

const ERRNO_WORDS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'is a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
};

/** An errno error in words. */
export function errnoWords(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return (code && ERRNO_WORDS[code]) ?? (code ? `${code}` : (e as Error).message);
}

/** What kind of file a stat names, for a message. */
export function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'a regular file';
}

/**
 * A regular file's bytes, when it is at most `maxBytes`. The kind is checked before opening (a FIFO is
 * never opened), and again on the open descriptor (opened non-blocking, so a file swapped for a FIFO in
 * between cannot block); the size before reading, and the read stops at the bound whatever the file does.
 */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new FileReadError(file, errnoWords(e), (e as NodeJS.ErrnoException).code);
  }
  if (!st.isFile()) throw new FileReadError(file, `is ${kindOf(st)}, not a regular file`, 'NOTREG');
  if (st.size > maxBytes) throw new FileReadError(file, `is ${formatSize(st.size)}, over the limit of ${formatSize(maxBytes)}`, 'TOOBIG');
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  } catch (e) {
    throw new FileReadError(file, errnoWords(e), (e as NodeJS.ErrnoException).code);
  }
  try {
    const fst = fs.fstatSync(fd);
    if (!fst.isFile()) throw new FileReadError(file, `is ${kindOf(fst)}, not a regular file`, 'NOTREG');
    const { bytes, truncated } = readAtMost(fd, maxBytes);
    if (truncated) throw new FileReadError(file, `grew past the limit of ${formatSize(maxBytes)} while being read`, 'TOOBIG');
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads a descriptor (a pipe, standard input, a device) up to `maxBytes`; `truncated` when there was more.
 * A non-blocking descriptor with nothing to read yet is waited for, briefly, in a loop.
 */
export function readAtMost(fd: number, maxBytes: number): { bytes: Buffer; truncated: boolean } {
  const chunks: Buffer[] = [];
  let total = 0;
  const chunk = Buffer.allocUnsafe(1 << 16);
  for (;;) {
    let n: number;
    try {
      n = fs.readSync(fd, chunk, 0, Math.min(chunk.length, maxBytes + 1 - total), null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
        continue;
      }
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(chunk.subarray(0, n)));
    total += n;
    if (total > maxBytes) return { bytes: Buffer.concat(chunks).subarray(0, maxBytes), truncated: true };
  }
  return { bytes: Buffer.concat(chunks), truncated: false };
}

/** `rel` inside `root` (both resolved, symlinks followed), or null when it leads out of it. */
export function confined(root: string, rel: string): string | null {
  if (path.isAbsolute(rel) || rel.split(/[\\/]/).includes('..')) return null;
  try {
    const real = fs.realpathSync(path.join(root, rel));
    return real === root || real.startsWith(root + path.sep) ? real : null;
  } catch {
    return null;
  }
}

/** A regular file inside `root` (realpath'd), bounded; null when there is none there. Errors say why. */
export function readConfined(root: string, rel: string, maxBytes: number): Buffer | null {
  const abs = confined(root, rel);
  if (!abs) return null;
  return readRegularFile(abs, maxBytes);
}

/**
 * Writes `file` aside and renames it into place, so a reader never sees half a file; the directory is made
 * if need be. For the user's caches: private to the user (directory 0700, file 0600). Throws as fs does.
 */
export function writeFileAside(file: string, data: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.renameSync(tmp, file);
}
