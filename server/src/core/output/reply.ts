/**
 * @file The review reply: for each message of a document that has findings, the mail a reviewer sends
 * back to the list. The message is quoted with one more `>`, trimmed to the lines around each finding
 * (`[...]` where lines were cut; the commit message, diffstat and files without findings go), and each
 * finding is a plain-text comment right under its line. Nothing is sent: the text is an `.eml`.
 */
import type { DiffLine, FileDiff, Hunk, MailMessage, Patch, Series } from '../ingest';
import { openDefinition } from '../c/syntax/scan';
import type { Finding } from '../findings';
import { parseQuote } from '../ingest/quote';
import { copiedLines, lastLineOf } from '../raised';
import { addressOf, foldHeader, oneLine, plainText, quoteLine, replySubject, splitAddresses, wrapText } from './mail-text';

export interface ReplyOptions {
  /** Lines of the patch kept above and below a finding's line (default 3). */
  context?: number;
  /** Where comments are wrapped (default 72 columns). */
  width?: number;
  /** The reviewer (`Name <address>`): the reply's From, and left out of its Cc. */
  from?: string;
  /** Findings a reply in the thread already raised go in too (default: left out). */
  includeRaised?: boolean;
}

export interface ReplyMail {
  /** The Message-ID of the message replied to (without angle brackets), when it has one. */
  inReplyTo: string | null;
  /** The reply's subject. */
  subject: string;
  /** The patch replied to (its 1-based index in the document), or null for a message without a diff. */
  patch: number | null;
  /** The findings the reply comments on, in document order. */
  findings: Finding[];
  /** The mail: headers, a blank line, the body; lines end with `\n`. */
  text: string;
}

/**
 * Findings about the analysis itself or the reviewer's own kernel tree, not about the patch: nothing to
 * tell its author.
 */
const NOT_FOR_THE_LIST = new Set(['analysis-limit', 'tree-base']);

/** Whether a finding's rule speaks about the patch (not the analysis, not the reviewer's tree): one a reply may carry. */
export const aboutThePatch = (f: Finding): boolean => !NOT_FOR_THE_LIST.has(f.ruleId);

/**
 * Whether a finding is for the list: not a note about the analysis, and not damage in somebody's quote of
 * a patch (a quote cut short or rewrapped by a mail client says nothing about the patch).
 */
function forTheList(series: Series, f: Finding): boolean {
  if (!aboutThePatch(f)) return false;
  return f.ruleId !== 'malformed-patch' || parseQuote(series.lines[f.range.start.line] ?? '').depth === 0;
}

/** Where a document line of a hunk is in its kernel file: the patched file's line, the old one for a removed line. */
export type FileLines = Map<number, { path: string; line: number }>;

const fileLinesMemo = new WeakMap<Series, FileLines>();

/** The file line of every hunk line of the document (each line a wrapped one was rejoined from, too); once per series. */
export function fileLinesOf(series: Series): FileLines {
  const known = fileLinesMemo.get(series);
  if (known) return known;
  const out: FileLines = new Map();
  fileLinesMemo.set(series, out);
  for (const p of series.patches)
    for (const file of p.files) {
      const path = file.newPath ?? file.oldPath;
      if (path === null) continue;
      for (const h of file.hunks)
        for (const l of h.lines) {
          const line = l.kind === 'remove' ? l.oldLine : l.newLine;
          if (line === null || l.restored) continue;
          for (const s of l.segments) out.set(s.docLine, { path, line });
        }
    }
  return out;
}

/**
 * A finding as a comment: its sentence, and the model's key figure where it adds one. `lines`: the
 * document's hunk lines in their files, so that `line 611` of the reviewer's mailbox reads as the line of
 * the file the list knows (`line 283`, or `mm/foo.c:283` in another file).
 */
export function commentText(f: Finding, lines?: FileLines): string {
  const message = lines
    ? f.message.replace(/\bline (\d+)\b/g, (whole, n: string) => {
        const at = lines.get(Number(n) - 1);
        return !at ? whole : at.path === f.file ? `line ${at.line}` : `${at.path}:${at.line}`;
      })
    : f.message;
  let text = plainText(message).trim();
  if (!f.message.startsWith('`')) text = text.charAt(0).toUpperCase() + text.slice(1);
  if (!/[.!?]$/.test(text)) text += '.';
  const figure = f.model?.figure ? plainText(f.model.figure).trim() : '';
  if (figure && !text.includes(figure)) text += ` ${figure.charAt(0).toUpperCase()}${figure.slice(1)}${/[.!?]$/.test(figure) ? '' : '.'}`;
  return text;
}

