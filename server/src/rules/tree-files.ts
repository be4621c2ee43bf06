/**
 * @file The series applied to the files of the reviewer's kernel tree. For every file the series
 * changes: the tree's text, whether it is the pre-image the first patch was made against (the git blob
 * id its `index` line abbreviates), and the text after the whole series, with the lines the hunks show
 * marked. A hunk applies where its old lines stand, at the line it says or at an offset; one that applies
 * nowhere is recorded and the file's later hunks are still tried.
 */
import type { FileDiff, Hunk, Patch, Series } from '../ingest';
import { gitBlobId, type KernelTree } from '../kernel-tree';

export interface HunkFailure {
  patch: Patch;
  file: FileDiff;
  hunk: Hunk;
}

export interface TreeFile {
  path: string;
  /** The file as the tree has it; null when the tree has no such file. */
  base: string | null;
  /** The first patch's file diff for this path: its `index` line names the pre-image. */
  first: { patch: Patch; file: FileDiff };
  /** The blob id of the tree's file, and whether it matches the `index` line (null: no index line). */
  blob: string | null;
  isBase: boolean | null;
  /** The text after every hunk that applied. */
  after: string | null;
  /** 1-based lines of `after` that some hunk shows (its new side; for a hunk that did not apply, where it should have). */
  shown: Set<number>;
  /** Hunks applied at another line than their header says, by how many lines. */
  offsets: { patch: Patch; hunk: Hunk; by: number }[];
  failures: HunkFailure[];
}

/** How far from the line its header names a hunk is looked for. */
const MAX_OFFSET = 400;

const sameLine = (a: string, b: string): boolean => a.trimEnd() === b.trimEnd();

function findAt(lines: string[], want: string[], expected: number): number | null {
  const fits = (at: number): boolean => at >= 0 && at + want.length <= lines.length && want.every((w, i) => sameLine(lines[at + i], w));
  if (fits(expected)) return expected;
  for (let d = 1; d <= MAX_OFFSET; d++) {
    if (fits(expected - d)) return expected - d;
    if (fits(expected + d)) return expected + d;
  }
  return null;
}

function applySeries(base: string, diffs: { patch: Patch; file: FileDiff }[]): Pick<TreeFile, 'after' | 'shown' | 'offsets' | 'failures'> {
  const lines = base.split('\n');
  const shown: boolean[] = lines.map(() => false);
  const offsets: TreeFile['offsets'] = [];
  const failures: HunkFailure[] = [];
  for (const { patch, file } of diffs) {
    let delta = 0;
    for (const hunk of file.hunks) {
      const oldLines = hunk.lines.filter((l) => l.kind !== 'add').map((l) => l.text);
      const newLines = hunk.lines.filter((l) => l.kind !== 'remove').map((l) => l.text);
      const expected = Math.max(hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1, 0) + delta;
      const at = findAt(lines, oldLines, expected);
      if (at === null) {
        // The series does show these lines, in a version the tree does not have: not the tree's own sites.
        for (let i = expected; i < Math.min(expected + oldLines.length, shown.length); i++) shown[i] = true;
        failures.push({ patch, file, hunk });
        continue;
      }
      if (at !== expected) offsets.push({ patch, hunk, by: at - expected });
      lines.splice(at, oldLines.length, ...newLines);
      shown.splice(at, oldLines.length, ...newLines.map(() => true));
      delta += newLines.length - oldLines.length + (at - expected);
    }
  }
  const marked = new Set<number>();
  shown.forEach((s, i) => s && marked.add(i + 1));
  return { after: lines.join('\n'), shown: marked, offsets, failures };
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
  const out = new Map<string, TreeFile>();
  for (const [path, diffs] of byPath) {
    const first = diffs[0];
    const base = first.file.isNew ? '' : tree.read(path);
    const blob = base !== null && !first.file.isNew ? gitBlobId(base) : null;
    const index = first.file.oldIndex;
    const isBase = blob && index && !/^0+$/.test(index) ? blob.startsWith(index.toLowerCase()) : null;
    const applied = base !== null ? applySeries(base, diffs) : { after: null, shown: new Set<number>(), offsets: [], failures: [] };
    out.set(path, { path, base, first, blob, isBase, ...applied });
  }
  memo.set(series, out);
  return out;
}
