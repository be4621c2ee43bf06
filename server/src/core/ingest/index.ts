/** @file Ingestion: any patch text (diff, format-patch, mbox series, quoted reply) → Series. Never throws. */
import { DiffReader } from './diff';
import { findMarkedFragments } from './fragments';
import { findSnippetCandidates } from './snippet-candidates';
import { isHeaderLine, isMboxFromLine, parseSeriesNumber, readMessage } from './mail';
import { rebase, type MessageIngest } from './rebase';
import type { Fragment, IngestProblem, MailMessage, Patch, Series } from './types';
import type { DocumentPart } from './parts';

export type * from './types';
export type { MessageIngest } from './rebase';

/**
 * Ingested messages by their exact text. A message whose text is unchanged since the last ingest is
 * reused (moved if lines above it changed), so re-reading an edited series costs one message.
 */
export type IngestCache = Map<string, MessageIngest>;

/** Splits text into lines without terminators (LF, CRLF); a leading byte-order mark is dropped. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (at < text.length) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    lines.push(nl > at && text.charCodeAt(nl - 1) === 13 ? text.slice(at, nl - 1) : text.slice(at, nl));
    at = nl + 1;
  }
  return lines;
}

export interface MessageBounds {
  from: number;
  to: number;
  startLine: number;
}

/**
 * Where each message is, found in the text itself: the document is not split into lines unless a
 * message has to be read again.
 */
export function messageBounds(text: string): MessageBounds[] {
  const begin = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  if (begin >= text.length) return [];
  const starts: { at: number; line: number }[] = [{ at: begin, line: 0 }];
  let line = 0;
  let counted = begin;
  for (let i = text.indexOf('From ', begin); i >= 0; i = text.indexOf('From ', i + 5)) {
    if (i !== begin && text.charCodeAt(i - 1) !== 10) continue;
    const eol = text.indexOf('\n', i);
    const first = text.slice(i, eol < 0 ? text.length : eol).replace(/\r$/, '');
    if (!isMboxFromLine(first)) continue;
    const nextEnd = eol < 0 ? -1 : text.indexOf('\n', eol + 1);
    const second = eol < 0 ? '' : text.slice(eol + 1, nextEnd < 0 ? text.length : nextEnd).replace(/\r$/, '');
    if (eol >= 0 && !isHeaderLine(second)) continue;
    for (let n = text.indexOf('\n', counted); n >= 0 && n < i; n = text.indexOf('\n', n + 1)) line++;
    counted = i;
    if (i !== begin) starts.push({ at: i, line });
  }
  return starts.map((s, k) => ({ from: s.at, to: k + 1 < starts.length ? starts[k + 1].at : text.length, startLine: s.line }));
}

function ingestMessage(lines: string[], start: number, end: number): MessageIngest {
  const message = readMessage(lines, start, end);
  const bodyEnd = (message.footerStart ?? end + 1) - 1;
  const reader = new DiffReader(lines, message.bodyStart, bodyEnd);
  const files = reader.readAll(message.bodyStart, bodyEnd);
  const fragments = findMarkedFragments(
    (i) => reader.quote(i),
    (i) => reader.isCovered(i),
    message.bodyStart,
    bodyEnd,
  );
  const inFragment = new Set(fragments.flatMap((f) => f.lines.map((l) => l.docLine)));
  const snippets = findSnippetCandidates(
    (i) => reader.quote(i),
    (i) => reader.isCovered(i) || inFragment.has(i) || i < message.bodyStart,
    message.bodyStart,
    bodyEnd,
  );
  const firstFile = files[0];
  const quoteDepth = firstFile ? reader.quote(firstFile.headerLine).depth : 0;
  const m = { base: start, message, files, fragments, snippets, problems: reader.problems, quoteDepth, lines };
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
  if (m.message.baseCommit) m.message.baseCommit.id = detach(m.message.baseCommit.id);
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
  for (const fr of [...m.fragments, ...m.snippets]) {
    fr.text = detach(fr.text);
    for (const l of fr.lines) l.text = detach(l.text);
  }
}

/**
 * Reads the document, or only `part` of it (a part of a very large mbox, see parts.ts): positions stay
 * document positions, `text` is then the part's text and `lines` holds the part's lines at their document
 * indices.
 */
export function ingest(text: string, cache?: IngestCache, part?: DocumentPart): Series {
  const messages: MailMessage[] = [];
  const patches: Patch[] = [];
  const fragments: Fragment[] = [];
  const snippets: Fragment[] = [];
  const problems: IngestProblem[] = [];
  const used = new Map<string, MessageIngest>();
  const read: MessageIngest[] = [];
  for (const b of part?.messages ?? messageBounds(text)) {
    const key = text.slice(b.from, b.to);
    let m = used.has(key) ? undefined : cache?.get(key);
    if (!m) {
      // A cached message keeps its lines: split from a copy, so they do not keep this document version alive.
      const lines = splitLines(cache ? detach(key) : key);
      m = ingestMessage(lines, 0, lines.length - 1);
    }
    read.push(m);
    rebase(m, b.startLine);
    if (!used.has(key)) used.set(key, m);
    messages.push(m.message);
    fragments.push(...m.fragments);
    snippets.push(...m.snippets);
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
      quoteDepth: m.files[0].hunks[0]?.quoteDepth ?? m.quoteDepth,
      anchorLine: m.message.subjectLine ?? firstDiffLine,
      startLine: m.message.startLine,
      endLine: m.message.endLine,
      files: m.files,
      baseCommit: m.message.baseCommit?.id ?? null,
    });
  }
  const seriesBase = messages.find((msg) => msg.baseCommit)?.baseCommit?.id ?? null;
  for (const p of patches) p.baseCommit ??= seriesBase;
  if (cache) {
    // Keep only what this version of the document used: the cache follows the document, not its history.
    cache.clear();
    for (const [key, m] of used) cache.set(key, m);
  }
  let lines: string[] | null = null;
  const own = part ? text.slice(part.from, part.to) : text;
  return {
    text: own,
    get lines(): string[] {
      if (lines) return lines;
      // A part's array is holey: its lines at their document indices, nothing stored for the lines before it.
      lines = part ? new Array<string>(part.startLine) : [];
      for (const m of read) for (const l of m.lines) lines.push(l);
      return lines;
    },
    messages,
    patches,
    fragments,
    snippets,
    problems,
  };
}