/** The patch a message carries, if any. */
const patchOf = (series: Series, message: MailMessage): Patch | null => series.patches.find((p) => p.startLine === message.startLine) ?? null;

/** A finding's comment as the lines a reply writes it in. */
const commentLines = (f: Finding, lines: FileLines, options: ReplyOptions): string[] => wrapText(commentText(f, lines), options.width ?? 72);

/** The message a document line is in. */
function messageAt(series: Series, line: number): MailMessage | null {
  for (const m of series.messages) if (m.startLine <= line && line <= m.endLine) return m;
  return null;
}

/**
 * One reply per message with findings to send (a series: one per patch that has them, a cover letter
 * too when a finding is in its text), in document order.
 */
export function composeReplies(series: Series, findings: readonly Finding[], options: ReplyOptions = {}): ReplyMail[] {
  const copies = copiedLines(series);
  const byMessage = new Map<MailMessage, Finding[]>();
  for (const f of findings) {
    if (!forTheList(series, f) || (f.raised && !options.includeRaised)) continue;
    // A reply's quote of a patch the thread holds: the finding is the patch's own, replied to there.
    if (copies.has(f.range.start.line)) continue;
    const m = messageAt(series, f.range.start.line);
    if (!m) continue;
    const list = byMessage.get(m) ?? [];
    list.push(f);
    byMessage.set(m, list);
  }
  return series.messages.flatMap((m) => {
    const list = byMessage.get(m);
    return list ? [composeReply(series, m, list, options)] : [];
  });
}

function composeReply(series: Series, message: MailMessage, findings: Finding[], options: ReplyOptions): ReplyMail {
  const patch = patchOf(series, message);
  const sorted = [...findings].sort((a, b) => lastLineOf(a) - lastLineOf(b) || a.range.start.line - b.range.start.line);
  const subject = replySubject(message.headers.subject ?? patch?.subject ?? null);
  const body = replyBody(series, message, patch, sorted, options);
  const text = [...replyHeaders(message, subject, options), '', ...body].join('\n') + '\n';
  return { inReplyTo: message.headers['message-id'] ?? null, subject, patch: patch?.index ?? null, findings: sorted, text };
}

function replyHeaders(message: MailMessage, subject: string, options: ReplyOptions): string[] {
  const h = message.headers;
  const out: string[] = [];
  const from = options.from === undefined ? undefined : oneLine(options.from);
  if (from) out.push(`From: ${from}`);
  const to = splitAddresses(h.from);
  // Everyone the patch went to stays on the reply, the reviewer and its author once.
  const seen = new Set([...to, ...(from ? [from] : [])].map(addressOf));
  const cc: string[] = [];
  for (const a of [...splitAddresses(h.to), ...splitAddresses(h.cc)]) {
    if (seen.has(addressOf(a))) continue;
    seen.add(addressOf(a));
    cc.push(a);
  }
  if (to.length) out.push(foldHeader('To', to, ', '));
  if (cc.length) out.push(foldHeader('Cc', cc, ', '));
  out.push(`Subject: ${subject}`);
  const id = h['message-id'];
  if (id) {
    const refs = (h.references ?? (h['in-reply-to'] ? `<${h['in-reply-to']}>` : '')).match(/<[^<>\s]+>/g) ?? [];
    out.push(`In-Reply-To: <${id}>`);
    out.push(foldHeader('References', [...new Set([...refs, `<${id}>`])], ' '));
  }
  out.push('MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit');
  return out;
}

/** The usual attribution line: `On <date>, <author> wrote:`. */
function attribution(message: MailMessage): string | null {
  const { date, from } = message.headers;
  if (from && date) return `On ${date}, ${from} wrote:`;
  if (from) return `${from} wrote:`;
  return null;
}

/** Lines [from, to] of the document a unit of the message spans: a file's header, or one hunk. */
interface Unit {
  from: number;
  to: number;
  /** Lines kept with any line of the unit: its hunk header, its file's header. */
  withIt: number[];
  hunk?: Hunk;
}

function diffUnits(files: readonly FileDiff[]): Unit[] {
  const units: Unit[] = [];
  for (const file of files) {
    const first = file.hunks[0]?.headerLine ?? file.headerLine + 1;
    const header = range(file.headerLine, first - 1);
    units.push({ from: file.headerLine, to: first - 1, withIt: header });
    for (const h of file.hunks) units.push({ from: h.headerLine + 1, to: h.endLine, withIt: [...header, h.headerLine], hunk: h });
  }
  return units;
}

