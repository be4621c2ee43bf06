/** @file Findings as LSP diagnostics, code actions and code lenses. */
import { CodeActionKind, DiagnosticSeverity, type CodeAction, type CodeLens, type Diagnostic } from 'vscode-languageserver/node';
import type { Finding, Severity } from '../core/findings';
import { aboutThePatch } from '../core/output/reply';
import { originNote, raisedNote } from '../core/output/text';
import type { HoverLink } from '../core/describe';
import type { Patch, Range } from '../core/ingest';
import { pathToFileURL } from 'node:url';

export const SOURCE = 'mm-review';
/** Served by the extension (a text document content provider); other clients show it as a link. */
export const ruleDocUri = (id: string): string => `mm-review-doc:/rules/${id}.md`;

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Finding, uri: string): Diagnostic {
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    code: f.ruleId,
    codeDescription: { href: ruleDocUri(f.ruleId) },
    source: SOURCE,
    message: `${f.message}${originNote(f)}${raisedNote(f, false)}`,
    relatedInformation: f.related.map((r) => ({
      location: { uri: r.file ? pathToFileURL(`${r.file.root}/${r.file.path}`).href : uri, range: r.range },
      message: r.message,
    })),
    data: { key: f.key },
  };
}

const overlaps = (a: Range, b: Range): boolean =>
  !(
    a.end.line < b.start.line ||
    (a.end.line === b.start.line && a.end.character < b.start.character) ||
    b.end.line < a.start.line ||
    (b.end.line === a.start.line && b.end.character < a.start.character)
  );

/**
 * The quick fixes of the findings in `range`; with `replies` (a client that runs the extension's commands),
 * also "Add to reply" on each introduced finding that is about the patch.
 */
export function codeActions(findings: Finding[], uri: string, range: Range, replies = false): CodeAction[] {
  const out: CodeAction[] = [];
  for (const f of findings) {
    if (!overlaps(f.range, range)) continue;
    f.fixes.forEach((fix, i) => {
      out.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toDiagnostic(f, uri)],
        isPreferred: i === 0,
        edit: { changes: { [uri]: fix.edits.map((e) => ({ range: e.range, newText: e.newText })) } },
      });
    });
    if (replies && f.origin === 'introduced' && aboutThePatch(f))
      out.push({
        title: `Add to reply: ${f.ruleId}${raisedNote(f, false)}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [toDiagnostic(f, uri)],
        command: { title: 'Add to reply', command: 'mmReview.addToReply', arguments: [uri, f.key] },
      });
  }
  return out;
}

function counts(findings: Finding[]): string {
  const by = (s: Severity): number => findings.filter((f) => f.severity === s).length;
  const parts: string[] = [];
  for (const [s, word] of [
    ['error', 'error'],
    ['warning', 'warning'],
    ['information', 'information'],
    ['hint', 'hint'],
  ] as const) {
    const n = by(s);
    if (n) parts.push(`${n} ${word}${n === 1 || word === 'information' ? '' : 's'}`);
  }
  return parts.length ? parts.join(', ') : 'no findings';
}

export function codeLenses(patches: Pick<Patch, 'index' | 'anchorLine'>[], findings: Finding[], uri: string): CodeLens[] {
  const lenses: CodeLens[] = patches.map((p) => {
    const line = { line: p.anchorLine, character: 0 };
    const own = findings.filter((f) => f.patch?.index === p.index);
    return { range: { start: line, end: line }, command: { title: `mm-review: ${counts(own)}`, command: 'workbench.actions.view.problems' } };
  });
  for (const f of findings) {
    if (!f.model) continue;
    lenses.push({
      range: { start: f.range.start, end: f.range.start },
      // Short: a lens sits above the code, and a long title is cut off.
      command: { title: `Show model (${f.model.id})`, command: 'mmReview.showModel', arguments: [uri, f.key] },
    });
  }
  return lenses;
}

/** A command link VS Code runs from a hover (its arguments JSON, URI-encoded). */
const commandLink = (title: string, command: string, args: unknown[]): string => `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;

/** The hover's links, one line: the model, the whole explanation, the rule's documentation. */
export function hoverLinks(links: HoverLink[], uri: string): string {
  return links
    .map((l) =>
      l.kind === 'ruleDoc'
        ? commandLink(l.title, 'mmReview.showRuleDocumentation', [l.ruleId])
        : l.kind === 'run'
          ? commandLink(l.title, 'mmReview.runModel', [uri, l.run.model, l.run.args])
          : commandLink(l.title, l.kind === 'model' ? 'mmReview.showModel' : 'mmReview.showExplanation', [uri, l.key]),
    )
    .join(' · ');
}

export { counts as countsText };
