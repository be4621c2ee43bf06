/**
 * @file The parsed series that rules read: for every hunk its old and new image with their facts, for
 * every quoted fragment its image. Facts are computed on first use and cached by image text, so
 * re-checking a document after an edit parses only the images whose text changed.
 */
import { Edit } from 'web-tree-sitter';
import type { FileDiff, Fragment, Hunk, Patch, Series } from '../ingest';
import { extractFacts, type ImageFacts } from './facts';
import { Image, type Side } from './image';
import { maskKernelAnnotations } from './mask';
import type { CParser } from './parser';

export interface CacheStats {
  /** Images parsed from scratch. */
  parses: number;
  /** Images parsed incrementally from their other side. */
  incrementalParses: number;
  /** Images whose facts came from the cache. */
  hits: number;
}

/** Facts by image text, least recently used evicted first. Survives across analyses of a document. */
export class FactsCache {
  private readonly map = new Map<string, ImageFacts>();
  private chars = 0;
  readonly stats: CacheStats = { parses: 0, incrementalParses: 0, hits: 0 };

  constructor(private readonly maxChars = 64 * 1024 * 1024) {}

  get(text: string): ImageFacts | undefined {
    const f = this.map.get(text);
    if (f) {
      this.map.delete(text);
      this.map.set(text, f);
      this.stats.hits++;
    }
    return f;
  }

  set(text: string, facts: ImageFacts): void {
    if (this.map.has(text)) return;
    this.map.set(text, facts);
    this.chars += text.length;
    for (const [k] of this.map) {
      if (this.chars <= this.maxChars) break;
      this.map.delete(k);
      this.chars -= k.length;
    }
  }

  resetStats(): void {
    this.stats.parses = this.stats.incrementalParses = this.stats.hits = 0;
  }
}

export interface ImageView {
  readonly side: Side;
  readonly image: Image;
  readonly facts: ImageFacts;
}

export interface HunkView {
  readonly patch: Patch;
  readonly file: FileDiff;
  readonly hunk: Hunk;
  /** The kernel path: the new path, or the old one for a deleted file; null in a headerless quote. */
  readonly path: string | null;
  readonly old: ImageView;
  readonly new: ImageView;
}

export interface FragmentView {
  readonly fragment: Fragment;
  readonly view: ImageView;
}

export class ParsedSeries {
  readonly hunks: HunkView[] = [];
  readonly fragments: FragmentView[] = [];

  constructor(
    readonly series: Series,
    private readonly parser: CParser,
    private readonly cache: FactsCache,
  ) {
    for (const patch of series.patches) {
      for (const file of patch.files) {
        for (const hunk of file.hunks) this.hunks.push(this.hunkView(patch, file, hunk));
      }
    }
    for (const fragment of series.fragments) {
      const image = Image.of(fragment.lines, 'new');
      const facts = (): ImageFacts => this.factsFor(image.text);
      this.fragments.push({ fragment, view: lazyView('new', image, facts) });
    }
  }

  hunksOf(patch: Patch): HunkView[] {
    return this.hunks.filter((h) => h.patch === patch);
  }

  private hunkView(patch: Patch, file: FileDiff, hunk: Hunk): HunkView {
    const oldImage = Image.of(hunk.lines, 'old');
    const newImage = Image.of(hunk.lines, 'new');
    let pair: { old: ImageFacts; new: ImageFacts } | null = null;
    const both = (): { old: ImageFacts; new: ImageFacts } => (pair ??= this.factsForPair(oldImage.text, newImage.text));
    return {
      patch,
      file,
      hunk,
      path: file.newPath ?? file.oldPath,
      old: lazyView('old', oldImage, () => both().old),
      new: lazyView('new', newImage, () => both().new),
    };
  }

  private factsFor(text: string): ImageFacts {
    const cached = this.cache.get(text);
    if (cached) return cached;
    const tree = this.parser.parse(maskKernelAnnotations(text));
    try {
      const facts = extractFacts(tree, this.parser.language);
      this.cache.set(text, facts);
      this.cache.stats.parses++;
      return facts;
    } finally {
      tree.delete();
    }
  }

  /** The new image is the old one with one edited region: parse it incrementally from the old tree. */
  private factsForPair(oldText: string, newText: string): { old: ImageFacts; new: ImageFacts } {
    const oldCached = this.cache.get(oldText);
    const newCached = this.cache.get(newText);
    if (oldCached && newCached) return { old: oldCached, new: newCached };
    if (oldCached || newCached || oldText === newText) {
      return { old: oldCached ?? this.factsFor(oldText), new: newCached ?? this.factsFor(newText) };
    }
    const oldMasked = maskKernelAnnotations(oldText);
    const newMasked = maskKernelAnnotations(newText);
    const oldTree = this.parser.parse(oldMasked);
    let newTree = null;
    try {
      const oldFacts = extractFacts(oldTree, this.parser.language);
      this.cache.set(oldText, oldFacts);
      this.cache.stats.parses++;
      const edit = singleEdit(oldMasked, newMasked);
      oldTree.edit(edit);
      newTree = this.parser.parse(newMasked, oldTree);
      const newFacts = extractFacts(newTree, this.parser.language);
      this.cache.set(newText, newFacts);
      this.cache.stats.incrementalParses++;
      return { old: oldFacts, new: newFacts };
    } finally {
      oldTree.delete();
      newTree?.delete();
    }
  }
}

function lazyView(side: Side, image: Image, compute: () => ImageFacts): ImageView {
  let facts: ImageFacts | null = null;
  return {
    side,
    image,
    get facts(): ImageFacts {
      return (facts ??= compute());
    },
  };
}

/** The smallest single edit that turns `a` into `b`: common prefix and suffix kept. */
function singleEdit(a: string, b: string): Edit {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return new Edit({
    startIndex: start,
    oldEndIndex: endA,
    newEndIndex: endB,
    startPosition: pointAt(a, start),
    oldEndPosition: pointAt(a, endA),
    newEndPosition: pointAt(b, endB),
  });
}

function pointAt(text: string, index: number): { row: number; column: number } {
  let row = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    row++;
    lineStart = i + 1;
  }
  return { row, column: index - lineStart };
}
