/**
 * @file The pre-image and post-image of a hunk (or a quoted fragment): the C as it read before and after
 * the change, with a map from every image position back to the document.
 */
import type { DiffLine, Pos, Range } from '../../ingest';

export type Side = 'old' | 'new';

/** A position or span inside an image: 0-based row and UTF-16 column. */
export interface Span {
  startRow: number;
  startCol: number;
  endRow: number;
  endCol: number;
}

/**
 * A row of a whole function read from the kernel tree that no hunk of the reading shows. In the document
 * it sits on a nearby hunk line (its `docLine`); messages name it by its place in the tree.
 */
export interface TreeRow extends DiffLine {
  /** The file, and the 1-based line in it as the tree has it. */
  tree: { path: string; line: number };
}

export const isTreeRow = (r: DiffLine | undefined): r is TreeRow => !!r && 'tree' in r;

export class Image {
  readonly text: string;
  /** Filled by the parsed series on first use: an image's text never changes, so neither do these. */
  memo: { scan?: unknown; facts?: unknown; derived?: Map<string, unknown> } = {};

  constructor(
    readonly side: Side,
    /** The hunk lines this image is made of, one per row. */
    readonly rows: DiffLine[],
  ) {
    this.text = rows.map((r) => r.text).join('\n');
  }

  static of(lines: DiffLine[], side: Side): Image {
    return new Image(
      side,
      lines.filter((l) => (side === 'old' ? l.kind !== 'add' : l.kind !== 'remove')),
    );
  }

  /** The document position of an image position. Columns inside a rejoined wrap map to the wrapped piece. */
  toDoc(row: number, col: number): Pos {
    const line = this.rows[Math.min(Math.max(row, 0), this.rows.length - 1)];
    if (!line) return { line: 0, character: 0 };
    if (line.segments.length === 0) return { line: line.docLine, character: 0 };
    let seg = line.segments[0];
    for (const s of line.segments) {
      if (s.textStart <= col) seg = s;
      else break;
    }
    const within = Math.min(Math.max(col - seg.textStart, 0), seg.length);
    return { line: seg.docLine, character: seg.docCol + within };
  }

  spanToDoc(span: Span): Range {
    return { start: this.toDoc(span.startRow, span.startCol), end: this.toDoc(span.endRow, span.endCol) };
  }

  /** The hunk line at an image row (for file line numbers and kinds). */
  lineAt(row: number): DiffLine | undefined {
    return this.rows[row];
  }

  /** Where a row is in the kernel tree when the document does not show it; null when it does. */
  treeLineAt(row: number): TreeRow['tree'] | null {
    const r = this.rows[row];
    return isTreeRow(r) ? r.tree : null;
  }

  /** How a message names a row: `line 239` of the document, or `mm/foo.c:412` of the kernel tree. */
  placeOf(row: number, col = 0): string {
    const t = this.treeLineAt(row);
    return t ? `${t.path}:${t.line}` : `line ${this.toDoc(row, col).line + 1}`;
  }

  textOf(span: Span): string {
    const lines = this.rows.slice(span.startRow, span.endRow + 1).map((r) => r.text);
    if (lines.length === 0) return '';
    if (lines.length === 1) return lines[0].slice(span.startCol, span.endCol);
    lines[0] = lines[0].slice(span.startCol);
    lines[lines.length - 1] = lines[lines.length - 1].slice(0, span.endCol);
    return lines.join('\n');
  }
}
