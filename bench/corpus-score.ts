/**
 * @file Scoring findings on the real-patch corpus: whether a finding sits on a bug site of the manifest (one of
 * the site's lines, inside the site's function), and what counts as a false alarm. Pure; the benchmark
 * (corpus-bench.ts) reads the mails and runs the engine.
 */
import type { Finding } from '../server/src/core/findings';
import { definitionStartName } from '../server/src/core/c/syntax/scan';

export interface BugSite {
  function: string;
  /** Lines of the posting (without diff marker or quoting) where the bug shows: the acquire, the leaking exit. */
  lines: string[];
}

export interface CorpusPatch {
  id: string;
  archive: string;
  commit: string;
  messageId: string;
  subject: string;
  role: 'introducer' | 'good';
  area: string;
  fixedBy?: { commit: string; messageId: string; subject: string };
  bug?: { what: string; sites: BugSite[] };
}

export interface CorpusManifest {
  about: string;
  archives: string[];
  patches: CorpusPatch[];
}

/** A line of a (possibly quoted) patch mail without its quote prefix and diff marker, trimmed. */
export function codeOf(line: string): string {
  const unquoted = line.replace(/^(?:\s?>)+\s?/, '');
  return unquoted.replace(/^[+\- ]/, '').trim();
}

/**
 * The function a document line belongs to: the nearest definition start above it (a line at column 0 of the
 * code, naming a function and not ending a declaration), or the section of the hunk header it is under.
 */
export function functionAt(lines: readonly string[], line: number): string | null {
  for (let l = line; l >= 0; l--) {
    const text = lines[l].replace(/^(?:\s?>)+\s?/, '');
    if (text.startsWith('diff --git')) return null;
    const hunk = /^@@[^@]*@@\s*(.*)$/.exec(text);
    if (hunk) return /([A-Za-z_]\w*)\s*\(/.exec(hunk[1])?.[1] ?? null;
    // The code after the diff marker: a definition starts at its column 0.
    const def = definitionStartName(/^[+\- ]/.test(text) ? text.slice(1) : text);
    if (def) return def;
  }
  return null;
}

/** The sites of a patch a finding is on, by the document's text. */
export function sitesHit(lines: readonly string[], f: Finding, sites: readonly BugSite[]): BugSite[] {
  const l = f.range.start.line;
  const code = codeOf(lines[l] ?? '');
  const fn = functionAt(lines, l);
  return sites.filter((s) => s.function === fn && s.lines.some((x) => x.trim() === code));
}

/** Findings that call for action: introduced warnings and errors. */
export const isAlarm = (f: Finding): boolean => f.origin === 'introduced' && (f.severity === 'error' || f.severity === 'warning');