const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

/** What a reply quotes of a message, and where its comments go. */
interface QuotePlan {
  /** Document lines quoted. */
  keep: Set<number>;
  /** New comments, by the document line they go under. */
  comments: Map<number, Finding[]>;
  /** Findings on the headers: said above the quote. */
  general: Finding[];
  /** The body's last line that is not blank. */
  end: number;
}

function planQuote(series: Series, message: MailMessage, patch: Patch | null, findings: readonly Finding[], options: ReplyOptions): QuotePlan {
  const context = options.context ?? 3;
  let end = (message.footerStart ?? message.endLine + 1) - 1;
  while (end > message.bodyStart && (series.lines[end] ?? '').trim() === '') end--;
  const units = diffUnits(patch?.files ?? []);
  const inDiff = (line: number): boolean => units.some((u) => u.from <= line && line <= u.to);
  const plan: QuotePlan = { keep: new Set(), comments: new Map(), general: [], end };
  for (const f of findings) {
    const first = f.range.start.line;
    const last = Math.min(lastLineOf(f), end);
    if (first < message.bodyStart || first > end) {
      plan.general.push(f);
      continue;
    }
    const unit = units.find((u) => u.from <= first && first <= u.to);
    if (unit) {
      range(Math.max(unit.from, first - context), Math.min(unit.to, last + context)).forEach((l) => plan.keep.add(l));
      unit.withIt.forEach((l) => plan.keep.add(l));
      // The first line of the function the finding is in, when the hunk shows it: which function it is,
      // for the reader, and where in the hunk, for whoever matches the quote to the patch.
      const start = unit.hunk ? enclosingDefinition(unit.hunk, first) : null;
      start?.segments.forEach((seg) => plan.keep.add(seg.docLine));
    } else {
      // In the prose (a commit message, a cover letter): as far as the diff, no further.
      let lo = first;
      while (lo > message.bodyStart && first - lo < context && !inDiff(lo - 1)) lo--;
      let hi = last;
      while (hi < end && hi - last < context && !inDiff(hi + 1)) hi++;
      range(lo, hi).forEach((l) => plan.keep.add(l));
    }
    range(first, last).forEach((l) => plan.keep.add(l));
    const list = plan.comments.get(last) ?? [];
    list.push(f);
    plan.comments.set(last, list);
  }
  fillSingleCuts(plan.keep);
  return plan;
}

/** The line of a hunk that starts the function still open at document line `line` (kernel layout), if shown. */
function enclosingDefinition(hunk: Hunk, line: number): DiffLine | null {
  const before = hunk.lines.filter((l) => l.docLine < line && !l.restored);
  const at = openDefinition(before.map((l) => l.text));
  return typeof at === 'number' ? before[at] : null;
}

/** A cut of a single line is no cut: the line is quoted instead of `[...]`. */
function fillSingleCuts(keep: Set<number>): void {
  for (const l of [...keep]) if (!keep.has(l + 1) && keep.has(l + 2)) keep.add(l + 1);
}

/** What the reviewer wrote in a reply already: above the quote, and under each quoted line. */
interface Written {
  above: string[];
  under: Map<number, string[]>;
  /** A sign-off (`Thanks,` and a name, a `-- ` signature): it stays last, whatever is added above it. */
  below: string[];
}

const SIGN_OFF = /^(?:-- |(?:thanks|thank you|cheers|regards|best regards|best|br|kind regards)\b.{0,20})$/i;

/** The last paragraph of what the reviewer wrote under the last quoted line, when it is a sign-off. */
function takeSignOff(lines: string[]): string[] {
  let start = lines.length;
  while (start > 0 && lines[start - 1] !== '') start--;
  if (start === lines.length || !SIGN_OFF.test(lines[start]) || lines.length - start > 4) return [];
  return lines.splice(start);
}

/**
 * The body: what is above the quote, then the kept lines quoted (`[...]` where lines were cut), under each
 * its new comments, then what the reviewer already wrote under it.
 */
