/**
 * @file The series applied to the files of the reviewer's kernel tree. For every file the series
 * changes: the tree's text, whether it is the pre-image the first patch was made against (the git blob
 * id its `index` line abbreviates), the text patch by patch, and the text after the whole series with the
 * lines the hunks show marked. A hunk applies where its old lines stand (whitespace aside), at the line it
 * says or the nearest place above or below, as `git apply` looks for it; one that applies nowhere is
 * recorded and the file's later hunks are still tried.
 */
import type { DiffLine, FileDiff, Hunk, Patch, Series } from '../ingest';
import { gitBlobId, type KernelTree, type PreImage, type PreImageRequest, type PreImageSource } from './kernel-tree';

export interface HunkFailure {
  patch: Patch;
  file: FileDiff;
  hunk: Hunk;
}

export interface TreeFile {
  path: string;
  /**
   * The file the series starts from: the pre-image from the tree's git objects when the host has them
   * (see `source`), else the working file; null when the tree has no such file.
   */
  base: string | null;
  /** Where `base` came from, and why earlier sources were passed over. */
  source: PreImageSource;
  passedOver: string[];
  /** The first patch's file diff for this path: its `index` line names the pre-image. */
  first: { patch: Patch; file: FileDiff };
  /** The blob id of `base`, and whether it matches the `index` line (null: no index line). */
  blob: string | null;
  isBase: boolean | null;
  /** The text after every hunk that applied. */
  after: string | null;
  /** 1-based lines of `after` that some hunk shows (its new side). */
  shown: Set<number>;
  /** Hunks applied at another line than their header says, by how many lines. */
  offsets: { patch: Patch; hunk: Hunk; by: number }[];
  failures: HunkFailure[];
  /** The file patch by patch: what each patch found and left, and where its hunks stand in both. */
  steps: FileStep[];
}

export type LineSource = number | DiffLine;

export interface FileStep {
  patch: Patch;
  file: FileDiff;
  /** The file's lines before this patch's hunks and after those of them that applied. */
  before: string[];
  after: string[];
  /** Where each line of `before` and `after` comes from: a 0-based line of the tree's file, or the hunk line that added it. */
  beforeFrom: LineSource[];
  afterFrom: LineSource[];
  /** For each hunk that applied: the 0-based row of its first old line in `before`, of its first new line in `after`. */
  placed: Map<Hunk, { oldAt: number; newAt: number }>;
}

/**
 * Lines compared as `git apply --ignore-whitespace` does: mail loses indentation and trailing blanks (the
 * seeds do), and a hunk should still find its lines.
 */
const squeeze = (line: string): string => line.replace(/\s+/g, '');

/** Where a hunk's old lines stand: at the line its header names, or the nearest place above or below. */
function findAt(lines: string[], want: string[], expected: number): number | null {
  const wanted = want.map(squeeze);
  const fits = (at: number): boolean => at >= 0 && at + want.length <= lines.length && wanted.every((w, i) => squeeze(lines[at + i]) === w);
  if (fits(expected)) return expected;
  for (let d = 1; d <= Math.max(expected, lines.length - expected); d++) {
    if (fits(expected - d)) return expected - d;
    if (fits(expected + d)) return expected + d;
  }
  return null;
}

