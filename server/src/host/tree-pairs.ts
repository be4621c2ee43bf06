/**
 * @file The pairs of the reviewer's own tree: its `include/` headers mined by the core's pair miner, kept
 * per tree content (HEAD's commit in a git checkout, else the top-level modification times) in memory and,
 * when a cache directory is given, on disk under it, so only the first check of a revision pays (about a
 * second for Linux 6.12's 6,214 headers). The walk stays in `include/`: no symlink is followed, only regular
 * files of a bounded size are read.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { coveredBy, minePairs, type MinedCounts } from '../core/kernel/pair-miner';
import { DEFAULT_PAIRS, type PairSpec } from '../core/kernel/pairs';
import type { MinedPairs } from '../core/kernel/kernel-tree';
import { readRegularFile, writeFileAside } from './files';

/** Bumped when what the miner finds changes: older cache files are then not used. */
const MINER_VERSION = 2;
const MAX_HEADER_BYTES = 4 << 20;
const MAX_CACHE_BYTES = 16 << 20;

/** `VERSION.PATCHLEVEL.SUBLEVEL` and `EXTRAVERSION` of a kernel Makefile. */
export function kernelVersion(makefile: string): string {
  const v = (k: string): string => new RegExp(`^${k}[ \\t]*=[ \\t]*(\\S*)`, 'm').exec(makefile)?.[1] ?? '';
  return `${v('VERSION')}.${v('PATCHLEVEL')}.${v('SUBLEVEL')}${v('EXTRAVERSION')}`;
}

/** The headers under `include/` of a tree, relative and sorted; symlinks are not followed. */
export function headerPaths(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = `${rel}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.h')) out.push(p);
    }
  };
  // include/ itself a symlink could lead anywhere.
  if (fs.lstatSync(path.join(root, 'include'), { throwIfNoEntry: false })?.isDirectory()) walk('include');
  return out.sort();
}

/** The digest that names a cache file: the tree, its content key, the miner and the table it leaves out. */
function cacheKey(root: string, content: string): string {
  return createHash('sha256')
    .update(`${MINER_VERSION}\0${root}\0${content}\0${JSON.stringify(DEFAULT_PAIRS)}`)
    .digest('hex')
    .slice(0, 32);
}

const isPair = (p: unknown): p is PairSpec => {
  const q = p as PairSpec;
  return (
    typeof q === 'object' &&
    q !== null &&
    typeof q.id === 'string' &&
    ['ref', 'lock', 'alloc', 'counter'].includes(q.kind) &&
    [q.acquire, q.release].every((l) => Array.isArray(l) && l.length > 0 && l.every((n) => typeof n === 'string'))
  );
};

/** A cache file as written, or null when it is missing, too big, or not what this version writes. */
function readCache(file: string, key: string): MinedPairs | null {
  try {
    const doc = JSON.parse(readRegularFile(file, MAX_CACHE_BYTES).toString('utf8')) as { key?: unknown; provenance?: unknown; pairs?: unknown };
    if (doc.key !== key || typeof doc.provenance !== 'string' || !Array.isArray(doc.pairs) || !doc.pairs.every(isPair)) return null;
    return { key, provenance: doc.provenance, pairs: doc.pairs };
  } catch {
    return null;
  }
}

function writeCache(file: string, mined: MinedPairs): void {
  try {
    writeFileAside(file, JSON.stringify(mined));
  } catch {
    // A cache that cannot be written costs the next run a mining, nothing more.
  }
}

function provenanceOf(root: string, counts: MinedCounts, pairs: number): string {
  let version = '';
  try {
    version = ` (linux ${kernelVersion(readRegularFile(path.join(root, 'Makefile'), 1 << 20).toString('utf8'))})`;
  } catch {
    // A tree without a readable Makefile still has headers.
  }
  return `${pairs} pairs mined from ${counts.headers} headers of ${root}${version}: ${counts.guards} lock guards, ${counts.classes} classes, ${counts.getPut} get/put families, ${counts.allocFree} alloc/free and create/destroy families, ${counts.annotated} __acquires/__releases pairs`;
}

/**
 * The tree's mined pairs for `content` (what identifies its headers): from memory, the cache directory, or
 * mined now (and cached).
 */
export function treePairs(root: string, content: string, cacheDir: string | null): MinedPairs {
  const key = cacheKey(root, content);
  const file = cacheDir ? path.join(cacheDir, `pairs-${key}.json`) : null;
  const cached = file ? readCache(file, key) : null;
  if (cached) return cached;
  const texts = function* (): Generator<string> {
    for (const rel of headerPaths(root)) {
      try {
        yield readRegularFile(path.join(root, rel), MAX_HEADER_BYTES).toString('utf8');
      } catch {
        // A header that cannot be read (a FIFO, too big) gives no pairs.
      }
    }
  };
  const { pairs, counts } = minePairs(texts(), coveredBy(DEFAULT_PAIRS));
  const mined = { key, provenance: provenanceOf(root, counts, pairs.length), pairs };
  if (file) writeCache(file, mined);
  return mined;
}
