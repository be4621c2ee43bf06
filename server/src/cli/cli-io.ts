/** @file What the command line's commands share: reading documents and configuration, bad usage, a tree. */
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { parsePairConfig } from '../core/kernel/pair-config';
import type { PairTable } from '../core/kernel/pairs';
import { DEFAULT_MAX_DOCUMENT_CHARS } from '../core/engine';
import { formatSize } from '../core/models/bytes';
import { DiskKernelTree } from '../host/disk-tree';
import { defaultCacheDir } from '../host/cache-dir';
import { errnoWords, FileReadError, MAX_CONFIG_BYTES, readAtMost, readRegularFile } from '../host/files';

export class UsageError extends Error {}

/** A command's arguments read one at a time; an option's value is `--name=value` or the next argument. */
export class Arguments {
  private at = -1;
  constructor(private readonly argv: readonly string[]) {}

  /** The next argument, or undefined after the last. */
  next(): string | undefined {
    return this.argv[++this.at];
  }

  /** The current argument's option name: `--name` of `--name=value`; the argument itself otherwise. */
  name(): string {
    const arg = this.argv[this.at];
    return arg.startsWith('--') ? arg.split('=')[0] : arg;
  }

  /** The current option's value: after its `=`, else the next argument (taken); bad usage when there is none. */
  value(): string {
    const arg = this.argv[this.at];
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) return arg.slice(eq + 1);
    const v = this.argv[++this.at];
    if (v === undefined) throw new UsageError(`${arg} needs a value`);
    return v;
  }
}

/** What a read found: the bytes, or that there are more than the bound (and how many, when a stat told). */
export type InputBytes = { bytes: Buffer } | { over: number | null };

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** A document to check (`-`: standard input), read only when at most `maxBytes`; FileReadError when unreadable. */
  readInput: (path: string, maxBytes: number) => InputBytes;
  /** A configuration file: a regular file of at most `maxBytes`, else FileReadError. */
  readConfig: (path: string, maxBytes: number) => Buffer;
  /** Writes an output file the user named (`model --svg FILE`). */
  writeFile: (path: string, text: string) => void;
  /** Whether a path the user named is an existing directory (`reply --output DIR`). */
  isDirectory: (path: string) => boolean;
}

export const nodeIo: Io = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readInput: readInputFile,
  readConfig: readRegularFile,
  writeFile: (path, text) => fs.writeFileSync(path, text),
  isDirectory: (path) => fs.statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false,
};

/**
 * A regular file's size is checked before it is read; a pipe, standard input or a device is read up to the
 * bound and no further (`/dev/zero` ends at the bound, not in an out-of-memory crash).
 */
function readInputFile(file: string, maxBytes: number): InputBytes {
  if (file === '-') {
    const r = readAtMost(0, maxBytes);
    return r.truncated ? { over: null } : { bytes: r.bytes };
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    throw new FileReadError(file, errnoWords(e));
  }
  if (st.isDirectory()) throw new FileReadError(file, 'is a directory');
  if (st.isFile()) return st.size > maxBytes ? { over: st.size } : { bytes: readRegularFile(file, maxBytes) };
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    throw new FileReadError(file, errnoWords(e));
  }
  try {
    const r = readAtMost(fd, maxBytes);
    return r.truncated ? { over: null } : { bytes: r.bytes };
  } finally {
    fs.closeSync(fd);
  }
}

/** UTF-8 when the bytes are valid UTF-8, else Latin-1, so no byte is lost or replaced. */
export function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('latin1').decode(bytes);
  }
}

export const CONFIG_FILE = '.mm-review.json';

/**
 * A full garbage collection, between the parts of a very large document: V8 otherwise lets a part's garbage
 * pile up for several parts before collecting, and the peak memory grows with the document instead of the
 * part. Node exposes `gc` only behind a flag, which can be set at run time.
 */
let gc: (() => void) | null | undefined;
export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

/** A document's text, or null when it is over `maxBytes`; unreadable input is bad usage (exit 2). */
export function readDocument(io: Io, file: string, maxBytes: number): { text: string } | { over: number | null } {
  try {
    const r = io.readInput(file, maxBytes);
    return 'bytes' in r ? { text: decode(r.bytes) } : r;
  } catch (e) {
    throw new UsageError(e instanceof FileReadError ? e.message : `cannot read ${file}: ${errnoWords(e)}`);
  }
}

/** A whole input for `inspect` and `model`: refused past the document size limit. */
export function readInput(io: Io, file: string): string {
  const r = readDocument(io, file, DEFAULT_MAX_DOCUMENT_CHARS);
  if ('over' in r)
    throw new UsageError(
      `cannot read ${file}: it is ${r.over === null ? 'larger than' : formatSize(r.over) + ', over'} the limit of ${formatSize(DEFAULT_MAX_DOCUMENT_CHARS)}`,
    );
  return r.text;
}

/** The pair table extension: a named file must exist; the default one may not. A wrong entry is bad usage. */
export function readConfig(io: Io, config: string | null | undefined): Partial<PairTable> | undefined {
  if (config === null) return undefined;
  const file = config ?? CONFIG_FILE;
  let bytes: Buffer;
  try {
    bytes = io.readConfig(file, MAX_CONFIG_BYTES);
  } catch (e) {
    if (config === undefined && e instanceof FileReadError && e.code === 'ENOENT') return undefined;
    throw new UsageError(e instanceof FileReadError ? e.message : `cannot read ${file}: ${errnoWords(e)}`);
  }
  const { table, problems } = parsePairConfig(decode(bytes), file);
  if (problems.length) throw new UsageError(problems.join('\n'));
  return table;
}

export function openTree(dir: string): DiskKernelTree {
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error('not a directory');
    return new DiskKernelTree(dir, null, defaultCacheDir());
  } catch (e) {
    throw new UsageError(`--tree ${dir}: ${errnoWords(e)}`);
  }
}
