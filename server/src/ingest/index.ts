/** @file Ingestion: any patch text (diff, format-patch, mbox series, quoted reply) → Series. Never throws. */
import { DiffReader } from './diff';
import { findMarkedFragments } from './fragments';
import { parseSeriesNumber, splitMessages } from './mail';
import type { Fragment, IngestProblem, Patch, Series } from './types';

export type * from './types';

/** Splits text into lines without terminators (LF, CRLF); a leading byte-order mark is dropped. */
export function splitLines(text: string): string[] {
  const t = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (t === '') return [];
  const lines = t.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (l.charCodeAt(l.length - 1) === 13) lines[i] = l.slice(0, -1);
  }
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function ingest(text: string): Series {
  const lines = splitLines(text);
  const problems: IngestProblem[] = [];
  const covered = new Uint8Array(lines.length);
  const reader = new DiffReader(lines, problems, covered);
  const messages = splitMessages(lines);
  const patches: Patch[] = [];
  const fragments: Fragment[] = [];
  for (const msg of messages) {
    const bodyEnd = (msg.footerStart ?? msg.endLine + 1) - 1;
    const files = reader.readAll(msg.bodyStart, bodyEnd);
    fragments.push(...findMarkedFragments((i) => reader.quote(i), covered, msg.bodyStart, bodyEnd));
    if (files.length === 0) continue;
    const firstDiffLine = Math.min(...files.map((f) => f.headerLine));
    const subject = msg.headers.subject ?? null;
    patches.push({
      index: patches.length + 1,
      subject,
      from: msg.headers.from ?? null,
      date: msg.headers.date ?? null,
      messageId: msg.headers['message-id'] ?? null,
      number: parseSeriesNumber(subject),
      quoteDepth: reader.quote(firstDiffLine).depth,
      anchorLine: msg.subjectLine ?? firstDiffLine,
      startLine: msg.startLine,
      endLine: msg.endLine,
      files,
      text: lines.slice(msg.startLine, msg.endLine + 1).join('\n'),
    });
  }
  return { lines, messages, patches, fragments, problems };
}
