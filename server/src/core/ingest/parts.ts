/**
 * @file A very large mbox (a day of a list's traffic) cut into parts of whole messages, so that each part is
 * analysed on its own and memory stays bounded by the part, not the document. A part ends where a message
 * starts something new (a patch numbered 0 or 1 of a series, a message that is not part of one, another
 * series length), so series stay whole; only a single series larger than twice the part size is cut, at a
 * patch boundary.
 */
import { messageBounds, type MessageBounds } from './index';
import { parseSeriesNumber } from './mail';

export interface DocumentPart {
  /** Character offsets in the document. */
  from: number;
  to: number;
  /** The document line the part starts on (0-based). */
  startLine: number;
  /** Its messages. */
  messages: MessageBounds[];
}

/** The subject of a message, read from its first header block. */
function subjectOf(text: string, from: number, to: number): string | null {
  const head = text.slice(from, Math.min(to, from + 8192));
  const end = head.search(/\r?\n\r?\n/);
  return /^Subject:[ \t]*(.*)$/im.exec(end < 0 ? head : head.slice(0, end))?.[1] ?? null;
}

/** Parts of about `target` characters (up to twice that, to keep a series whole), in document order. */
export function seriesParts(text: string, target: number): DocumentPart[] {
  const parts: DocumentPart[] = [];
  let current: DocumentPart | null = null;
  let previousTotal: number | null = null;
  for (const b of messageBounds(text)) {
    const n = parseSeriesNumber(subjectOf(text, b.from, b.to));
    const startsSomething = !n || n.n <= 1 || n.total !== previousTotal;
    previousTotal = n?.total ?? null;
    const size = current ? current.to - current.from : 0;
    if (!current || (startsSomething && size >= target) || size >= 2 * target) {
      current = { from: b.from, to: b.to, startLine: b.startLine, messages: [b] };
      parts.push(current);
    } else {
      current.to = b.to;
      current.messages.push(b);
    }
  }
  return parts;
}
