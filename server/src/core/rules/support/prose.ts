/**
 * @file The prose of a mail, as paragraphs: the lines of each message's body that are not diff, quoted
 * patch or snippet, grouped where the quote depth stays the same and no blank line intervenes. Each
 * paragraph is one string (its lines joined by a space, quote prefixes removed) that maps back to the
 * document, so a rule can read a sentence a mail client wrapped and still point at the words.
 */
import { parseQuote } from '../../ingest/quote';
import type { Range, Series } from '../../ingest';

export interface Paragraph {
  /** Index of the message in series.messages (-1: a document without mail headers). */
  message: number;
  quoteDepth: number;
  text: string;
  /** Where each line's content starts in `text`, and where it is in the document. */
  pieces: { offset: number; line: number; col: number; length: number }[];
}

/** The document range of `text.slice(start, end)` in a paragraph. */
export function paragraphRange(p: Paragraph, start: number, end: number): Range {
  const at = (offset: number, isEnd: boolean): { line: number; character: number } => {
    let piece = p.pieces[0];
    for (const q of p.pieces) if (q.offset <= offset - (isEnd ? 1 : 0)) piece = q;
    const within = Math.min(Math.max(offset - piece.offset, 0), piece.length);
    return { line: piece.line, character: piece.col + within };
  };
  return { start: at(start, false), end: at(end, true) };
}

const memo = new WeakMap<Series, Paragraph[]>();

export function paragraphsOf(series: Series): Paragraph[] {
  const known = memo.get(series);
  if (known) return known;
  const code = new Set<number>();
  const mark = (from: number, to: number): void => {
    for (let l = from; l <= to; l++) code.add(l);
  };
  for (const p of series.patches) for (const f of p.files) for (const h of f.hunks) mark(h.headerLine, h.endLine);
  for (const f of [...series.fragments, ...series.snippets]) mark(f.line, f.endLine);
  const messages = series.messages.length
    ? series.messages.map((m, i) => ({ i, from: m.bodyStart, to: m.footerStart !== null ? m.footerStart - 1 : m.endLine }))
    : [{ i: -1, from: 0, to: series.lines.length - 1 }];
  const out: Paragraph[] = [];
  for (const m of messages) {
    let current: Paragraph | null = null;
    for (let line = m.from; line <= m.to && line < series.lines.length; line++) {
      const q = parseQuote(series.lines[line]);
      const content = q.content.trimEnd();
      if (code.has(line) || !content.trim() || (current && current.quoteDepth !== q.depth)) {
        if (current) out.push(current);
        current = null;
        if (code.has(line) || !content.trim()) continue;
      }
      current ??= { message: m.i, quoteDepth: q.depth, text: '', pieces: [] };
      if (current.text) current.text += ' ';
      const lead = content.length - content.trimStart().length;
      current.pieces.push({ offset: current.text.length, line, col: q.prefixLength + lead, length: content.length - lead });
      current.text += content.slice(lead);
    }
    if (current) out.push(current);
  }
  memo.set(series, out);
  return out;
}
