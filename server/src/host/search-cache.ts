/**
 * @file What the searches of a kernel tree found, kept on disk per tree and revision (HEAD's commit and
 * the git index's time, or the top-level modification times: disk-tree.ts), so that a second check of
 * the same tree answers from it instead of running `git grep` or `grep -r` again (most of a warm
 * `--tree` check). One file per tree under the user's cache directory, written aside and renamed, at most
 * MAX_SEARCH_CACHE_BYTES; a file of another tree or revision, or not as written, is not used. What it
 * cannot see: a file edited in place between two runs without a commit or `git add` (the revision does not
 * change); the editor drops the cache when it sees a C file of the tree change.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readRegularFile, writeFileAside } from './files';

const FORMAT = 1;
export const MAX_SEARCH_CACHE_BYTES = 16 << 20;
/** Searches kept per tree; the oldest go first. */
const MAX_ENTRIES = 4096;

export class SearchCache {
  private readonly file: string;
  private loaded: { revision: string; entries: Map<string, string[]> } | null = null;

  constructor(
    dir: string,
    private readonly root: string,
  ) {
    this.file = path.join(dir, `searches-${createHash('sha256').update(root).digest('hex').slice(0, 32)}.json`);
  }

  /** The files a search found at this revision, or null when it was not kept. */
  get(revision: string, key: string): string[] | null {
    return this.entries(revision).get(key) ?? null;
  }

  put(revision: string, key: string, files: string[]): void {
    const entries = this.entries(revision);
    entries.delete(key);
    entries.set(key, files);
    while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    const text = JSON.stringify({ format: FORMAT, root: this.root, revision, entries: [...entries] });
    if (text.length > MAX_SEARCH_CACHE_BYTES) return;
    try {
      writeFileAside(this.file, text);
    } catch {
      // Not kept: the next run searches again.
    }
  }

  /** Forgets every search of the tree, on disk too (a file of it changed). */
  clear(): void {
    this.loaded = null;
    fs.rmSync(this.file, { force: true });
  }

  private entries(revision: string): Map<string, string[]> {
    if (this.loaded?.revision !== revision) this.loaded = { revision, entries: this.read(revision) };
    return this.loaded.entries;
  }

  private read(revision: string): Map<string, string[]> {
    try {
      const doc = JSON.parse(readRegularFile(this.file, MAX_SEARCH_CACHE_BYTES).toString('utf8')) as {
        format?: unknown;
        root?: unknown;
        revision?: unknown;
        entries?: unknown;
      };
      if (doc.format !== FORMAT || doc.root !== this.root || doc.revision !== revision || !Array.isArray(doc.entries)) return new Map();
      const valid = (e: unknown): e is [string, string[]] =>
        Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && Array.isArray(e[1]) && e[1].every((p) => typeof p === 'string');
      return new Map(doc.entries.filter(valid));
    } catch {
      return new Map();
    }
  }
}
