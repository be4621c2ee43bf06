/**
 * @file Thread awareness: in a thread (an mbox of a patch and its replies), the lines of the patch a reply
 * has already commented on. A reviewer comments under the quoted line; a finding on that line, in the
 * reply's quote or on the patch it quotes, is marked as raised, with who raised it.
 */
import type { DiffLine, FileDiff, Hunk, Patch, Series } from './ingest';
import { parseQuote } from './ingest/quote';
import type { Finding } from './findings';

export interface Raised {
  /** The reply's author (its From header), or `a reply` when it has none. */
  by: string;
  /** The document line (0-based) of the comment. */
  line: number;
}

/** A quoted patch line a reply comments on, and the line it quotes in the patch, when the thread has it. */
interface CommentedLine {
  quoted: DiffLine;
  original: DiffLine | null;
  raised: Raised;
}

/** The last document line a diff line occupies (a wrapped line spans several). */
const lastDocLine = (l: DiffLine): number => l.segments.reduce((m, s) => Math.max(m, s.docLine), l.docLine);

/** The last line of a finding's range: a range that ends at a line's first column ends on the line before. */
export function lastLineOf(f: Finding): number {
  const { start, end } = f.range;
  return end.line > start.line && end.character === 0 ? end.line - 1 : end.line;
}

/** What ends a reply rather than comments on a line: a tag, a sign-off, a signature. */
const NOT_A_COMMENT =
  /^\s*(?:(?:Reviewed|Acked|Tested|Signed-off|Reported|Suggested)-by:|(?:thanks|thank you|cheers|regards|best regards|kind regards)\b|-- $)/i;

/**
 * The reply's own text under a quoted line: the first line after it, blank lines skipped, quoted less
 * deeply than the hunk, and not a tag or a sign-off (`Reviewed-by:` under the last line quoted is about
 * the patch, not that line); its document line, or null when the quote goes on.
 */
function commentUnder(series: Series, line: DiffLine, depth: number, end: number): number | null {
  for (let j = lastDocLine(line) + 1; j <= end; j++) {
    const q = parseQuote(series.lines[j] ?? '');
    if (q.content.trim() === '') {
      if (q.depth >= depth) return null;
      continue;
    }
    return q.depth < depth && !NOT_A_COMMENT.test(q.content) ? j : null;
  }
  return null;
}

const pathOf = (f: FileDiff): string | null => f.newPath ?? f.oldPath;

/** The hunks of each file path, with their patches: where a quoted line's original is looked for. */
type HunksByPath = Map<string | null, { patch: Patch; hunk: Hunk }[]>;

function hunksByPath(series: Series): HunksByPath {
  const out: HunksByPath = new Map();
  for (const patch of series.patches)
    for (const file of patch.files) {
      const list = out.get(pathOf(file)) ?? [];
      for (const hunk of file.hunks) list.push({ patch, hunk });
      out.set(pathOf(file), list);
    }
  return out;
}

/** A hunk's lines by kind and text, each with its indices in order (memoised: a thread asks of every line). */
const linesByText = new WeakMap<Hunk, Map<string, number[]>>();
function indicesOf(hunk: Hunk, line: DiffLine): number[] {
  let map = linesByText.get(hunk);
  if (!map) {
    map = new Map();
    hunk.lines.forEach((l, i) => {
      const k = `${l.kind}\u0000${l.text}`;
      const list = map!.get(k);
      if (list) list.push(i);
      else map!.set(k, [i]);
    });
    linesByText.set(hunk, map);
  }
  return map.get(`${line.kind}\u0000${line.text}`) ?? [];
}

const sameLine = (a: DiffLine, b: DiffLine): boolean => a.kind === b.kind && a.text === b.text;

/**
 * Each line of a quoted hunk matched to its line in the hunk it quotes. A quote keeps the lines' order but
 * may be cut anywhere (`[...]`, comments between): each run of lines quoted together is matched where it
 * reads the same as a whole, after the previous run (a lone line that occurs twice is otherwise taken for
 * the wrong one); a run that reads nowhere whole, line by line.
 */
