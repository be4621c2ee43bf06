/**
 * @file Reads unified diffs out of a mail body at any quote depth, repairing the damage mail does:
 * context lines without their leading space, blank context lines dropped, lines wrapped by the mail
 * client (continuations carry a shallower quote prefix, or lose the `-` of `->` to the wrap), review
 * comments interleaved inside a quoted hunk. The hunk header's counts decide where a hunk ends.
 */
import { parseQuote, stripQuoteLevels, type QuotedLine } from './quote';
import { problemMessage, type ProblemId } from './problems';
import { restoreBlankLines } from './restore';
import { isVersionLine, looksLikeProse, looksLikeReplyText } from './textkind';
import type { DiffLine, FileDiff, Hunk, IngestProblem, ProblemSeverity } from './types';

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(?: ?(.*))?$/;
const MAX_WRAP_LINES = 3;
/** What a reviewer writes where they cut quoted lines: `[...]`, `[ ... ]`, `[snip]`, `<snip>`, `...`. */
const CUT_MARKER = /^\s*(?:\[\s*(?:\.\.\.|…|snip(?:ped)?)\s*\]|<\s*snip(?:ped)?\s*>|\.\.\.|…)\s*$/i;

/**
 * Reads the diffs of one message: lines [start, end] of the document (absolute indices). Records which
 * lines belong to diff structure, for fragment detection, and what could not be read.
 */
export class DiffReader {
  private readonly quoted: QuotedLine[];
  /** Lines that belong to diff structure (headers, hunk lines, their wrapped continuations); index i - start. */
  readonly covered: Uint8Array;
  readonly problems: IngestProblem[] = [];

  constructor(
    private readonly lines: string[],
    private readonly start: number,
    end: number,
  ) {
    this.quoted = new Array<QuotedLine>(Math.max(end - start + 1, 0));
    for (let i = start; i <= end; i++) this.quoted[i - start] = parseQuote(lines[i]);
    this.covered = new Uint8Array(Math.max(end - start + 1, 0));
  }

  quote(i: number): QuotedLine {
    return this.quoted[i - this.start];
  }

  isCovered(i: number): boolean {
    return this.covered[i - this.start] === 1;
  }

  private cover(i: number): void {
    this.covered[i - this.start] = 1;
  }

  /** Reads every diff in lines [start, end] (inclusive). */
  readAll(start: number, end: number): FileDiff[] {
    const files: FileDiff[] = [];
    let inCombined = false;
    let i = start;
    while (i <= end) {
      const q = this.quote(i);
      const c = q.content;
      const d = q.depth;
      const startsFile = c.startsWith('diff --git ') || (c.startsWith('--- ') && this.contentIf(i + 1, d, end)?.startsWith('+++ ')) || c.startsWith('@@ -');
      if (startsFile) {
        inCombined = false;
        const r = this.readFile(i, d, end);
        if (r.file) files.push(r.file);
        i = Math.max(r.next, i + 1);
        continue;
      }
      // One note per merge diff, not one per `@@@` line of it.
      if (c.startsWith('diff --cc ') || (c.startsWith('@@@ ') && !inCombined)) this.problem(i, 'combinedDiff', {}, 'information');
      if (c.startsWith('diff --cc ')) inCombined = true;
      i++;
    }
    return files;
  }

  private contentIf(i: number, depth: number, end: number): string | undefined {
    if (i > end || this.quote(i).depth < depth) return undefined;
    return this.lines[i].slice(stripQuoteLevels(this.lines[i], depth));
  }

  private content(i: number, depth: number): string {
    return this.lines[i].slice(stripQuoteLevels(this.lines[i], depth));
  }

  private problem(line: number, messageId: ProblemId, data: Record<string, string | number>, severity: ProblemSeverity, from = 0): void {
    const end = this.lines[line]?.length ?? 0;
    const message = problemMessage(messageId, data);
    this.problems.push({ messageId, data, message, severity, range: { start: { line, character: from }, end: { line, character: end } } });
  }