function applySeries(base: string, diffs: { patch: Patch; file: FileDiff }[]): Pick<TreeFile, 'after' | 'shown' | 'offsets' | 'failures' | 'steps'> {
  const lines = base.split('\n');
  const shown: boolean[] = lines.map(() => false);
  const from: LineSource[] = lines.map((_, i) => i);
  const offsets: TreeFile['offsets'] = [];
  const failures: HunkFailure[] = [];
  const steps: FileStep[] = [];
  for (const { patch, file } of diffs) {
    let delta = 0;
    // How far this patch's earlier hunks moved the lines below them.
    let grown = 0;
    const step: FileStep = { patch, file, before: lines.slice(), after: [], beforeFrom: from.slice(), afterFrom: [], placed: new Map() };
    for (const hunk of file.hunks) {
      const oldLines = hunk.lines.filter((l) => l.kind !== 'add').map((l) => l.text);
      const expected = Math.max(hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1, 0) + delta;
      const at = findAt(lines, oldLines, expected);
      if (at === null) {
        failures.push({ patch, file, hunk });
        continue;
      }
      if (at !== expected) offsets.push({ patch, hunk, by: at - expected });
      const newLines = newSide(hunk, lines.slice(at, at + oldLines.length), (l) => l.text);
      lines.splice(at, oldLines.length, ...newLines);
      shown.splice(at, oldLines.length, ...newLines.map(() => true));
      from.splice(at, oldLines.length, ...newSide<LineSource>(hunk, from.slice(at, at + oldLines.length), (l) => l));
      step.placed.set(hunk, { oldAt: at - grown, newAt: at });
      grown += newLines.length - oldLines.length;
      delta += newLines.length - oldLines.length + (at - expected);
    }
    step.after = lines.slice();
    step.afterFrom = from.slice();
    steps.push(step);
  }
  const marked = new Set<number>();
  shown.forEach((s, i) => s && marked.add(i + 1));
  return { after: lines.join('\n'), shown: marked, offsets, failures, steps };
}

/**
 * What stands where a hunk applied, given what stood there (`old`, one entry per old line): a context line
 * keeps its old entry (the tree's text, which mail may have stripped of indentation; the line's source),
 * an added line gets `added(line)`.
 */
function newSide<T>(hunk: Hunk, old: T[], added: (line: DiffLine) => T): T[] {
  const out: T[] = [];
  let o = 0;
  for (const l of hunk.lines) {
    if (l.kind === 'add') out.push(added(l));
    else if (l.kind === 'remove') o++;
    else out.push(old[o++] ?? added(l));
  }
  return out;
}

/**
 * The 1-based line of the tree's file that a 0-based row of `after` comes from (the tree's file is what a
 * link opens). A row the series adds has none: the nearest tree line above it.
 */
export function treeLine(file: TreeFile, row: number): number {
  const from = file.steps[file.steps.length - 1]?.afterFrom;
  if (!from) return row + 1;
  for (let r = Math.min(row, from.length - 1); r >= 0; r--) {
    const src = from[r];
    if (typeof src === 'number') return src + 1;
  }
  return 1;
}

/** An `index` line's old id, lower-case, unless it is the all-zero id of a new file. */
function usableIndex(index: string | null): string | null {
  return index && !/^0+$/.test(index) ? index.toLowerCase() : null;
}

const memo = new WeakMap<Series, Map<string, TreeFile>>();

/** Every file the series changes, as the tree has it and after the series (memoised per analysis). */
export function treeFiles(series: Series, tree: KernelTree): Map<string, TreeFile> {
  const known = memo.get(series);
  if (known) return known;
  const byPath = new Map<string, { patch: Patch; file: FileDiff }[]>();
  for (const patch of series.patches) {
    if (patch.quoteDepth > 0) continue;
    for (const file of patch.files) {
      const path = file.oldPath ?? file.newPath;
      if (!path || file.isBinary) continue;
      const list = byPath.get(path) ?? [];
      list.push({ patch, file });
      byPath.set(path, list);
    }
  }
  const wanted: PreImageRequest[] = [];
  for (const [path, [first]] of byPath)
    if (!first.file.isNew) wanted.push({ path, index: usableIndex(first.file.oldIndex), baseCommit: first.patch.baseCommit });
  const pre = wanted.length && tree.preImages ? tree.preImages(wanted) : new Map<string, PreImage>();
  const out = new Map<string, TreeFile>();
  for (const [path, diffs] of byPath) {
    const first = diffs[0];
    const found = pre.get(path);
    const base = first.file.isNew ? '' : found ? found.text : tree.read(path);
    const blob = base !== null && !first.file.isNew ? (found?.blob ?? gitBlobId(base)) : null;
    const index = usableIndex(first.file.oldIndex);
    const isBase = blob && index ? blob.startsWith(index) : null;
    const applied = base !== null ? applySeries(base, diffs) : { after: null, shown: new Set<number>(), offsets: [], failures: [], steps: [] };
    out.set(path, { path, base, source: found?.source ?? 'working-file', passedOver: found?.passedOver ?? [], first, blob, isBase, ...applied });
  }
  memo.set(series, out);
  return out;
}
