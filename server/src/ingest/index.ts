/** @file Ingestion: any patch text (diff, format-patch, mbox series, quoted reply) → Series. Never throws. */
import { DiffReader } from './diff';
import { findMarkedFragments } from './fragments';
import { messageStarts, parseSeriesNumber, readMessage } from './mail';
import { rebase, type MessageIngest } from './rebase';
import type { Fragment, IngestProblem, MailMessage, Patch, Series } from './types';

export type * from './types';
export type { MessageIngest } from './rebase';

/**
 * Ingested messages by their exact text. A message whose text is unchanged since the last ingest is
 * reused (moved if lines above it changed), so re-reading an edited series costs one message.
 */
export type IngestCache = Map<string, MessageIngest>;

/** Splits text into lines without terminators (LF, CRLF); a leading byte-order mark is dropped. */
export function splitLines(text: string): string[] {
  return splitLinesAt(text).lines;
}

/** Lines, and the offset in `text` where each starts (one more entry: the end). */
function splitLinesAt(text: string): { lines: string[]; offsets: number[] } {
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const lines: string[] = [];
  const offsets: number[] = [];
  let at = bom;
  while (at < text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    offsets.push(at);
    lines.push(text.charCodeAt(nl - 1) === 13 && nl > at ? text.slice(at, nl - 1) : text.slice(at, nl));
    at = nl + 1;
  }
  offsets.push(text.length);
  return { lines, offsets };
}

function ingestMessage(lines: string[], start: number, end: number): MessageIngest {
  const message = readMessage(lines, start, end);
  const bodyEnd = (message.footerStart ?? end + 1) - 1;
  const reader = new DiffReader(lines, message.bodyStart, bodyEnd);
  const files = reader.readAll(message.bodyStart, bodyEnd);
  const fragments = findMarkedFragments((i) => reader.quote(i), (i) => reader.isCovered(i), message.bodyStart, bodyEnd);
  const m = { base: start, message, files, fragments, problems: reader.problems };
  detachStrings(m);
  return m;
}

/**
 * V8 keeps a substring as a slice of its parent: a cached message would keep the whole document version
 * it was read from alive. Concatenating and slicing makes a copy that owns its characters.
 */
const detach = (s: string): string => (' ' + s).slice(1);

function detachStrings(m: MessageIngest): void {
  for (const k of Object.keys(m.message.headers)) m.message.headers[k] = detach(m.message.headers[k]);
  for (const f of m.files) {
    if (f.oldPath !== null) f.oldPath = detach(f.oldPath);
    if (f.newPath !== null) f.newPath = detach(f.newPath);
    if (f.oldIndex !== null) f.oldIndex = detach(f.oldIndex);
    if (f.newIndex !== null) f.newIndex = detach(f.newIndex);
    for (const h of f.hunks) {
      h.section = detach(h.section);
      for (const l of h.lines) l.text = detach(l.text);
    }
  }
  for (const fr of m.fragments) for (const l of fr.lines) l.text = detach(l.text);
}

export function ingest(text: string, cache?: IngestCache): Series {
  const { lines, offsets } = splitLinesAt(text);
  const starts = messageStarts(lines);
  const messages: MailMessage[] = [];
  const patches: Patch[] = [];
  const fragments: Fragment[] = [];
  const problems: IngestProblem[] = [];
  const used = new Map<string, MessageIngest>();
  for (let k = 0; k < starts.length && lines.length > 0; k++) {
    const start = starts[k];
    const end = (k + 1 < starts.length ? starts[k + 1] : lines.length) - 1;
    const key = text.slice(offsets[start], offsets[end + 1]);
    let m = used.has(key) ? undefined : cache?.get(key);
    if (m) rebase(m, start);
    else m = ingestMessage(lines, start, end);
    if (!used.has(key)) used.set(key, m);
    messages.push(m.message);
    fragments.push(...m.fragments);
    problems.push(...m.problems);
    if (m.files.length === 0) continue;
    const firstDiffLine = Math.min(...m.files.map((f) => f.headerLine));
    const subject = m.message.headers.subject ?? null;
    patches.push({
      index: patches.length + 1,
      subject,
      from: m.message.headers.from ?? null,
      date: m.message.headers.date ?? null,
      messageId: m.message.headers['message-id'] ?? null,
      number: parseSeriesNumber(subject),
      quoteDepth: m.files[0].hunks[0]?.quoteDepth ?? quoteDepthOf(lines[firstDiffLine]),
      anchorLine: m.message.subjectLine ?? firstDiffLine,
      startLine: m.message.startLine,
      endLine: m.message.endLine,
      files: m.files,
    });
  }
  if (cache) {
    // Keep only what this version of the document used: the cache follows the document, not its history.
    cache.clear();
    for (const [key, m] of used) cache.set(key, m);
  }
  return { lines, messages, patches, fragments, problems };
}

function quoteDepthOf(line: string): number {
  let d = 0;
  for (let i = 0; i < line.length && (line[i] === '>' || line[i] === ' '); i++) if (line[i] === '>') d++;
  return d;
}
