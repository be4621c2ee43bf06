/** @file `mm-review inspect`: what ingestion read, as JSON with 1-based document lines. */
import type { DiffLine, Series } from '../ingest';

export interface InspectLine {
  kind: DiffLine['kind'];
  text: string;
  /** 1-based document line; null for a blank line restored from the hunk header's counts. */
  line: number | null;
  restored?: true;
  /** Further document lines a wrapped line was rejoined from. */
  continuedOn?: number[];
}

export function inspectSeries(series: Series): object {
  const line = (l: DiffLine): InspectLine => {
    const out: InspectLine = { kind: l.kind, text: l.text, line: l.restored ? null : l.docLine + 1 };
    if (l.restored) out.restored = true;
    const more = [...new Set(l.segments.map((s) => s.docLine + 1))].filter((n) => n !== l.docLine + 1);
    if (more.length) out.continuedOn = more;
    return out;
  };
  return {
    patches: series.patches.map((p) => ({
      index: p.index,
      subject: p.subject,
      from: p.from,
      date: p.date,
      messageId: p.messageId,
      number: p.number,
      quoteDepth: p.quoteDepth,
      line: p.anchorLine + 1,
      files: p.files.map((f) => ({
        oldPath: f.oldPath,
        newPath: f.newPath,
        line: f.headerLine + 1,
        oldIndex: f.oldIndex,
        newIndex: f.newIndex,
        isNew: f.isNew,
        isDeleted: f.isDeleted,
        isBinary: f.isBinary,
        hunks: f.hunks.map((h) => ({
          oldStart: h.oldStart,
          oldLines: h.oldLines,
          newStart: h.newStart,
          newLines: h.newLines,
          section: h.section,
          line: h.headerLine + 1,
          quoteDepth: h.quoteDepth,
          lines: h.lines.map(line),
        })),
      })),
    })),
    fragments: series.fragments.map((f) => ({
      line: f.line + 1,
      endLine: f.endLine + 1,
      quoteDepth: f.quoteDepth,
      kind: f.kind,
      text: f.text,
      lines: f.lines.map(line),
    })),
    /** Lexical candidates only: `check` keeps those that parse as C statements. */
    snippetCandidates: series.snippets.map((f) => ({ line: f.line + 1, endLine: f.endLine + 1, quoteDepth: f.quoteDepth, text: f.text })),
    problems: series.problems.map((p) => ({
      messageId: p.messageId,
      severity: p.severity,
      message: p.message,
      line: p.range.start.line + 1,
      column: p.range.start.character + 1,
    })),
  };
}
