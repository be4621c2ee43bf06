/**
 * @file Candidate C snippets written into the prose of a mail: runs of consecutive lines, at one quote
 * depth, outside any diff or quoted fragment, that read as C line by line and not as English. These are
 * only candidates: the C layer keeps those that parse as statements without a single error. Prose must
 * never be taken for code, so each line has to pass both judgements here before the parser sees it.
 */
import type { QuotedLine } from './quote';
import { looksLikeCLine } from './textkind';
import type { DiffLine, Fragment } from './types';

/** Longer runs, or longer lines, are not something a reviewer typed into a reply. */
const MAX_RUN_LINES = 60;
const MAX_LINE_CHARS = 300;

/** Words C code is made of, which an English-looking run of words may contain without being English. */
const C_WORDS = new Set(
  'if else for while do return goto break continue switch case default struct union enum unsigned signed static const volatile int long short char void bool sizeof typeof inline extern'.split(
    ' ',
  ),
);

/**
 * Several plain words in a row, most of them not C keywords: a sentence, even one with `->` or `=` in
 * it (`As "index = gfn - slot->base_gfn", do you mean you are going`). Comments and strings are left
 * out first: code may carry English there.
 */
export function hasEnglishRun(text: string): boolean {
  const code = text.replace(/\/\*[^]*?(?:\*\/|$)|\/\/[^]*$/g, ' ').replace(/"(?:[^"\\]|\\.)*"?|'(?:[^'\\]|\\.)*'/g, ' ');
  let run = 0;
  let plain = 0;
  for (const token of code.split(/\s+/)) {
    if (/^[A-Za-z][a-z'’]*[,.:!?]?$/.test(token)) {
      run++;
      if (!C_WORDS.has(token.replace(/[,.:!?]$/, ''))) plain++;
      if (run >= 3 && plain >= 2) return true;
    } else {
      run = 0;
      plain = 0;
    }
  }
  return false;
}

/**
 * Lines that are mail furniture, never code: list items, links, trailers, citations, rules drawn with
 * punctuation, the signature separator, diffstat lines.
 */
function isFurniture(t: string): boolean {
  return (
    /^(?:[-+*•]\s|\[\d+\]|[A-Z][\w-]*:\s|https?:\/\/|>|--\s*$)/.test(t) ||
    /https?:\/\/|\w@\w+\.\w/.test(t) ||
    /^[-=_*#~|+.\s]+$/.test(t) ||
    /^\S+\s+\|\s+(?:\d+\s*[-+]*|Bin\b.*)$/.test(t) ||
    /^\d+ files? changed\b/.test(t)
  );
}

/** A line that, on its own, reads as C and not as English. */
export function looksLikeSnippetLine(content: string): boolean {
  const t = content.trim();
  if (t === '' || t.length > MAX_LINE_CHARS || isFurniture(t)) return false;
  // A trailing comment says nothing about whether the code before it is code.
  const code = t.replace(/(?<!\s)\s*\/\*(?:(?!\*\/)[^])*\*\/\s*$/, '').replace(/(?<!\s)\s*\/\/[^]*$/, '');
  return code !== '' && looksLikeCLine(code) && !hasEnglishRun(t);
}

/** The line before leaves an expression open: what follows continues it, whatever it looks like alone. */
function leavesOpen(content: string): boolean {
  return /(?:[-+*/%&|^=<>,(!~?:]|&&|\|\|)\s*$/.test(content.trimEnd()) && !/\*\/\s*$/.test(content);
}

export function findSnippetCandidates(quote: (i: number) => QuotedLine, isCovered: (i: number) => boolean, start: number, end: number): Fragment[] {
  const out: Fragment[] = [];
  let i = start;
  while (i <= end) {
    if (isCovered(i) || !looksLikeSnippetLine(quote(i).content)) {
      i++;
      continue;
    }
    const depth = quote(i).depth;
    const run: number[] = [i];
    let k = i + 1;
    while (k <= end && run.length < MAX_RUN_LINES && !isCovered(k) && quote(k).depth === depth) {
      const c = quote(k).content;
      const t = c.trim();
      const continues = t !== '' && t.length <= MAX_LINE_CHARS && leavesOpen(quote(k - 1).content) && !hasEnglishRun(t) && !isFurniture(t);
      if (!looksLikeSnippetLine(c) && !continues) break;
      run.push(k);
      k++;
    }
    // Code in a reply is whole statements: the run ends where one does.
    const last = quote(run[run.length - 1])
      .content.trim()
      .replace(/(?<!\s)\s*\/\*(?:(?!\*\/)[^])*\*\/$|(?<!\s)\s*\/\/[^]*$/, '');
    if (/[;}]$/.test(last)) out.push(toSnippet(quote, run, depth));
    i = k;
  }
  return out;
}

function toSnippet(quote: (i: number) => QuotedLine, run: number[], depth: number): Fragment {
  const lines: DiffLine[] = run.map((docLine) => {
    const q = quote(docLine);
    return {
      kind: 'context',
      text: q.content,
      docLine,
      segments: [{ docLine, docCol: q.prefixLength, textStart: 0, length: q.content.length }],
      oldLine: null,
      newLine: null,
      restored: false,
    } satisfies DiffLine;
  });
  return { line: run[0], endLine: run[run.length - 1], quoteDepth: depth, kind: 'snippet', lines, text: lines.map((l) => l.text).join('\n') };
}
