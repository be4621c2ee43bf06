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

/**
 * The reply's own text under a quoted line: the first line after it, blank lines skipped, quoted less
 * deeply than the hunk; its document line, or null when the quote goes on.
 */
function commentUnder(series: Series, line: DiffLine, depth: number, end: number): number | null {
  for (let j = lastDocLine(line) + 1; j <= end; j++) {
    const q = parseQuote(series.lines[j] ?? '');
    if (q.content.trim() === '') {
      if (q.depth >= depth) return null;
      continue;
    }
    return q.depth < depth ? j : null;
  }
  return null;
}

const pathOf = (f: FileDiff): string | null => f.newPath ?? f.oldPath;

/**
 * The line a quoted one copies in another patch of the document: same file, the hunk with the same header
 * numbers, the same kind and text (the first at or after its place in the quote, which may be trimmed);
 * without that hunk, the one line of that file with the same kind and text.
 */
function originalOf(series: Series, quotingPatch: Patch, file: FileDiff, hunk: Hunk, index: number): DiffLine | null {
  const line = hunk.lines[index];
  const same = (l: DiffLine): boolean => l.kind === line.kind && l.text === line.text;
  const candidates: Hunk[] = [];
  for (const p of series.patches) {
    if (p === quotingPatch || p.quoteDepth >= hunk.quoteDepth) continue;
    for (const f of p.files) if (pathOf(f) === pathOf(file)) candidates.push(...f.hunks);
  }
  const header = candidates.find((h) => h.oldStart === hunk.oldStart && h.newStart === hunk.newStart);
  if (header) return header.lines.find((l, i) => i >= index && same(l)) ?? header.lines.find(same) ?? null;
  const matches = candidates.flatMap((h) => h.lines.filter(same));
  return matches.length === 1 ? matches[0] : null;
}

function commentedLines(series: Series): CommentedLine[] {
  const out: CommentedLine[] = [];
  for (const patch of series.patches) {
    if (patch.quoteDepth < 1) continue;
    const by = patch.from ?? 'a reply';
    for (const file of patch.files) {
      for (const hunk of file.hunks) {
        hunk.lines.forEach((line, i) => {
          if (line.restored) return;
          const at = commentUnder(series, line, hunk.quoteDepth, patch.endLine);
          if (at === null) return;
          out.push({ quoted: line, original: originalOf(series, patch, file, hunk, i), raised: { by, line: at } });
        });
      }
    }
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
  for (const patch of series.patches) {
    if (patch.quoteDepth < 1) continue;
    for (const file of patch.files)
      for (const hunk of file.hunks)
        hunk.lines.forEach((line, i) => {
          if (line.restored || !originalOf(series, patch, file, hunk, i)) return;
          for (const s of line.segments) out.add(s.docLine);
        });
  }
  return out;
}
