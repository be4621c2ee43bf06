/**
 * @file The reviewer's kernel checkout, as the core sees it: a service the host injects (the CLI's
 * `--tree DIR`, the editor's workspace folder). The core never reads files itself: it asks which files
 * name a function, and for a file's text. The host searches (git grep, or a walk), caches per tree
 * revision, and keeps every path inside the tree.
 */
import { createHash } from 'node:crypto';
import type { PairSpec } from './pairs';

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
  /**
   * The files as the patches were made against them, from the tree's git objects: for each request the
   * blob its `index` line names, else the file at its base commit, else (null or absent entry) the
   * caller reads the working file. Hosts without git objects leave it out.
   */
  preImages?(wanted: readonly PreImageRequest[]): Map<string, PreImage>;
  /**
   * Pairs mined from the tree's own headers (kernel/pair-miner.ts), used instead of the committed table's
   * mined pairs; absent or null: the committed ones.
   */
  minedPairs?(): MinedPairs | null;
}

export interface MinedPairs {
  /** What identifies this mining (the tree and its content): part of the analysis cache keys. */
  key: string;
  /** Where they come from and how many, in words. */
  provenance: string;
  pairs: PairSpec[];
}

export interface PreImageRequest {
  path: string;
  /** The abbreviated pre-image blob id of the file's first `index` line. */
  index: string | null;
  /** The patch's `base-commit:` (full or abbreviated). */
  baseCommit: string | null;
}

/** Where a pre-image came from: the blob the `index` line names, the file at the base commit, the working file. */
export type PreImageSource = 'index-blob' | 'base-commit' | 'working-file';

export interface PreImage {
  /** The file's text; null when the source has no such file (the base commit lacks it). */
  text: string | null;
  source: PreImageSource;
  /** The full blob id, when the text came from git objects. */
  blob: string | null;
  /** Why the earlier sources were not used (an index blob not in the objects, a base commit unknown), in words. */
  passedOver: string[];
}

/** Git's id of a blob with this content: what a diff's `index <old>..<new>` line abbreviates. */
export function gitBlobId(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}
