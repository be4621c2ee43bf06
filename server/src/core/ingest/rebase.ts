/**
 * @file Moves an ingested message to a new first line. A message whose text did not change is reused
 * from the cache; if lines were added or removed above it, its positions shift by the same amount.
 */
import type { DiffLine, FileDiff, Fragment, IngestProblem, MailMessage } from './types';

export interface MessageIngest {
  /** The first document line the positions inside currently refer to. */
  base: number;
  message: MailMessage;
  files: FileDiff[];
  fragments: Fragment[];
  snippets: Fragment[];
  problems: IngestProblem[];
  /** Quote depth of the first diff line (for a patch without hunks). */
  quoteDepth: number;
  /** The message's lines (the series' lines are these, message after message: the document is not split again). */
  lines: string[];
}

function shiftLines(lines: DiffLine[], delta: number): void {
  for (const l of lines) {
    l.docLine += delta;
    for (const s of l.segments) s.docLine += delta;
  }
}

export function rebase(m: MessageIngest, base: number): void {
  const delta = base - m.base;
  if (delta === 0) return;
  m.base = base;
  const msg = m.message;
  msg.startLine += delta;
  msg.endLine += delta;
  msg.bodyStart += delta;
  if (msg.subjectLine !== null) msg.subjectLine += delta;
  if (msg.footerStart !== null) msg.footerStart += delta;
  if (msg.baseCommit !== null) msg.baseCommit.line += delta;
  for (const f of m.files) {
    f.headerLine += delta;
    for (const h of f.hunks) {
      h.headerLine += delta;
      h.endLine += delta;
      shiftLines(h.lines, delta);
    }
  }
  for (const fr of [...m.fragments, ...m.snippets]) {
    fr.line += delta;
    fr.endLine += delta;
    shiftLines(fr.lines, delta);
  }
  for (const p of m.problems) {
    p.range.start.line += delta;
    p.range.end.line += delta;
  }
}