function renderBody(series: Series, message: MailMessage, plan: QuotePlan, options: ReplyOptions, written?: Written): string[] {
  const lines = fileLinesOf(series);
  const out: string[] = [];
  for (const f of plan.general) out.push(...commentLines(f, lines, options), '');
  if (written) out.push(...written.above);
  else {
    const said = attribution(message);
    if (said) out.push(said);
  }
  let cut = false;
  let quoted = false;
  for (let i = message.bodyStart; i <= plan.end; i++) {
    if (!plan.keep.has(i)) {
      // Blank lines before the first kept line are not worth a `[...]` of their own.
      if (quoted || (series.lines[i] ?? '').trim() !== '') cut = true;
      continue;
    }
    if (cut) out.push('[...]');
    cut = false;
    out.push(quoteLine(series.lines[i] ?? ''));
    quoted = true;
    for (const f of plan.comments.get(i) ?? []) {
      if (out[out.length - 1] !== '') out.push('');
      out.push(...commentLines(f, lines, options), '');
    }
    const mine = written?.under.get(i) ?? [];
    if (mine.length && out[out.length - 1] === '' && mine[0] === '') out.pop();
    out.push(...mine);
  }
  if (written?.below.length) {
    while (out.length && out[out.length - 1] === '') out.pop();
    out.push('', ...written.below);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  return out;
}

function replyBody(series: Series, message: MailMessage, patch: Patch | null, findings: Finding[], options: ReplyOptions): string[] {
  return renderBody(series, message, planQuote(series, message, patch, findings, options), options);
}

/**
 * A reply the reviewer is editing, with one more finding in it: its lines are quoted (with the lines
 * around them, as composeReplies quotes them) where they fall among the lines the reply quotes, and its
 * comment goes right under its line. Everything the reviewer wrote stays, under the quoted line it
 * followed; quoted lines are recognised as the message's lines in order. The headers are kept as they are.
 * Null when the finding is not in the message the reply answers.
 */
export function addToReply(reply: string, series: Series, finding: Finding, options: ReplyOptions = {}): string | null {
  const message = messageAt(series, finding.range.start.line);
  if (!message) return null;
  const lines = reply.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const blank = lines.indexOf('');
  const headers = blank < 0 ? [] : lines.slice(0, blank);
  const inReplyTo = /^In-Reply-To:\s*<([^>]+)>/im.exec(headers.join('\n'))?.[1] ?? null;
  if (inReplyTo !== (message.headers['message-id'] ?? null)) return null;
  const body = blank < 0 ? lines : lines.slice(blank + 1);
  const patch = patchOf(series, message);
  const plan = planQuote(series, message, patch, [finding], options);
  // Added once: a comment already in the reply is not added again.
  if (body.includes(commentLines(finding, fileLinesOf(series), options)[0])) return reply;
  const written: Written = { above: [], under: new Map(), below: [] };
  // The reply's quoted lines, matched to the message's lines in order; the rest is the reviewer's.
  // Where each quoted form occurs in the message, in order: a long reply of a long message is matched in
  // one pass over each, not a search of the message per line.
  const places = new Map<string, number[]>();
  for (let j = message.bodyStart; j <= plan.end; j++) {
    const q = quoteLine(series.lines[j] ?? '');
    const list = places.get(q);
    if (list) list.push(j);
    else places.set(q, [j]);
  }
  let next = message.bodyStart;
  let last: number | null = null;
  for (const line of body) {
    const at = line.startsWith('>') ? firstAtOrAfter(places.get(line), next) : -1;
    if (at >= 0) {
      plan.keep.add(at);
      written.under.set(at, []);
      last = at;
      next = at + 1;
    } else if (line === '[...]') continue;
    else if (last === null) written.above.push(line);
    else written.under.get(last)!.push(line);
  }
  if (last !== null) written.below = takeSignOff(written.under.get(last)!);
  fillSingleCuts(plan.keep);
  const text = [...headers, ...(blank < 0 ? [] : ['']), ...renderBody(series, message, plan, options, written)].join('\n');
  return text + '\n';
}

/** The first of ascending `list` at or after `from`, or -1. */
function firstAtOrAfter(list: number[] | undefined, from: number): number {
  if (!list) return -1;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  return lo < list.length ? list[lo] : -1;
}

/**
 * Several replies as one mbox (mboxrd: a body line starting `From `, after any `>`, gets one more `>`),
 * which mutt opens and `git send-email` takes.
 */
export function repliesAsMbox(replies: readonly ReplyMail[]): string {
  return replies.map((r) => `From mm-review Thu Jan  1 00:00:00 1970\n${r.text.replace(/^(>*From )/gm, '>$1')}`).join('\n');
}
