/** @file Test helpers: margin-stripped documents, the seed mails, the repository root. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Finding } from '../server/src/core/findings';

/** The repository root: the nearest folder above this file holding package.json. */
export const repoRoot: string = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + __dirname);
    dir = up;
  }
  return dir;
})();

/** The five real list messages, read where they live (never copied into the repository). */
export const seedsDir: string = process.env.MM_REVIEW_SEEDS ?? path.resolve(repoRoot, '..', 'shared', 'seeds');

/**
 * Why tests that need the seed messages cannot run here (a reason for node:test's `skip`), or false when
 * the five seeds are there. A fresh clone with nothing beside it has none: those tests skip, saying so.
 */
export function seedsSkip(): string | false {
  try {
    if (seedNames().length >= 5) return false;
  } catch {
    /* no such folder */
  }
  return `needs the five seed messages in ${seedsDir} (../shared/seeds beside the checkout, or MM_REVIEW_SEEDS)`;
}

/** A test that reads the seed messages: skipped, with the reason, where they are absent. */
export function seedTest(name: string, fn: (t: TestContext) => void | Promise<void>): void {
  test(name, { skip: seedsSkip() }, fn);
}

export function seedNames(): string[] {
  return fs
    .readdirSync(seedsDir)
    .filter((n) => n.endsWith('.txt'))
    .sort();
}

/** Reads the seed whose name starts with `prefix` (`'002'`). Call it inside a test, never when a file loads. */
export function readSeed(prefix: string): string {
  const name = seedNames().find((n) => n.startsWith(prefix));
  if (!name) throw new Error(`no seed ${prefix} in ${seedsDir}`);
  return fs.readFileSync(path.join(seedsDir, name), 'utf8');
}

export function seedPath(prefix: string): string {
  const name = seedNames().find((n) => n.startsWith(prefix));
  if (!name) throw new Error(`no seed ${prefix} in ${seedsDir}`);
  return path.join(seedsDir, name);
}

/**
 * A document written in a test with a `|` margin, so leading spaces (diff context markers) survive:
 * ```
 * doc`
 *   |@@ -1,2 +1,2 @@
 *   | int a;
 * `
 * ```
 * Everything up to and including the first `|` of each line is dropped; lines without a `|` are dropped.
 */
export function doc(strings: TemplateStringsArray, ...values: unknown[]): string {
  let raw = strings[0];
  for (let i = 0; i < values.length; i++) raw += String(values[i]) + strings[i + 1];
  const out: string[] = [];
  for (const line of raw.split('\n')) {
    const m = /^\s*\|(.*)$/.exec(line);
    if (m) out.push(m[1]);
  }
  return out.join('\n') + '\n';
}

/** 1-based line of the only line containing `needle` (or equal to it, when `exact`); throws otherwise. */
export function lineOf(text: string, needle: string, exact = false): number {
  const hits = text.split('\n').flatMap((l, i) => ((exact ? l === needle : l.includes(needle)) ? [i + 1] : []));
  if (hits.length !== 1) throw new Error(`${hits.length} lines contain ${needle}`);
  return hits[0];
}

/** The fenced code block of README.md in `language` whose text contains `marker`. */
export function readmeBlock(language: string, marker: string): string {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  for (const m of readme.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)) {
    if (m[1] === language && m[2].includes(marker)) return m[2];
  }
  throw new Error(`README.md has no ${language} block containing ${marker}`);
}

/** Seed 002 with the call on line 241 left at four arguments: one prototype-mismatch error there. */
export function staleCallSeed(): string {
  const lines = readSeed('002').split('\n');
  if (lines[240] !== '+ vmemmap_populate(start, end, nid, NULL, NULL);') throw new Error('seed 002 line 241 is not the call it was');
  lines[240] = '+ vmemmap_populate(start, end, nid, NULL);';
  return lines.join('\n');
}

export interface HunkSpec {
  /** First line in the old file (and, shifted by earlier hunks, the new). */
  start: number;
  /** Section after `@@`, when wanted. */
  section?: string;
  /** Lines with their marker: ' ' context, '+' added, '-' removed. */
  lines: string[];
}

/** A patch mail built from marked lines, the hunk headers' counts computed (never miscounted by hand). */
export function patchMail(subject: string, files: { path: string; hunks: HunkSpec[] }[]): string {
  const out = ['From: A Developer <dev@example.org>', `Subject: [PATCH] ${subject}`, ''];
  for (const f of files) {
    out.push(`diff --git a/${f.path} b/${f.path}`, `--- a/${f.path}`, `+++ b/${f.path}`);
    let shift = 0;
    for (const h of f.hunks) {
      const oldN = h.lines.filter((l) => !l.startsWith('+')).length;
      const newN = h.lines.filter((l) => !l.startsWith('-')).length;
      out.push(`@@ -${h.start},${oldN} +${h.start + shift},${newN} @@${h.section ? ' ' + h.section : ''}`, ...h.lines);
      shift += newN - oldN;
    }
  }
  return out.join('\n') + '\n';
}

/** Lines of C with a marker put in front of each (for patchMail). */
export const mark = (marker: ' ' | '+' | '-', code: string): string[] =>
  code
    .replace(/^\n/, '')
    .replace(/\n\s*$/, '')
    .split('\n')
    .map((l) => marker + l.replace(/^ {4}/, ''));

