/** @file Shapes produced by ingestion. Every piece of text keeps the document position it came from. */
import type { ProblemId } from './problems';

/** A position in the input document: 0-based line, 0-based UTF-16 column (the LSP convention). */
export interface Pos {
  line: number;
  character: number;
}

export interface Range {
  start: Pos;
  end: Pos;
}

/**
 * A slice of one document line that became part of a reconstructed line. A line the mail client
 * wrapped is rejoined from several segments; `textStart` is where the slice sits in the rejoined text.
 */
export interface Segment {
  docLine: number;
  docCol: number;
  textStart: number;
  length: number;
}

export type DiffLineKind = 'context' | 'add' | 'remove';

export interface DiffLine {
  kind: DiffLineKind;
  /** Text without quote prefix and diff marker; wrapped lines come back whole. */
  text: string;
  /** First document line (0-based). For a restored line, the document line it was restored before. */
  docLine: number;
  segments: Segment[];
  /** Line in the pre-image / post-image file (1-based), when the hunk header gives one. */
  oldLine: number | null;
  newLine: number | null;
  /** A blank context line that the mail lost, put back because the hunk header's counts say it existed. */
  restored: boolean;
}

export interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The function context git prints after the second `@@`. */
  section: string;
  /** Document line of the `@@` header (0-based). */
  headerLine: number;
  quoteDepth: number;
  lines: DiffLine[];
  /** The last document line that belongs to this hunk (0-based, inclusive). */
  endLine: number;
}

export interface FileDiff {
  oldPath: string | null;
  newPath: string | null;
  /** Document line of the first header of this file (`diff --git`, `---` or the first `@@`). */
  headerLine: number;
  /** Blob hashes from the `index <old>..<new>` line. */
  oldIndex: string | null;
  newIndex: string | null;
  isNew: boolean;
  isDeleted: boolean;
  isBinary: boolean;
  hunks: Hunk[];
}

export interface SeriesNumber {
  n: number;
  total: number;
}

export interface Patch {
  /** 1-based position among the patches of the document. */
  index: number;
  subject: string | null;
  from: string | null;
  date: string | null;
  messageId: string | null;
  /** `[PATCH n/N]` from the subject, when present. */
  number: SeriesNumber | null;
  quoteDepth: number;
  /** Document line of the Subject header, or of the first diff line when there are no headers. */
  anchorLine: number;
  startLine: number;
  endLine: number;
  files: FileDiff[];
  /**
   * The commit the patch applies to: its own `base-commit:` trailer, else the first one elsewhere in the
   * document (a series' cover letter); null when none is given.
   */
  baseCommit: string | null;
}

/**
 * C code in a mail outside any diff: a quoted patch fragment without file or hunk headers (`marked`: its
 * lines keep their `+`/`-`/space markers), or a snippet written into the prose of a reply (`snippet`: its
 * lines are all context).
 */
export interface Fragment {
  line: number;
  endLine: number;
  quoteDepth: number;
  kind: 'marked' | 'snippet';
  lines: DiffLine[];
  /** The code as its author meant it to read after the change: context and added lines. */
  text: string;
}

export type ProblemSeverity = 'warning' | 'information';

/** Something in the input that could not be read as intended. Becomes a `malformed-patch` finding. */
export interface IngestProblem {
  messageId: ProblemId;
  data: Record<string, string | number>;
  message: string;
  severity: ProblemSeverity;
  range: Range;
}

export interface MailMessage {
  startLine: number;
  endLine: number;
  headers: Record<string, string>;
  subjectLine: number | null;
  bodyStart: number;
  /** First line of the list archive's footer, if any. */
  footerStart: number | null;
  /**
   * The commit the series was made on, from a `base-commit:` trailer (`git format-patch --base`, b4: after
   * the diff or in the cover letter), with its document line; null when the message has none.
   */
  baseCommit: { id: string; line: number } | null;
}

export interface Series {
  /** The document as given. */
  text: string;
  /** The document split into lines, without line terminators. */
  lines: string[];
  messages: MailMessage[];
  patches: Patch[];
  fragments: Fragment[];
  /**
   * Candidate snippets in prose: lines that read as C, not English. Only candidates — the C layer keeps
   * those that parse as statements without errors (ParsedSeries.snippets).
   */
  snippets: Fragment[];
  problems: IngestProblem[];
}
