/**
 * @file A lexical pass over an image, much cheaper than parsing: which identifiers are followed by `(`,
 * which of those stand where a declarator's name stands (after a type word or `*`, not after `=`,
 * `return`, `;` or `{`) with their raw parameter text, and which macros are defined. Rules use it to
 * decide which images are worth parsing; it never produces a finding by itself, so it only has to
 * err on the side of including too much.
 */

export interface Scan {
  /** Every identifier directly followed by `(` (calls, declarators, macro invocations). */
  names: Set<string>;
  /** Possible declarators: name → parameter texts (whitespace collapsed), in order of appearance. */
  declarators: Map<string, string[]>;
  /** `#define NAME(` and `#define NAME`. */
  macros: { name: string; functionLike: boolean }[];
}

const NOT_A_TYPE = new Set([
  'return',
  'if',
  'while',
  'for',
  'switch',
  'sizeof',
  'case',
  'else',
  'do',
  'goto',
  'typeof',
  '__typeof__',
  '_Alignof',
  'alignof',
  'defined',
  'offsetof',
]);

const isIdentStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
const isIdent = (c: number): boolean => isIdentStart(c) || (c >= 48 && c <= 57);

export function scanImage(text: string): Scan {
  const names = new Set<string>();
  const declarators = new Map<string, string[]>();
  const macros: Scan['macros'] = [];
  const n = text.length;
  // The previous significant token: 'id' (an identifier, with its text), '*', or another punctuation.
  let prevKind = ';';
  let prevText = '';
  let lineStart = true;
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      lineStart = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    if (c === 35 /* # */ && lineStart) {
      const m = /^#\s*define\s+([A-Za-z_]\w*)(\()?/.exec(text.slice(i, i + 200));
      if (m) macros.push({ name: m[1], functionLike: m[2] === '(' });
      // Skip the directive, with its backslash continuations.
      let end = text.indexOf('\n', i);
      while (end > 0 && text.charCodeAt(end - 1) === 92 /* \ */) end = text.indexOf('\n', end + 1);
      i = end < 0 ? n : end;
      prevKind = ';';
      continue;
    }
    lineStart = false;
    if (c === 34 /* " */ || c === 39 /* ' */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92) j += 2;
        else if (d === c || d === 10) break;
        else j++;
      }
      i = j + 1;
      prevKind = 'lit';
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdent(text.charCodeAt(j))) j++;
      const word = text.slice(i, j);
      let k = j;
      while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9 || text.charCodeAt(k) === 10 || text.charCodeAt(k) === 13)) k++;
      if (text.charCodeAt(k) === 40 /* ( */) {
        names.add(word);
        const afterType = (prevKind === 'id' && !NOT_A_TYPE.has(prevText)) || prevKind === '*';
        if (afterType) {
          const close = matchingParen(text, k);
          const params =
            text
              .slice(k + 1, close < 0 ? n : close)
              .replace(/\/\*[\s\S]*?\*\//g, ' ')
              .replace(/\s+/g, ' ')
              .trim() + (close < 0 ? ' …' : '');
          const list = declarators.get(word);
          if (list) list.push(params);
          else declarators.set(word, [params]);
        }
      }
      prevKind = 'id';
      prevText = word;
      i = j;
      continue;
    }
    prevKind = c === 42 ? '*' : String.fromCharCode(c);
    i++;
  }
  return { names, declarators, macros };
}

/** Index of the `)` matching the `(` at `open`, or -1 when the image ends first. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) return i;
  }
  return -1;
}

/** Names whose possible declarators read differently in the old and the new image. */
export function changedDeclarators(oldScan: Scan, newScan: Scan): string[] {
  const out: string[] = [];
  for (const [name, params] of newScan.declarators) {
    const before = oldScan.declarators.get(name);
    if (before && before.join('\u0000') !== params.join('\u0000')) out.push(name);
  }
  return out;
}

const DEFINITION_START = /^(?:[A-Za-z_][\w\s*]*?[\s*])?([A-Za-z_]\w*)\s*\([^;]*$/;

/**
 * The function whose definition a line of code starts, by kernel layout: at column 0, naming a function
 * and not ending a declaration (`;`); null for anything else (statements are indented; keywords excluded).
 */
export function definitionStartName(line: string): string | null {
  if (/^\s/.test(line) || /^(?:if|for|while|switch|return|else)\b/.test(line) || /;\s*$/.test(line)) return null;
  return DEFINITION_START.exec(line)?.[1] ?? null;
}

/**
 * The definition still open after `lines`, by kernel layout: the index of the last line that starts one
 * (definitionStartName) with no `}` at column 0 after it; `closed` when such a `}` ends the last one;
 * null when no line starts or ends a definition.
 */
export function openDefinition(lines: readonly string[]): number | 'closed' | null {
  let open: number | 'closed' | null = null;
  lines.forEach((line, i) => {
    if (definitionStartName(line)) open = i;
    else if (/^}/.test(line)) open = 'closed';
  });
  return open;
}
