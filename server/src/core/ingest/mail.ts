/** @file Mail structure: mbox message boundaries, header blocks (including damaged ones), the list archive footer. */
import type { MailMessage, SeriesNumber } from './types';

const MBOX_FROM = /^From \S+\s+(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d{1,2} \d\d:\d\d:\d\d \d{4}/;
const HEADER = /^([A-Za-z][A-Za-z0-9-]*):[ \t]?(.*)$/;
const ADDRESS_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'reply-to', 'sender']);
/** public-inbox prints this after the message; nothing after it is part of the mail. */
const FOOTER = /^(?:(?:(?:next|prev|parent)\s+)*reply other threads:|Thread overview: |Reply instructions:$)/;

export function isMboxFromLine(line: string): boolean {
  return line.startsWith('From ') && MBOX_FROM.test(line);
}

export function isHeaderLine(line: string): boolean {
  return HEADER.test(line);
}

function isFooterLine(line: string): boolean {
  return FOOTER.test(line);
}

export function readMessage(lines: string[], start: number, end: number): MailMessage {
  let i = start;
  if (i <= end && isMboxFromLine(lines[i])) i++;
  const headers: Record<string, string> = {};
  let subjectLine: number | null = null;
  let last: string | null = null;
  const headerStart = i;
  while (i <= end) {
    const line = lines[i];
    if (line === '') {
      if (last !== null) i++;
      break;
    }
    const m = HEADER.exec(line);
    if (m && !(last !== null && isAddressContinuation(last, headers[last], line))) {
      const name = m[1].toLowerCase();
      last = name;
      headers[name] = headers[name] === undefined ? m[2] : headers[name];
      if (name === 'subject' && subjectLine === null) subjectLine = i;
      i++;
      continue;
    }
    if (last !== null && (/^[ \t]/.test(line) || isAddressContinuation(last, headers[last], line))) {
      headers[last] = `${headers[last]} ${line.trim()}`;
      i++;
      continue;
    }
    break;
  }
  if (last === null) i = headerStart;
  let footerStart: number | null = null;
  for (let j = i; j <= end; j++) {
    if (isFooterLine(lines[j])) {
      footerStart = j;
      break;
    }
  }
  for (const key of Object.keys(headers)) headers[key] = cleanHeader(key, headers[key]);
  const baseCommit = findBaseCommit(lines, i, (footerStart ?? end + 1) - 1);
  return { startLine: start, endLine: end, headers, subjectLine, bodyStart: i, footerStart, baseCommit };
}

/** `base-commit: <id>` as format-patch and b4 write it: a full or abbreviated hex id alone on its line. */
const BASE_COMMIT = /^base-commit:\s*([0-9a-fA-F]{7,64})\s*$/;

/** The first unquoted `base-commit:` line of a body (a quoted one is somebody else's series). */
function findBaseCommit(lines: string[], from: number, to: number): MailMessage['baseCommit'] {
  for (let j = from; j <= to; j++) {
    const line = lines[j];
    if (line.charCodeAt(0) !== 98 /* b */) continue;
    const m = BASE_COMMIT.exec(line);
    if (m) return { id: m[1].toLowerCase(), line: j };
  }
  return null;
}

/**
 * Archives lose the indentation of folded address lists, so a continuation reads like a body line.
 * It is one when the previous value ends with a comma or the line is itself an address.
 */
function isAddressContinuation(header: string, value: string | undefined, line: string): boolean {
  if (!ADDRESS_HEADERS.has(header) || value === undefined) return false;
  if (HEADER.test(line) && !/^[^:]*@/.test(line)) return false;
  if (/,\s*$/.test(value)) return true;
  return /^\s*(?:<[^>]+@[^>]+>|"[^"]*"\s*<|[^\s@<>"]+@[^\s@<>"]+\s*,?\s*$)/.test(line);
}

function cleanHeader(name: string, value: string): string {
  let v = decodeEncodedWords(value.trim());
  // public-inbox decorations on its HTML-to-text rendering
  v = v.replace(/(?<!\s)\s*\[thread overview\]$/, '').replace(/(?<!\s)\s*\(raw\)$/, '');
  if (name === 'message-id' || name === 'in-reply-to') v = v.replace(/^<(.*)>$/, '$1');
  return v;
}

/** RFC 2047 encoded words (`=?UTF-8?q?...?=`), as git format-patch writes non-ASCII names. */
function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  return value
    .replace(/(=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)/g, '$1')
    .replace(/=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g, (whole, charset: string, enc: string, text: string) => {
      try {
        let bytes: Uint8Array;
        if (enc === 'B' || enc === 'b') {
          const bin = atob(text);
          bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
        } else {
          const raw = text.replace(/_/g, ' ');
          const out: number[] = [];
          for (let k = 0; k < raw.length; k++) {
            if (raw[k] === '=' && /^[0-9A-Fa-f]{2}$/.test(raw.slice(k + 1, k + 3))) {
              out.push(parseInt(raw.slice(k + 1, k + 3), 16));
              k += 2;
            } else out.push(raw.charCodeAt(k) & 0xff);
          }
          bytes = Uint8Array.from(out);
        }
        return new TextDecoder(charset.toLowerCase() === 'utf8' ? 'utf-8' : charset).decode(bytes);
      } catch {
        return whole;
      }
    });
}

/** `[PATCH v2 04/49]` → 4 of 49. */
export function parseSeriesNumber(subject: string | null): SeriesNumber | null {
  if (!subject) return null;
  const m = /\[[^\][]*?\b(\d+)\s*\/\s*(\d+)\s*\]/.exec(subject);
  if (!m) return null;
  const n = Number(m[1]);
  const total = Number(m[2]);
  return n <= total ? { n, total } : null;
}
