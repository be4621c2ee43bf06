/**
 * No regular expression of the core backtracks quadratically: every regex literal in server/src is run on
 * long runs of the characters that make such patterns slow (spaces, tabs, words, brackets, slashes, digits,
 * quote markers, behind the prefixes mail and C put before them), at two lengths. Time that grows with the
 * square of the length (a megabyte line of spaces took hours through `/\s*\[thread overview\]$/`) fails the
 * test. What is compared is the growth between the two lengths, measured in the same run, not a speed.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers';

/** Regex literals of a TypeScript source, found by skipping strings, templates and comments. */
function regexLiterals(source: string): string[] {
  const out: string[] = [];
  let i = 0;
  const skipString = (q: string): void => {
    for (i++; i < source.length && source[i] !== q; i++) {
      if (source[i] === '\\') i++;
      else if (q === '`' && source[i] === '$' && source[i + 1] === '{') {
        let depth = 0;
        for (; i < source.length; i++) {
          if (source[i] === '{') depth++;
          else if (source[i] === '}' && --depth === 0) break;
        }
      }
    }
    i++;
  };
  while (i < source.length) {
    const c = source[i];
    if (c === '"' || c === "'" || c === '`') skipString(c);
    else if (c === '/' && source[i + 1] === '/') i = source.indexOf('\n', i) < 0 ? source.length : source.indexOf('\n', i);
    else if (c === '/' && source[i + 1] === '*') i = source.indexOf('*/', i + 2) < 0 ? source.length : source.indexOf('*/', i + 2) + 2;
    else if (c === '/' && /[(,=:[!&|?{};>]$/.test(source.slice(0, i).trimEnd().slice(-1) || ';')) {
      const start = i;
      let cls = false;
      for (i++; i < source.length; i++) {
        if (source[i] === '\\') i++;
        else if (source[i] === '[') cls = true;
        else if (source[i] === ']') cls = false;
        else if (source[i] === '/' && !cls) break;
        else if (source[i] === '\n') break;
      }
      for (i++; /[a-z]/.test(source[i] ?? ''); i++);
      out.push(source.slice(start, i));
    } else i++;
  }
  return out;
}

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

const PREFIXES = ['', 'a', 'a = ', '#define a ', '(', '[', '/*', '//', '> ', '+', 'x(', '"', 'Subject: ', 'enum {', '@@ -', 'int '];
const FILLERS = [' ', '\t', 'a', '(', 'a ', '0', ', ', '*', '-', '>', '> ', 'a,', '.', '_', 'a(', '/'];
const SUFFIXES = ['', 'x', '!', ')', ';', ' '];
const inputs = (n: number): string[] => PREFIXES.flatMap((p) => FILLERS.flatMap((f) => SUFFIXES.map((s) => p + f.repeat(Math.ceil(n / f.length)) + s)));

/** The slowest time (ms) any input of this length takes: replace, test and split. */
function worst(re: RegExp, texts: string[]): number {
  let max = 0;
  for (const t of texts) {
    const t0 = performance.now();
    t.replace(re, '');
    re.lastIndex = 0;
    re.test(t);
    re.lastIndex = 0;
    t.split(re);
    max = Math.max(max, performance.now() - t0);
  }
  return max;
}

test('every regular expression of the core runs in time linear in its input', { timeout: 600_000 }, () => {
  const literals = sources(path.join(repoRoot, 'server', 'src')).flatMap((file) =>
    regexLiterals(fs.readFileSync(file, 'utf8')).map((re) => ({ file: path.relative(repoRoot, file), re })),
  );
  assert.ok(literals.length > 200, `${literals.length} literals found`);
  const short = inputs(1_500);
  const long = inputs(6_000);
  const slow: string[] = [];
  for (const { file, re } of literals) {
    let regex: RegExp;
    try {
      regex = new Function(`return ${re}`)() as RegExp;
    } catch {
      continue;
    }
    if (!(regex instanceof RegExp)) continue;
    // Four times the length: linear time grows about four times, quadratic about sixteen. Slow ones are
    // measured again (the best of three) so that a collection pause does not count.
    let big = worst(regex, long);
    if (big < 25) continue;
    big = Math.min(big, worst(regex, long), worst(regex, long));
    const small = Math.max(worst(regex, short), 0.5);
    if (big >= 25 && big / small > 10) slow.push(`${file}: ${re} (${small.toFixed(1)} ms → ${big.toFixed(1)} ms)`);
  }
  assert.deepEqual(slow, []);
});
