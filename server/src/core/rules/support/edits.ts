/**
 * @file Quick-fix edits on patch text that keep the patch applicable: an added line is edited in place;
 * a context line is replaced by a removed/added pair (the hunk header's counts stay right); removed
 * lines and lines rejoined from a wrap are not edited. Added lines put into a hunk are counted in its header.
 */
import type { TextEdit } from '../../findings';
import { parseQuote } from '../../ingest/quote';
import type { DiffLine, FileDiff, Hunk, Series } from '../../ingest';

export function editHunkLine(doc: string[], line: DiffLine, fromCol: number, toCol: number, newText: string): TextEdit[] | null {
  if (line.restored || line.segments.length !== 1 || line.kind === 'remove') return null;
  const seg = line.segments[0];
  if (line.kind === 'add') {
    return [
      {
        range: { start: { line: seg.docLine, character: seg.docCol + fromCol }, end: { line: seg.docLine, character: seg.docCol + toCol } },
        newText,
      },
    ];
  }
  const raw = doc[seg.docLine];
  const quote = raw.slice(0, parseQuote(raw).prefixLength);
  const edited = line.text.slice(0, fromCol) + newText + line.text.slice(toCol);
  return [
    {
      range: { start: { line: seg.docLine, character: 0 }, end: { line: seg.docLine, character: raw.length } },
      newText: `${quote}-${line.text}\n${quote}+${edited}`,
    },
  ];
}

/** New added lines next to a line of a hunk: before it or after it, in order. */
export interface LineInsertion {
  line: DiffLine;
  where: 'before' | 'after';
  texts: string[];
}

const HUNK_NEW_SIDE = /^(@@ -\d+(?:,\d+)? )\+(\d+)(?:,(\d+))?( @@)/;

/**
 * Added lines put into hunks, with each changed hunk's header counting them and the later hunks of its
 * file starting that much further down: the patch still applies and still reads back the same. Null when
 * a line cannot take a neighbour (removed, rejoined from a wrap, restored) or a header does not parse.
 */
export function insertHunkLines(doc: string[], series: Series, inserts: LineInsertion[]): TextEdit[] | null {
  const edits: TextEdit[] = [];
  // Lines added per hunk, and the files those hunks are in.
  const added = new Map<Hunk, number>();
  const files = new Set<FileDiff>();
  for (const ins of inserts) {
    const { line } = ins;
    if (line.restored || line.segments.length !== 1 || line.kind === 'remove') return null;
    const found = hunkOf(series, line);
    if (!found) return null;
    const { hunk } = found;
    files.add(found.file);
    const raw = doc[line.docLine];
    const quote = raw.slice(0, parseQuote(raw).prefixLength);
    const text = ins.texts.map((t) => `${quote}+${t}`).join('\n');
    edits.push(
      ins.where === 'before'
        ? { range: { start: { line: line.docLine, character: 0 }, end: { line: line.docLine, character: 0 } }, newText: `${text}\n` }
        : { range: { start: { line: line.docLine, character: raw.length }, end: { line: line.docLine, character: raw.length } }, newText: `\n${text}` },
    );
    added.set(hunk, (added.get(hunk) ?? 0) + ins.texts.length);
  }
  for (const file of files) {
    let shift = 0;
    for (const hunk of file.hunks) {
      const more = added.get(hunk) ?? 0;
      if (more || shift) {
        const edit = headerEdit(doc, hunk, shift, more);
        if (!edit) return null;
        edits.push(edit);
      }
      shift += more;
    }
  }
  return edits;
}

const hunkIndex = new WeakMap<Series, { hunk: Hunk; file: FileDiff }[]>();

/**
 * The hunk and file a hunk line belongs to: found by its document line among the series' hunks (in
 * document order), indexed once per series by hunk, not by line, since every analysis is a new series.
 */
function hunkOf(series: Series, line: DiffLine): { hunk: Hunk; file: FileDiff } | null {
  let hunks = hunkIndex.get(series);
  if (!hunks) {
    hunks = series.patches.flatMap((p) => p.files.flatMap((file) => file.hunks.map((hunk) => ({ hunk, file }))));
    hunks.sort((a, b) => a.hunk.headerLine - b.hunk.headerLine);
    hunkIndex.set(series, hunks);
  }
  let lo = 0;
  let hi = hunks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (hunks[mid].hunk.headerLine <= line.docLine) lo = mid;
    else hi = mid - 1;
  }
  const at = hunks[lo];
  return at && at.hunk.headerLine <= line.docLine && line.docLine <= at.hunk.endLine && at.hunk.lines.includes(line) ? at : null;
}

/** The header's `+start,count` moved down by `shift` and grown by `more`. */
function headerEdit(doc: string[], hunk: Hunk, shift: number, more: number): TextEdit | null {
  const raw = doc[hunk.headerLine];
  const at = parseQuote(raw).prefixLength;
  const m = HUNK_NEW_SIDE.exec(raw.slice(at));
  if (!m) return null;
  const from = at + m[1].length;
  const to = from + 1 + m[2].length + (m[3] === undefined ? 0 : 1 + m[3].length);
  const count = (m[3] === undefined ? 1 : Number(m[3])) + more;
  return {
    range: { start: { line: hunk.headerLine, character: from }, end: { line: hunk.headerLine, character: to } },
    newText: `+${Number(m[2]) + shift},${count}`,
  };
}
