/**
 * @file A very large mbox (a day of a list's traffic) cut into parts of whole messages, so that each part is
 * analysed on its own and memory stays bounded by the part, not the document. A part ends where a message
 * starts something new (a patch numbered 0 or 1 of a series, a message that is not part of one, another
 * series length), so series stay whole; only a single series larger than twice the part size is cut, at
 * patch boundaries, into parts of about equal size.
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

/**
 * Parts of about `target` characters (up to twice that, to keep a series whole), in document order. A series
 * larger than twice the target is cut into as few parts as that bound allows, of about equal size (cutting
 * it wherever a part reached twice the target left one large part and a small one: the large one set the
 * peak memory).
 */
export function seriesParts(text: string, target: number): DocumentPart[] {
  // Runs of messages that belong together: a run starts where a message starts something new.
  const runs: MessageBounds[][] = [];
  let previousTotal: number | null = null;
  for (const b of messageBounds(text)) {
    const n = parseSeriesNumber(subjectOf(text, b.from, b.to));
    const startsSomething = !n || n.n <= 1 || n.total !== previousTotal;
    previousTotal = n?.total ?? null;
    if (startsSomething || !runs.length) runs.push([b]);
    else runs[runs.length - 1].push(b);
  }
  const parts: DocumentPart[] = [];
  let current: DocumentPart | null = null;
  const open = (b: MessageBounds): DocumentPart => {
    const part = { from: b.from, to: b.to, startLine: b.startLine, messages: [b] };
    parts.push(part);
    return part;
  };
  const add = (part: DocumentPart, b: MessageBounds): void => {
    part.to = b.to;
    part.messages.push(b);
  };
  for (const run of runs) {
    const runSize = run[run.length - 1].to - run[0].from;
    if (runSize > 2 * target) {
      const each = runSize / Math.ceil(runSize / (2 * target));
      let piece = open(run[0]);
      for (const b of run.slice(1)) {
        // Cut before a patch when the piece is closer to its share without it than with it.
        if (piece.to - piece.from + (b.to - b.from) / 2 > each) piece = open(b);
        else add(piece, b);
      }
      current = piece;
      continue;
    }
    // A run joins the part before it while that part is small and the two fit in twice the target.
    const size = current ? current.to - current.from : 0;
    if (!current || size >= target || size + runSize > 2 * target) current = open(run[0]);
    else add(current, run[0]);
    for (const b of run.slice(1)) add(current, b);
  }
  return parts;
}
