/**
 * @file Where findings about a function go when the function was read whole from the kernel tree: on a
 * line the document shows (the tree's other lines are not in it), with the tree's lines named by file and
 * line and linked as related locations into the tree.
 */
import type { Image, Side, Span } from './image';
import type { Hunk } from '../../ingest';
import type { RelatedInfo } from '../../findings';
import type { KernelTree } from '../../kernel/kernel-tree';

const shown = (image: Image, span: Span | null | undefined): span is Span => !!span && image.treeLineAt(span.startRow) === null;

/**
 * The first of `spans` the document shows; failing that, the image's first changed line (the patch made
 * the finding, so it is the patch's), or its first line.
 */
export function onDocument(image: Image, spans: (Span | null | undefined)[]): Span {
  const first = spans.find((s) => shown(image, s));
  if (first) return first;
  let row = image.rows.findIndex((r) => r.kind !== 'context');
  if (row < 0)
    row = Math.max(
      image.rows.findIndex((_, i) => image.treeLineAt(i) === null),
      0,
    );
  return { startRow: row, startCol: 0, endRow: row, endCol: image.rows[row]?.text.length ?? 0 };
}

/** A related location: the span in the document, or, on a tree row, its line in the tree's file. */
export function relatedAt(image: Image, span: Span, message: string, tree: KernelTree | null): RelatedInfo {
  const t = image.treeLineAt(span.startRow);
  if (t && tree) {
    const endCol = span.endRow === span.startRow ? span.endCol : (image.rows[span.startRow]?.text.length ?? span.startCol);
    return {
      range: { start: { line: t.line - 1, character: span.startCol }, end: { line: t.line - 1, character: endCol } },
      message,
      file: { root: tree.root, path: t.path },
    };
  }
  return { range: image.spanToDoc(span), message };
}

/** A sentence for an explanation: how much of the function was read. */
export function readingNote(whole: boolean, entryVisible: boolean, path: string | null, hunks: readonly Hunk[] = [], side: Side = 'new'): string {
  if (whole)
    return `The whole function was read from the kernel tree (${path ?? 'its file'}, as the series leaves it at this patch); lines no hunk shows are named by their place in the tree.`;
  const part = entryVisible ? '' : 'Only the part of the function the hunks show was followed; paths that leave it are not judged.';
  if (hunks.length < 2) return part;
  // The lines between hunks of one function: what the path analysis could not see.
  const start = (h: Hunk): number => (side === 'old' ? h.oldStart : h.newStart);
  const count = (h: Hunk): number => (side === 'old' ? h.oldLines : h.newLines);
  const gaps = hunks.slice(1).map((h, i) => `${start(hunks[i]) + count(hunks[i])}–${start(h) - 1}`);
  return `${part}${part ? ' ' : ''}This function was read from ${hunks.length} hunks together; lines ${gaps.join(', ')} of ${path ?? 'the file'} are not in the patch: a path through them is not judged, since they may give back, pass on or take anything.`;
}