/** 1-based line of the first line equal to `needle` after the first line containing `anchor`. */
export function lineAfter(text: string, anchor: string, needle: string): number {
  const lines = text.split('\n');
  const from = lines.findIndex((l) => l.includes(anchor));
  const at = lines.findIndex((l, i) => i > from && l === needle);
  if (from < 0 || at < 0) throw new Error(`no ${needle} after ${anchor}`);
  return at + 1;
}

/** One change to a line of a (possibly quoted) patch. */
export interface PatchLineEdit {
  /** The whole line to change; the first match below the first line containing `after`, if given. */
  line: string;
  after?: string;
  /** The whole lines that replace it; none removes it. */
  with: string[];
}

/**
 * A patch with lines replaced, its hunk headers kept true: the changed hunk's counts and the start of
 * every later hunk of the same file move by what the edit added or removed. `quote` is the prefix of
 * every patch line (`>> ` in a reply two levels deep); a line after it starting `+` is an added line,
 * `-` a removed one, anything else context.
 */
export function editPatch(text: string, edits: PatchLineEdit[], quote = ''): string {
  const lines = text.split('\n');
  const inOld = (l: string): number => (l.startsWith(quote + '+') ? 0 : 1);
  const inNew = (l: string): number => (l.startsWith(quote + '-') ? 0 : 1);
  for (const e of edits) {
    const from = e.after === undefined ? 0 : lines.findIndex((l) => l.includes(e.after!));
    const i = from < 0 ? -1 : lines.findIndex((l, k) => k >= from && l === e.line);
    if (i < 0) throw new Error(`no line ${JSON.stringify(e.line)}${e.after ? ` after ${JSON.stringify(e.after)}` : ''}`);
    const dOld = e.with.reduce((n, l) => n + inOld(l), 0) - inOld(lines[i]);
    const dNew = e.with.reduce((n, l) => n + inNew(l), 0) - inNew(lines[i]);
    lines.splice(i, 1, ...e.with);
    let header = -1;
    for (let k = i - 1; k >= 0 && header < 0; k--) if (lines[k].startsWith(quote + '@@ ')) header = k;
    if (header < 0) throw new Error(`no hunk header above ${JSON.stringify(e.line)}`);
    const shift = (k: number, counts: boolean): void => {
      lines[k] = lines[k].replace(
        /^(.*?@@ -)(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))?/,
        (_all, pre: string, os: string, oc: string | undefined, ns: string, nc: string | undefined) => {
          const oldCount = oc === undefined ? 1 : Number(oc);
          const newCount = nc === undefined ? 1 : Number(nc);
          const o = counts ? `${os},${oldCount + dOld}` : `${Number(os) + dOld},${oldCount}`;
          const n = counts ? `${ns},${newCount + dNew}` : `${Number(ns) + dNew},${newCount}`;
          return `${pre}${o} +${n}`;
        },
      );
    };
    shift(header, true);
    for (let k = header + 1; k < lines.length && !lines[k].startsWith(quote + 'diff --git '); k++) if (lines[k].startsWith(quote + '@@ ')) shift(k, false);
  }
  return lines.join('\n');
}

/** A one-patch series whose one hunk adds `code` (one or more whole functions) to `path`, below a context line. */
export const addedCodePatch = (subject: string, path: string, code: string): string =>
  patchMail(subject, [{ path, hunks: [{ start: 10, lines: [' /* context */', ...mark('+', code)] }] }]);

/** A patch taking `my_obj_get()` and returning on error without `my_obj_put()`: a leak only a pair table extended with `my_obj` knows. */
export const customPairPatch = (): string =>
  addedCodePatch(
    'mm/pool: bind the object',
    'mm/pool.c',
    'int pool_bind(struct pool *pool)\n{\n\tint err;\n\n\tmy_obj_get(pool->obj);\n\terr = pool_check(pool);\n\tif (err)\n\t\treturn err;\n\tpool->bound = true;\n\treturn 0;\n}',
  );

/** The pair-table extension that makes `customPairPatch()` a leak. */
export const customPairConfig = { pairs: [{ id: 'my_obj', kind: 'ref', acquire: ['my_obj_get'], release: ['my_obj_put'] }] };

/** A patch with nothing to report: one added return in a function (for tests about everything but findings). */
export const ONE_LINE_PATCH = doc`
  |diff --git a/mm/x.c b/mm/x.c
  |--- a/mm/x.c
  |+++ b/mm/x.c
  |@@ -1,3 +1,4 @@
  | int f(void)
  | {
  |+	return 1;
  | }
`;

/** A finding for tests of what consumes findings (outputs, the reply, thread marks): an introduced error on `line`. */
export const aFinding = (line: number, over: Partial<Finding> = {}): Finding => ({
  ruleId: 'test-rule',
  messageId: 'm',
  severity: 'error',
  origin: 'introduced',
  message: 'm',
  range: { start: { line, character: 1 }, end: { line, character: 5 } },
  file: null,
  fileLine: null,
  patch: null,
  explanation: '',
  fixes: [],
  related: [],
  key: `k${line}`,
  ...over,
});
