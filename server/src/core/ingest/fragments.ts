/**
 * @file C quoted outside any diff: a reply that quotes part of a patch with its `+`/`-` markers but
 * without file or hunk headers. Prose must never be taken for code, so a run needs two or more marked
 * lines, most of which read as C.
 */
import type { QuotedLine } from './quote';
import { looksLikeCLine, looksLikeProse } from './textkind';
import type { DiffLine, Fragment } from './types';

export function findMarkedFragments(quote: (i: number) => QuotedLine, isCovered: (i: number) => boolean, start: number, end: number): Fragment[] {
  const out: Fragment[] = [];
  let i = start;
  while (i <= end) {
    if (isCovered(i) || !isMarked(quote(i).content)) {
      i++;
      continue;
    }
    const depth = quote(i).depth;
    const run: number[] = [i];
    let k = i + 1;
    while (k <= end && !isCovered(k) && quote(k).depth === depth) {
      const c = quote(k).content;
      if (isMarked(c)) run.push(k);
      else if (c.startsWith(' ') && k + 1 <= end && isMarked(quote(k + 1).content) && quote(k + 1).depth === depth) run.push(k);
      else break;
      k++;
    }
    const fragment = run.length >= 2 ? toFragment(quote, run, depth) : null;
    if (fragment) out.push(fragment);
    i = k;
  }
  return out;
}

function isMarked(content: string): boolean {
  if (!/^[+-]/.test(content)) return false;
  return !/^(?:\+\+\+ |--- |-- ?$|---$)/.test(content);
}

function toFragment(quote: (i: number) => QuotedLine, run: number[], depth: number): Fragment | null {
  const body: DiffLine[] = run.map((docLine) => {
    const q = quote(docLine);
    const marker = q.content[0];
    const text = q.content.slice(1);
    return {
      kind: marker === '+' ? 'add' : marker === '-' ? 'remove' : 'context',
      text,
      docLine,
      segments: [{ docLine, docCol: q.prefixLength + 1, textStart: 0, length: text.length }],
      oldLine: null,
      newLine: null,
      restored: false,
    } satisfies DiffLine;
  });
  const nonBlank = body.filter((l) => l.text.trim() !== '');
  const cLike = nonBlank.filter((l) => looksLikeCLine(l.text)).length;
  const prose = nonBlank.filter((l) => looksLikeProse(l.text)).length;
  if (cLike < 2 || cLike < 0.6 * nonBlank.length || prose > cLike / 2) return null;
  return {
    line: run[0],
    endLine: run[run.length - 1],
    quoteDepth: depth,
    kind: 'marked',
    lines: body,
    text: body
      .filter((l) => l.kind !== 'remove')
      .map((l) => l.text)
      .join('\n'),
  };
}
