/**
 * @file The reviewer's kernel checkout, as the core sees it: a service the host injects (the CLI's
 * `--tree DIR`, the editor's workspace folder). The core never reads files itself: it asks which files
 * name a function, and for a file's text. The host searches (git grep, or a walk), caches per tree
 * revision, and keeps every path inside the tree.
 */
import { createHash } from 'node:crypto';

export interface KernelTree {
  /** The tree's root as the host names it (an absolute path): related locations are relative to it. */
  readonly root: string;
  /**
   * Paths (relative to the root, `/`-separated) of the C sources and headers whose text names any of
   * `names` as a whole word. null: the search is not done yet (the host is indexing); findings that
   * need it are left out of this analysis, and the host analyses again when it is ready.
   */
  filesNaming(names: readonly string[]): string[] | null;
  /** The text of a file of the tree, or null when it is not there (or not inside the tree). */
  read(path: string): string | null;
  /**
   * What the host could not use, in words (a HEAD that leads out of the tree, a search that failed or was
   * stopped, a file over the size bound): reported as notes, so a missing finding is never silent.
   */
  problems?(): string[];
}

/** Git's id of a blob with this content: what a diff's `index <old>..<new>` line abbreviates. */
export function gitBlobId(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