  private readFile(i: number, d: number, end: number): { file: FileDiff | null; next: number } {
    const file: FileDiff = {
      oldPath: null,
      newPath: null,
      headerLine: i,
      oldIndex: null,
      newIndex: null,
      isNew: false,
      isDeleted: false,
      isBinary: false,
      hunks: [],
    };
    let j = i;
    let c = this.content(j, d);
    if (c.startsWith('diff --git ')) {
      const paths = parseGitDiffPaths(c.slice('diff --git '.length));
      file.oldPath = paths.oldPath;
      file.newPath = paths.newPath;
      this.cover(j);
      j++;
      for (; j <= end && this.quote(j).depth >= d; j++) {
        c = this.content(j, d);
        let m: RegExpExecArray | null;
        if ((m = /^index ([0-9a-fA-F]+)\.\.([0-9a-fA-F]+)(?: \d+)?$/.exec(c))) {
          file.oldIndex = m[1];
          file.newIndex = m[2];
        } else if (/^new file mode \d+/.test(c)) file.isNew = true;
        else if (/^deleted file mode \d+/.test(c)) file.isDeleted = true;
        else if ((m = /^rename from (.+)$/.exec(c)) || (m = /^copy from (.+)$/.exec(c))) file.oldPath = m[1];
        else if ((m = /^rename to (.+)$/.exec(c)) || (m = /^copy to (.+)$/.exec(c))) file.newPath = m[1];
        else if (/^(?:old mode|new mode|similarity index|dissimilarity index) /.test(c)) {
          /* recorded by git, nothing to analyse */
        } else if (/^Binary files .* differ$/.test(c)) file.isBinary = true;
        else if (c === 'GIT binary patch') {
          file.isBinary = true;
          while (j + 1 <= end && this.content(j + 1, d) !== '') this.cover(++j);
        } else break;
        this.cover(j);
      }
    }
    if (j <= end && this.quote(j).depth >= d) {
      c = this.content(j, d);
      const next = this.contentIf(j + 1, d, end);
      if (c.startsWith('--- ') && next !== undefined && next.startsWith('+++ ')) {
        const oldPath = parseHeaderPath(c.slice(4), 'a/');
        const newPath = parseHeaderPath(next.slice(4), 'b/');
        if (oldPath === null) file.isNew = true;
        if (newPath === null) file.isDeleted = true;
        file.oldPath = oldPath ?? (file.isNew ? null : file.oldPath);
        file.newPath = newPath ?? (file.isDeleted ? null : file.newPath);
        this.cover(j);
        this.cover(j + 1);
        j += 2;
      }
    }
    if (file.isNew) file.oldPath = null;
    if (file.isDeleted) file.newPath = null;
    // Hunks, possibly separated by review comments (shallower) or blank lines.
    while (j <= end) {
      let k = j;
      while (k <= end && (this.quote(k).depth < d || this.content(k, d).trim() === '')) k++;
      if (k > end || this.quote(k).depth < d) break;
      const hc = this.content(k, d);
      if (!hc.startsWith('@@')) break;
      if (hc.startsWith('@@@')) break;
      const r = this.readHunk(k, d, end);
      if (r.hunk) file.hunks.push(r.hunk);
      j = Math.max(r.next, k + 1);
    }
    const hasContent = file.hunks.length > 0 || file.oldPath !== null || file.newPath !== null || file.isBinary;
    return { file: hasContent ? file : null, next: j };
  }