const alignments = new WeakMap<Hunk, (DiffLine | null)[]>();
function alignQuote(original: Hunk, quoted: Hunk): (DiffLine | null)[] {
  const known = alignments.get(quoted);
  if (known) return known;
  const out: (DiffLine | null)[] = quoted.lines.map(() => null);
  const runs: number[][] = [];
  quoted.lines.forEach((l, i) => {
    const prev = quoted.lines[i - 1];
    const run = runs[runs.length - 1];
    if (run && prev && l.docLine <= lastDocLine(prev) + 1) run.push(i);
    else runs.push([i]);
  });
  // Before any run is placed, one that reads the same in two places could be either: it is left unmatched
  // (a finding wrongly taken for raised would be left out of a reply). After one, the first place after it.
  let from = 0;
  let anchored = false;
  for (const run of runs) {
    const places = indicesOf(original, quoted.lines[run[0]]).filter(
      (s) => s >= from && run.every((q, k) => original.lines[s + k] !== undefined && sameLine(original.lines[s + k], quoted.lines[q])),
    );
    if (places.length === 1 || (places.length > 1 && anchored)) {
      run.forEach((q, k) => (out[q] = original.lines[places[0] + k]));
      from = places[0] + run.length;
      anchored = true;
      continue;
    }
    if (places.length > 1) continue;
    for (const q of run) {
      const at = indicesOf(original, quoted.lines[q]).filter((s) => s >= from);
      if (at.length === 0 || (at.length > 1 && !anchored)) continue;
      out[q] = original.lines[at[0]];
      from = at[0] + 1;
      anchored = true;
    }
  }
  alignments.set(quoted, out);
  return out;
}

/**
 * The line a quoted one copies in another patch of the document: same file, the hunk with the same header
 * numbers, matched as alignQuote does; without that hunk, the one line of that file with the same kind and
 * text.
 */
function originalOf(byPath: HunksByPath, quotingPatch: Patch, file: FileDiff, hunk: Hunk, index: number): DiffLine | null {
  const line = hunk.lines[index];
  const candidates = (byPath.get(pathOf(file)) ?? []).filter((c) => c.patch !== quotingPatch && c.patch.quoteDepth < hunk.quoteDepth).map((c) => c.hunk);
  const header = candidates.find((h) => h.oldStart === hunk.oldStart && h.newStart === hunk.newStart);
  if (header) return alignQuote(header, hunk)[index];
  let found: DiffLine | null = null;
  for (const h of candidates) {
    const at = indicesOf(h, line);
    if (at.length > 1 || (at.length === 1 && found)) return null;
    if (at.length === 1) found = h.lines[at[0]];
  }
  return found;
}

/** Each line of a patch quoted in a reply (not one restored from the counts), with where it is. */
function* quotedLines(series: Series): Generator<{ patch: Patch; file: FileDiff; hunk: Hunk; line: DiffLine; index: number }> {
  for (const patch of series.patches) {
    if (patch.quoteDepth < 1) continue;
    for (const file of patch.files)
      for (const hunk of file.hunks) for (const [index, line] of hunk.lines.entries()) if (!line.restored) yield { patch, file, hunk, line, index };
  }
}

function commentedLines(series: Series): CommentedLine[] {
  const out: CommentedLine[] = [];
  const byPath = hunksByPath(series);
  for (const { patch, file, hunk, line, index } of quotedLines(series)) {
    const at = commentUnder(series, line, hunk.quoteDepth, patch.endLine);
    if (at === null) continue;
    out.push({ quoted: line, original: originalOf(byPath, patch, file, hunk, index), raised: { by: patch.from ?? 'a reply', line: at } });
  }
  return out;
}

/**
 * Each finding a reply in the document has already commented on: the comment is under the finding's own
 * line, in the reply's quote of the patch, or under the reply's quote of the line the finding is on.
 */
export function raisedFindings(series: Series, findings: readonly Finding[]): Map<Finding, Raised> {
  const out = new Map<Finding, Raised>();
  if (!series.patches.some((p) => p.quoteDepth >= 1)) return out;
  const byLine = new Map<number, Raised>();
  for (const c of commentedLines(series)) {
    for (const l of c.original ? [c.quoted, c.original] : [c.quoted]) {
      const at = lastDocLine(l);
      if (!byLine.has(at)) byLine.set(at, c.raised);
    }
  }
  if (byLine.size === 0) return out;
  for (const f of findings) {
    for (let line = f.range.start.line; line <= lastLineOf(f); line++) {
      const r = byLine.get(line);
      if (r) {
        out.set(f, r);
        break;
      }
    }
  }
  return out;
}

/**
 * The document lines of quoted patch lines whose original the document also holds (a reply's quote of a
 * patch in the same thread): a finding there is the patch's own finding again.
 */
export function copiedLines(series: Series): Set<number> {
  const out = new Set<number>();
  if (!series.patches.some((p) => p.quoteDepth >= 1)) return out;
  const byPath = hunksByPath(series);
  for (const { patch, file, hunk, line, index } of quotedLines(series)) {
    if (originalOf(byPath, patch, file, hunk, index)) for (const seg of line.segments) out.add(seg.docLine);
  }
  return out;
}
