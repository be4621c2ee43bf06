/**
 * @file Quick-fix edits on patch text that keep the patch applicable: an added line is edited in place;
 * a context line is replaced by a removed/added pair (the hunk header's counts stay right); removed
 * lines and lines rejoined from a wrap are not edited.
 */
import type { TextEdit } from '../../findings';
import { parseQuote } from '../../ingest/quote';
import type { DiffLine } from '../../ingest';

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