  private readHunk(h: number, d: number, end: number): { hunk: Hunk | null; next: number } {
    const headerText = this.content(h, d);
    const m = HUNK_HEADER.exec(headerText);
    this.cover(h);
    if (!m) {
      const col = stripQuoteLevels(this.lines[h], d);
      this.problem(h, 'badHunkHeader', { header: clip(headerText) }, 'warning', col);
      return { hunk: null, next: h + 1 };
    }
    const oldStart = Number(m[1]);
    const oldLines = m[2] === undefined ? 1 : Number(m[2]);
    const newStart = Number(m[3]);
    const newLines = m[4] === undefined ? 1 : Number(m[4]);
    let section = m[5] ?? '';
    let j = h + 1;
    // A wrapped header: the section's tail sits on the next line(s), under a shallower prefix.
    const headerWrap = this.wrapContinuation(j, d, end, true);
    if (headerWrap) {
      for (const part of headerWrap.parts) {
        section = joinWrapped(section, part.text).text;
        this.cover(part.docLine);
      }
      j = headerWrap.next;
    }
    let remOld = oldLines;
    let remNew = newLines;
    let lines: DiffLine[] = [];
    let lastDoc = j - 1;
    let endLine = j - 1;
    let overflowAt = -1;

    while ((remOld > 0 || remNew > 0) && j <= end) {
      const q = this.quote(j);
      const last = lines[lines.length - 1];
      if (q.depth < d) {
        if (last && !last.restored && j === lastDoc + 1 && q.content.trim() !== '') {
          const wrap = last.kind === 'context' && last.text.trim() === '' ? null : this.wrapContinuation(j, d, end, isCommentText(last.text));
          if (wrap) {
            for (const part of wrap.parts) appendWrapped(last, part.text, part.docLine, part.docCol);
            for (let k = j; k < wrap.next; k++) this.cover(k);
            j = wrap.next;
            lastDoc = j - 1;
            endLine = lastDoc;
            continue;
          }
        }
        // A review comment inside the quoted hunk, or the end of the quote.
        let k = j;
        while (k <= end && this.quote(k).depth < d) k++;
        if (k > end || this.isBoundary(k, d, end)) break;
        j = k;
        continue;
      }
      const col = stripQuoteLevels(this.lines[j], d);
      const c = this.lines[j].slice(col);
      // `acomp_ctx-` / `> >req)`: the wrap took the `>` of `->` for a quote level.
      if (last && !last.restored && j === lastDoc + 1 && q.tight && /\w-$/.test(last.text) && d >= 1) {
        const shallow = stripQuoteLevels(this.lines[j], d - 1);
        if (this.lines[j][shallow] === '>') {
          appendWrapped(last, this.lines[j].slice(shallow), j, shallow);
          this.cover(j);
          lastDoc = endLine = j;
          j++;
          continue;
        }
      }
      if (this.isBoundary(j, d, end)) break;
      const marker = c[0];
      if (marker === '\\') {
        // "\ No newline at end of file"
        this.cover(j);
        lastDoc = endLine = j;
        j++;
        continue;
      }
      let kind: DiffLine['kind'];
      let textCol = col + 1;
      if (marker === '+') kind = 'add';
      else if (marker === '-') kind = 'remove';
      else if (marker === ' ') kind = 'context';
      else {
        kind = 'context';
        textCol = col;
      }
      if (kind === 'add' && remNew === 0) {
        overflowAt = j;
        break;
      }
      if (kind === 'remove' && remOld === 0) {
        overflowAt = j;
        break;
      }
      if (kind === 'context' && (remOld === 0 || remNew === 0)) break;
      if (kind === 'context' && textCol === col && remOld === remNew && looksLikeProse(c)) break;
      const text = this.lines[j].slice(textCol);
      lines.push({
        kind,
        text,
        docLine: j,
        segments: [{ docLine: j, docCol: textCol, textStart: 0, length: text.length }],
        oldLine: null,
        newLine: null,
        restored: false,
      });
      if (kind !== 'add') remOld--;
      if (kind !== 'remove') remNew--;
      this.cover(j);
      lastDoc = endLine = j;
      j++;
    }

    if (remOld !== remNew) {
      const flipped = flipMarkerLookalikes(lines, remOld - remNew);
      remOld -= flipped.old;
      remNew -= flipped.new;
    }
    if (remOld > 0 || remNew > 0) {
      // Mail loses a few blank lines, never more than the hunk shows: a bigger gap is a cut, not damage.
      if (remOld === remNew && remOld <= lines.length + 3) {
        lines = restoreBlankLines(lines, remOld, oldStart);
      } else {
        const quoted = d > 0;
        this.problem(
          h,
          quoted ? 'partialHunk' : 'truncatedHunk',
          { old: remOld, new: remNew },
          quoted ? 'information' : 'warning',
          stripQuoteLevels(this.lines[h], d),
        );
      }
    } else if (overflowAt < 0 && j <= end && this.quote(j).depth >= d) {
      const c = this.content(j, d);
      if (/^[+-]/.test(c) && !this.isBoundary(j, d, end)) overflowAt = j;
    }
    if (overflowAt >= 0) {
      this.problem(
        overflowAt,
        'hunkOverflow',
        { header: h + 1, counts: `-${oldStart},${oldLines} +${newStart},${newLines}` },
        'warning',
        stripQuoteLevels(this.lines[overflowAt], d),
      );
    }
    numberLines(lines, oldStart, newStart);
    const hunk: Hunk = { oldStart, oldLines, newStart, newLines, section, headerLine: h, quoteDepth: d, lines, endLine };
    return { hunk, next: j };
  }

  /** Lines that end a hunk whatever its counts say: the next diff, the signature, the next header. */
  private isBoundary(j: number, d: number, end: number): boolean {
    const c = this.content(j, d);
    if (c.startsWith('@@ -') || c.startsWith('diff --git ') || c.startsWith('Index: ')) return true;
    if (c.startsWith('--- ') && this.contentIf(j + 1, d, end)?.startsWith('+++ ')) return true;
    if (c === '-- ' || c === '--') {
      const next = this.contentIf(j + 1, d, end);
      return next === undefined || next.trim() === '' || isVersionLine(next) || c === '-- ';
    }
    return false;
  }

