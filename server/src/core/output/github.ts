/**
 * @file `--format github`: one GitHub Actions workflow command per finding (`::error file=…,line=…::…`),
 * which the runner turns into an annotation on the patch file's line, then the text summary for the log.
 */
import type { Finding, Severity } from '../findings';
import type { LineFindings } from './source-locations';
import { originNote, raisedNote, summaryLine } from './text';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };

/** A command's message: `%`, CR and LF escaped, as the runner reads them back. */
export const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** A property value: also `:` and `,`, which separate the properties. */
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

function annotation(path: string, f: Finding, lineOnly: boolean): string {
  const { start, end } = f.range;
  const props = [
    `file=${escapeProperty(path)}`,
    `line=${start.line + 1}`,
    `endLine=${end.line + 1}`,
    // Columns only make sense within one line.
    ...(start.line === end.line && !lineOnly ? [`col=${start.character + 1}`, `endColumn=${end.character + 1}`] : []),
    `title=${escapeProperty(`mm-review ${f.ruleId}`)}`,
  ];
  return `::${COMMAND[f.severity]} ${props.join(',')}::${escapeData(f.message + originNote(f) + raisedNote(f, true))}`;
}

export function toGithub(docs: LineFindings[], patches: number, documents = docs.length): string {
  const lines = docs.flatMap((d) => d.findings.map((f) => annotation(d.path, f, d.lineOnly === true)));
  lines.push(summaryLine(docs, patches, documents));
  return lines.join('\n') + '\n';
}
