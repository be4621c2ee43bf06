/**
 * @file The quick fix for something taken and not given back on one path, offered only when the function
 * already gives it back at exactly one place (that statement is the fix's text, so nothing is invented):
 * a `goto` that jumps just past that release under its own label is retargeted to the label above it;
 * otherwise the release is put on its own line before the leaking `goto` or `return` (an unbraced `if`
 * around that exit gets braces). Anything less plain — the exit sharing a line, an `else`, a line the
 * patch does not show — gets no fix rather than a guess.
 */
import type { Fix, TextEdit } from '../../findings';
import type { Series } from '../../ingest';
import type { LeakIssue } from '../../c/analysis/balance';
import type { FunctionBalance } from '../../c/analysis/balance-series';
import { exprText, type Stmt } from '../../c/syntax/ast';
import type { PairIndex } from '../../kernel/pairs';
import type { Span } from '../../c/syntax/image';
import { editHunkLine, insertHunkLines } from './edits';

/** Where a statement sits: in a list of statements, as the unbraced branch of an `if`, or as a loop's unbraced body. */
type Place = { list: Stmt[]; index: number } | { ifStmt: Stmt & { kind: 'if' } } | { loop: Stmt };

const within = (inner: Span, outer: Span): boolean =>
  (inner.startRow > outer.startRow || (inner.startRow === outer.startRow && inner.startCol >= outer.startCol)) &&
  (inner.endRow < outer.endRow || (inner.endRow === outer.endRow && inner.endCol <= outer.endCol));

/** A statement and where it sits. */
interface Placed {
  stmt: Stmt;
  place: Place;
}

/** Every statement of a body with its place, outermost first. */
function placed(list: Stmt[], out: Placed[] = []): Placed[] {
  list.forEach((stmt, index) => {
    out.push({ stmt, place: { list, index } });
    inside(stmt, out);
  });
  return out;
}

function inside(s: Stmt, out: Placed[]): void {
  const branch = (child: Stmt | null): void => {
    if (!child) return;
    if (child.kind === 'block') placed(child.body, out);
    else {
      out.push({ stmt: child, place: s.kind === 'if' ? { ifStmt: s } : { loop: s } });
      inside(child, out);
    }
  };
  switch (s.kind) {
    case 'block':
    case 'switch':
      placed(s.body, out);
      return;
    case 'if':
      branch(s.then);
      branch(s.otherwise);
      return;
    case 'while':
    case 'dowhile':
    case 'for':
    case 'foreach':
      branch(s.body);
      return;
    case 'pp':
      for (const b of s.branches) placed(b, out);
      return;
    default:
      return;
  }
}

/**
 * The one statement of the function that releases what `issue` holds, as `put(x);`; null unless exactly
 * one. Read from the code, reached or not: a label no path jumps to any more still shows the release.
 */
function theRelease(b: FunctionBalance, stmts: Placed[], issue: LeakIssue, pairs: PairIndex): (Placed & { text: string }) | null {
  const h = issue.holding;
  const releases = (s: Stmt): boolean => {
    if (s.kind !== 'expr' || s.expression.kind !== 'call' || !s.expression.fn) return false;
    const m = pairs.match(s.expression.fn);
    const arg = s.expression.args[h.pair.releaseKey ?? 0];
    return m?.role === 'release' && m.pair.release[0] === h.pair.release[0] && !!arg && exprText(arg).replace(/^&\s*/, '') === h.key;
  };
  const found = stmts.filter((p) => releases(p.stmt));
  if (found.length !== 1 || found[0].stmt.span.startRow !== found[0].stmt.span.endRow) return null;
  return { ...found[0], text: b.view.image.textOf(found[0].stmt.span) };
}

const indentOf = (text: string): string => /^\s*/.exec(text)![0];

