/**
 * @file Hunks read with their whole functions, from the reviewer's kernel tree. A hunk shows a few lines
 * of a function; the tree's file, with the series applied up to the hunk's patch, has all of it. The hunks
 * of one patch and file that touch the same functions are read together: those functions whole, each
 * hunk's own lines in place (findings on them land in the document), the other lines as tree rows.
 * Functions are found in kernel layout (the header from column 0, `{` and `}` alone at column 0, braces
 * balanced in between); a hunk where that layout does not hold is read alone, as without a tree.
 */
import type { DiffLine, Series } from '../../ingest';
import type { KernelTree } from '../../kernel/kernel-tree';
import { treeFiles, type FileStep, type LineSource } from '../../kernel/tree-files';
import { Image, type Side, type TreeRow } from './image';
import type { HunkView } from './parsed';

/** Hunks of one patch and file read together with the functions they touch, whole. */
export interface WholeGroup {
  /** In file order; the first leads (findings name its patch). */
  hunks: HunkView[];
  path: string;
  old: Image;
  new: Image;
}

/** Depth of braces over one line of code, a block comment carried from line to line. */
function braceDelta(line: string, state: { comment: boolean }): number {
  let d = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (state.comment) {
      if (c === '*' && line[i + 1] === '/') {
        state.comment = false;
        i++;
      }
    } else if (c === '/' && line[i + 1] === '*') {
      state.comment = true;
      i++;
    } else if (c === '/' && line[i + 1] === '/') break;
    else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < line.length && line[j] !== c) j += line[j] === '\\' ? 2 : 1;
      i = j;
    } else if (c === '{') d++;
    else if (c === '}') d--;
  }
  return d;
}

/** The row of the `}` that closes the body opened at `open`, when it stands at column 0. */
function closingRow(lines: string[], open: number): number | null {
  const state = { comment: false };
  let depth = 0;
  for (let k = open; k < lines.length; k++) {
    depth += braceDelta(lines[k], state);
    if (depth <= 0) return depth === 0 && /^\}/.test(lines[k]) ? k : null;
  }
  return null;
}

/**
 * The first row of the header of the function whose body opens at `brace`; null when it is no function
 * header. The header runs up to a blank line, a preprocessor line, or the end of something else (`;`,
 * `}`, a comment's end); its continuation lines may have lost their indentation in mail.
 */
function headerStart(lines: string[], brace: number): number | null {
  const ends = (l: string): boolean => l.trim() === '' || /^\s*#/.test(l) || /(?:[;{}]|\*\/)\s*$/.test(l);
  let j = brace - 1;
  if (j < 0 || ends(lines[j])) return null;
  while (j > 0 && !ends(lines[j - 1])) j--;
  if (!/^[A-Za-z_]/.test(lines[j])) return null;
  const header = lines.slice(j, brace).join(' ');
  return header.includes('(') && /\)\s*$/.test(header) ? j : null;
}

