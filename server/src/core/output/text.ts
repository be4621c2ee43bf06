/** @file `--format text`: `PATH:LINE:COL: SEVERITY: MESSAGE [RULE-ID]`, one per finding, then a summary. */
import type { Finding, Severity } from '../findings';
import type { DocumentFindings } from './json';

const ORIGIN_NOTE: Record<Finding['origin'], string> = { introduced: '', 'pre-existing': ' (pre-existing)', fixed: ' (fixed by this patch)' };

/** What follows a finding's message in every output: ` (pre-existing)`, ` (fixed by this patch)`, or nothing. */
export const originNote = (f: Finding): string => ORIGIN_NOTE[f.origin];

/** ` (raised by WHO)` for a finding a reply in the thread raised (` on line N` with `withLine`), else nothing. */
export const raisedNote = (f: Finding, withLine: boolean): string =>
  f.raised ? ` (raised by ${f.raised.by}${withLine ? ` on line ${f.raised.line + 1}` : ''})` : '';

function findingLine(path: string, f: Finding): string {
  return `${path}:${f.range.start.line + 1}:${f.range.start.character + 1}: ${f.severity}: ${f.message}${originNote(f)}${raisedNote(f, true)} [${f.ruleId}]`;
}

/** `documents`: how many documents were checked (findings may be grouped by kernel file instead). */
export function summaryLine(docs: DocumentFindings[], patches: number, documents = docs.length): string {
  const counts: Record<Severity, number> = { error: 0, warning: 0, information: 0, hint: 0 };
  for (const d of docs) for (const f of d.findings) counts[f.severity]++;
  const parts = [
    `${counts.error} error${counts.error === 1 ? '' : 's'}`,
    `${counts.warning} warning${counts.warning === 1 ? '' : 's'}`,
    `${counts.information} information`,
  ];
  if (counts.hint) parts.push(`${counts.hint} hint${counts.hint === 1 ? '' : 's'}`);
  const where = `${documents} document${documents === 1 ? '' : 's'}, ${patches} patch${patches === 1 ? '' : 'es'}`;
  return `mm-review: ${parts.join(', ')} (${where})`;
}

export function toText(docs: DocumentFindings[], patches: number, documents = docs.length): string {
  const lines = docs.flatMap((d) => d.findings.map((f) => findingLine(d.path, f)));
  lines.push(summaryLine(docs, patches, documents));
  return lines.join('\n') + '\n';
}