  /**
   * A run of up to three non-blank lines under a shallower prefix, directly followed by the quote
   * resuming at depth `d`: the mail client wrapped the previous line. A reviewer's comment is set off by
   * a blank line or reads as a sentence, and is not taken.
   */
  private wrapContinuation(
    j: number,
    d: number,
    end: number,
    prevIsComment: boolean,
  ): { parts: { text: string; docLine: number; docCol: number }[]; next: number } | null {
    const parts: { text: string; docLine: number; docCol: number }[] = [];
    let k = j;
    const depth = j <= end ? this.quote(j).depth : -1;
    while (k <= end && this.quote(k).depth < d && parts.length <= MAX_WRAP_LINES) {
      const q = this.quote(k);
      if (q.depth !== depth || q.content.trim() === '') return null;
      parts.push({ text: q.content, docLine: k, docCol: q.prefixLength });
      k++;
    }
    if (parts.length === 0 || parts.length > MAX_WRAP_LINES || k > end) return null;
    // A cut is no wrapped tail: the quote resumes further on.
    if (parts.some((p) => CUT_MARKER.test(p.text))) return null;
    if (this.quote(k).depth < d) return null;
    if (!prevIsComment && parts.some((p) => looksLikeReplyText(p.text))) return null;
    return { parts, next: k };
  }
}

/**
 * A context line that lost its indentation and starts with `++`/`--` (`++errs[2];`) reads as an added or
 * removed line. When the counts come out unequal by exactly the number of such lines, they were context.
 */
function flipMarkerLookalikes(lines: DiffLine[], excessOld: number): { old: number; new: number } {
  const kind = excessOld > 0 ? 'add' : 'remove';
  const marker = excessOld > 0 ? '+' : '-';
  const candidates = lines.filter((l) => l.kind === kind && l.text.startsWith(marker) && l.segments.length === 1);
  if (candidates.length !== Math.abs(excessOld)) return { old: 0, new: 0 };
  for (const l of candidates) {
    l.kind = 'context';
    l.text = marker + l.text;
    l.segments[0].docCol -= 1;
    l.segments[0].length += 1;
  }
  return kind === 'add' ? { old: candidates.length, new: 0 } : { old: 0, new: candidates.length };
}

function isCommentText(text: string): boolean {
  return /^\s*(?:\/\*|\*|\/\/)/.test(text);
}

/** Outlook breaks after a hyphen without a space (`per-` / `cpu`, `acomp_ctx-` / `>req`); elsewhere at a space. */
function joinWrapped(prev: string, next: string): { text: string; sep: string } {
  const sep = /\w-$/.test(prev) || prev === '' ? '' : ' ';
  return { text: prev + sep + next, sep };
}

function appendWrapped(line: DiffLine, text: string, docLine: number, docCol: number): void {
  const joined = joinWrapped(line.text, text);
  line.segments.push({ docLine, docCol, textStart: line.text.length + joined.sep.length, length: text.length });
  line.text = joined.text;
}

function numberLines(lines: DiffLine[], oldStart: number, newStart: number): void {
  let o = oldStart;
  let n = newStart;
  for (const l of lines) {
    if (l.kind !== 'add') l.oldLine = o++;
    if (l.kind !== 'remove') l.newLine = n++;
  }
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** `a/mm/x.c b/mm/x.c`; paths with spaces are split where both halves name the same file. */
function parseGitDiffPaths(rest: string): { oldPath: string | null; newPath: string | null } {
  const unq = (s: string): string => s.replace(/^"(.*)"$/, '$1');
  if (rest.startsWith('a/') && (rest.length - 1) % 2 === 0) {
    const half = (rest.length - 1) / 2;
    const a = rest.slice(0, half);
    const b = rest.slice(half + 1);
    if (b.startsWith('b/') && a.slice(2) === b.slice(2)) return { oldPath: a.slice(2), newPath: b.slice(2) };
  }
  const at = rest.lastIndexOf(' b/');
  if (at > 0) return { oldPath: unq(rest.slice(0, at)).replace(/^a\//, ''), newPath: unq(rest.slice(at + 1)).replace(/^b\//, '') };
  const parts = rest.split(' ');
  return { oldPath: parts[0] ?? null, newPath: parts[1] ?? parts[0] ?? null };
}

/** `--- a/mm/x.c\t2024-01-01 ...` → `mm/x.c`; `/dev/null` → null. */
function parseHeaderPath(raw: string, prefix: string): string | null {
  const tab = raw.indexOf('\t');
  let p = (tab >= 0 ? raw.slice(0, tab) : raw).trim().replace(/^"(.*)"$/, '$1');
  if (p === '/dev/null') return null;
  if (p.startsWith(prefix)) p = p.slice(prefix.length);
  return p;
}