const OPENS_BODY = /^\{\s*$/;

/** [header row, closing row] of the function whose body opens at `brace`; null when it is none. */
function functionOpenedAt(lines: string[], brace: number): [number, number] | null {
  const start = headerStart(lines, brace);
  const end = start === null ? null : closingRow(lines, brace);
  return start === null || end === null ? null : [start, end];
}

/** How far below a row a header's `{` is looked for. */
const MAX_HEADER_ROWS = 40;

/**
 * The function in kernel layout whose lines include `row`, as [header row, closing row]; null when the
 * row is in none. Found from the row itself, so a hunk costs what its functions are long, not its file.
 */
export function functionAt(lines: string[], row: number): [number, number] | null {
  // In a body (or on its closing line): the nearest `{` at column 0 above, unless a `}` at column 0 ends something first.
  for (let r = row; r >= 0; r--) {
    if (OPENS_BODY.test(lines[r])) {
      const f = functionOpenedAt(lines, r);
      if (f && f[1] >= row) return f;
      break;
    }
    if (r < row && lines[r].startsWith('}')) break;
  }
  // In a header: the next `{` at column 0 opens a function whose header starts at or above the row.
  for (let r = row + 1; r < lines.length && r <= row + MAX_HEADER_ROWS; r++) {
    if (OPENS_BODY.test(lines[r])) {
      const f = functionOpenedAt(lines, r);
      return f && f[0] <= row ? f : null;
    }
    if (lines[r].startsWith('}')) return null;
  }
  return null;
}

/**
 * Rows [a, b] grown to cover the functions they touch; null when an end of them looks like function code
 * (indented, or a brace at column 0) that no function found in the layout covers.
 */
function extend(lines: string[], a: number, b: number): [number, number] | null {
  const fa = functionAt(lines, a);
  const fb = a === b ? fa : functionAt(lines, b);
  const looksInside = (row: number): boolean => /^(?:[ \t]+\S|[{}])/.test(lines[row] ?? '');
  if ((!fa && looksInside(a)) || (!fb && looksInside(b))) return null;
  return [Math.min(a, fa?.[0] ?? a), Math.max(b, fb?.[1] ?? b)];
}

interface Member {
  view: HunkView;
  old: { at: number; rows: DiffLine[] };
  new: { at: number; rows: DiffLine[] };
}

type Rows = [number, number];

/** Hunks read together, and the rows of the file each side spans (from the first function to the last). */
interface Group {
  members: Member[];
  old: Rows;
  new: Rows;
}

const overlaps = (x: Rows, y: Rows): boolean => x[0] <= y[1] && y[0] <= x[1];

/** One side of a group: its rows of the file, the members' own lines in place, the others tree rows. */
function sideImage(side: Side, path: string, lines: string[], from: LineSource[], group: Group): Image {
  const { members } = group;
  const [s, e] = group[side];
  // In the document a tree row sits on the next hunk's header, or after the last hunk on its last line.
  const lastRows = members[members.length - 1][side].rows;
  const afterLast = lastRows[lastRows.length - 1].docLine;
  const rows: DiffLine[] = [];
  let k = 0;
  for (let r = s; r <= e;) {
    while (members[k] && members[k][side].at < r) k++;
    const m = members[k];
    if (m && r === m[side].at) {
      rows.push(...m[side].rows);
      r += m[side].rows.length;
      k++;
      continue;
    }
    const src = from[r];
    if (typeof src === 'number') {
      const row: TreeRow = {
        kind: 'context',
        text: lines[r],
        docLine: m ? m.view.hunk.headerLine : afterLast,
        segments: [],
        oldLine: null,
        newLine: null,
        restored: false,
        tree: { path, line: src + 1 },
      };
      rows.push(row);
    } else rows.push({ ...src, kind: 'context' });
    r++;
  }
  return new Image(side, rows);
}

function stepGroups(path: string, step: FileStep, viewOf: Map<object, HunkView>): WholeGroup[] {
  const placed: { member: Member; old: Rows; new: Rows }[] = [];
  for (const [hunk, at] of step.placed) {
    const view = viewOf.get(hunk);
    if (!view) continue;
    const oldRows = view.old.image.rows;
    const newRows = view.new.image.rows;
    if (!oldRows.length || !newRows.length) continue;
    const oldRange = extend(step.before, at.oldAt, at.oldAt + oldRows.length - 1);
    const newRange = extend(step.after, at.newAt, at.newAt + newRows.length - 1);
    if (!oldRange || !newRange) continue;
    placed.push({ member: { view, old: { at: at.oldAt, rows: oldRows }, new: { at: at.newAt, rows: newRows } }, old: oldRange, new: newRange });
  }
  placed.sort((x, y) => x.member.new.at - y.member.new.at);
  // A hunk whose functions meet the previous group's (on either side) joins it.
  const groups: Group[] = [];
  for (const p of placed) {
    const g = groups[groups.length - 1];
    if (g && (overlaps(g.old, p.old) || overlaps(g.new, p.new))) {
      g.members.push(p.member);
      g.old = [Math.min(g.old[0], p.old[0]), Math.max(g.old[1], p.old[1])];
      g.new = [Math.min(g.new[0], p.new[0]), Math.max(g.new[1], p.new[1])];
    } else groups.push({ members: [p.member], old: p.old, new: p.new });
  }
  return groups.map((g) => ({
    hunks: g.members.map((m) => m.view),
    path,
    old: sideImage('old', path, step.before, step.beforeFrom, g),
    new: sideImage('new', path, step.after, step.afterFrom, g),
  }));
}

/**
 * For each hunk the tree lets us read whole, its group. Files where a hunk of the series does not apply
 * are left out: their later states are not what the series means.
 */
export function wholeGroups(series: Series, hunks: HunkView[], tree: KernelTree): Map<HunkView, WholeGroup> {
  const out = new Map<HunkView, WholeGroup>();
  const viewOf = new Map<object, HunkView>(hunks.map((h) => [h.hunk, h]));
  for (const file of treeFiles(series, tree).values()) {
    if (file.failures.length || file.after === null) continue;
    for (const step of file.steps) {
      for (const group of stepGroups(file.path, step, viewOf)) for (const h of group.hunks) out.set(h, group);
    }
  }
  return out;
}
