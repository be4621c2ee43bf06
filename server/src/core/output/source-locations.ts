/**
 * @file Findings placed on the kernel files the patches change instead of the patch document (`check
 * --location source`): a pull request's annotations and code scanning show them on the changed file's
 * line. A finding is placed on its file's line (the patched file; the pre-image for a removed line); one
 * with no file line (in the prose, a cover letter, a mail problem) stays on the patch document.
 */
import type { Finding } from '../findings';
import type { DocumentFindings } from './json';

/** DocumentFindings whose ranges are whole lines: the outputs give no columns for them. */
export interface LineFindings extends DocumentFindings {
  lineOnly?: boolean;
}

export function atSourceLines(docs: readonly DocumentFindings[]): LineFindings[] {
  const byFile = new Map<string, Finding[]>();
  const left: DocumentFindings[] = [];
  for (const d of docs) {
    const stay: Finding[] = [];
    for (const f of d.findings) {
      if (f.file === null || f.fileLine === null) {
        stay.push(f);
        continue;
      }
      const at = { line: f.fileLine - 1, character: 0 };
      const list = byFile.get(f.file) ?? [];
      // Related places and fixes are ranges of the patch document: only places in a kernel tree's files stay.
      list.push({ ...f, range: { start: at, end: at }, related: f.related.filter((r) => r.file), fixes: [] });
      byFile.set(f.file, list);
    }
    if (stay.length) left.push({ path: d.path, findings: stay });
  }
  const files = [...byFile].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [...files.map(([path, findings]) => ({ path, findings: findings.sort((a, b) => a.range.start.line - b.range.start.line), lineOnly: true })), ...left];
}
