/** @file `--format json`: findings with 1-based positions, per document. */
import type { Finding } from '../findings';
import { TOOL_NAME, TOOL_VERSION } from '../version';

export interface DocumentFindings {
  path: string;
  findings: Finding[];
}

export function findingToJson(f: Finding): object {
  return {
    ruleId: f.ruleId,
    messageId: f.messageId,
    severity: f.severity,
    origin: f.origin,
    message: f.message,
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    endLine: f.range.end.line + 1,
    endColumn: f.range.end.character + 1,
    file: f.file,
    fileLine: f.fileLine,
    patch: f.patch,
    explanation: f.explanation,
    related: f.related.map((r) => ({
      line: r.range.start.line + 1,
      column: r.range.start.character + 1,
      message: r.message,
      ...(r.file ? { treeRoot: r.file.root, treeFile: r.file.path } : {}),
    })),
    fixes: f.fixes.map((x) => ({
      title: x.title,
      edits: x.edits.map((e) => ({
        line: e.range.start.line + 1,
        column: e.range.start.character + 1,
        endLine: e.range.end.line + 1,
        endColumn: e.range.end.character + 1,
        newText: e.newText,
      })),
    })),
    ...(f.raised ? { raised: { by: f.raised.by, line: f.raised.line + 1 } } : {}),
  };
}

export function toJson(docs: DocumentFindings[]): string {
  return JSON.stringify(
    {
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      documents: docs.map((d) => ({ path: d.path, findings: d.findings.map(findingToJson) })),
    },
    null,
    2,
  );
}