/** The statement is the only thing on its row. */
function aloneOnRow(b: FunctionBalance, span: Span): boolean {
  const row = b.view.image.lineAt(span.startRow);
  return !!row && span.startRow === span.endRow && !row.text.slice(0, span.startCol).trim() && !row.text.slice(span.endCol).trim();
}

export function releaseFix(doc: string[], series: Series, pairs: PairIndex, b: FunctionBalance, issue: LeakIssue): Fix[] {
  if (b.side !== 'new') return [];
  const stmts = placed(b.fn.body);
  const release = theRelease(b, stmts, issue, pairs);
  if (!release) return [];
  const h = issue.holding;
  const after = issue.path.filter((p) => p.span.startRow > h.site.startRow || (p.span.startRow === h.site.startRow && p.span.startCol > h.site.endCol));
  const lastGoto = [...after].reverse().find((p) => p.kind === 'goto');
  const exitSpan = lastGoto?.span ?? issue.exit.span;
  if (!exitSpan) return [];
  const exit = stmts.find(({ stmt: s }) => (s.kind === 'goto' || s.kind === 'return') && within(s.span, exitSpan) && within(exitSpan, s.span));
  if (!exit) return [];
  const call = release.text.replace(/;\s*$/, '');
  const retarget = lastGoto && exit.stmt.kind === 'goto' ? retargetFix(doc, b, exit.stmt, release, call) : null;
  if (retarget) return [retarget];
  const edits = insertBefore(doc, series, b, exit.stmt, exit.place, release.text);
  return edits ? [{ title: `Release with \`${call}\` before this ${exit.stmt.kind === 'goto' ? '`goto`' : '`return`'}`, edits }] : [];
}

/** `goto out` that skips `out_put: put(x); out:` jumps to `out_put` instead. */
function retargetFix(doc: string[], b: FunctionBalance, jump: Stmt & { kind: 'goto' }, release: { place: Place }, call: string): Fix | null {
  if (!('list' in release.place)) return null;
  const { list, index } = release.place;
  const above = list[index - 1];
  const below = list[index + 1];
  if (above?.kind !== 'label' || below?.kind !== 'label' || below.name !== jump.label) return null;
  const row = b.view.image.lineAt(jump.span.startRow);
  if (!row || jump.span.startRow !== jump.span.endRow) return null;
  const col = row.text.indexOf(jump.label, jump.span.startCol + 'goto'.length);
  if (col < 0 || col >= jump.span.endCol) return null;
  const edits = editHunkLine(doc, row, col, col + jump.label.length, above.name);
  return edits ? { title: `Jump to \`${above.name}\` so that \`${call}\` runs`, edits } : null;
}

function insertBefore(doc: string[], series: Series, b: FunctionBalance, exit: Stmt, place: Place, text: string): TextEdit[] | null {
  if (!aloneOnRow(b, exit.span)) return null;
  const exitRow = b.view.image.lineAt(exit.span.startRow)!;
  if ('list' in place) return insertHunkLines(doc, series, [{ line: exitRow, where: 'before', texts: [indentOf(exitRow.text) + text] }]);
  if (!('ifStmt' in place)) return null;
  // The unbraced branch of an `if` with no `else`, its head alone on the row above: braces around both.
  const ifStmt = place.ifStmt;
  if (ifStmt.otherwise || ifStmt.then !== exit || ifStmt.span.startRow !== exit.span.startRow - 1) return null;
  const head = b.view.image.lineAt(ifStmt.span.startRow);
  if (!head || indentOf(head.text).length !== ifStmt.span.startCol || !head.text.trimEnd().endsWith(')')) return null;
  const open = head.text.trimEnd().length;
  const brace = editHunkLine(doc, head, open, open, ' {');
  const lines = insertHunkLines(doc, series, [
    { line: exitRow, where: 'before', texts: [indentOf(exitRow.text) + text] },
    { line: exitRow, where: 'after', texts: [`${indentOf(head.text)}}`] },
  ]);
  return brace && lines ? [...brace, ...lines] : null;
}
