/**
 * @file What must hold for any input, checked on one case: the core does not throw, no rule fails on the
 * document, every position a finding gives (its range, its related places in the document, its fixes'
 * edits) is inside the document, every fix applies, and the review reply is composed (and a finding
 * added to it) without throwing.
 */
import type { Engine } from '../server/src/core/engine';
import type { Range } from '../server/src/core/ingest';
import { splitLines } from '../server/src/core/ingest';
import { applyTextEdits } from '../server/src/core/textedit';
import { addToReply, composeReplies } from '../server/src/core/output/reply';

export type FailureClass = 'crash' | 'rule failed' | 'position outside the document' | 'hang' | 'memory';
export const FAILURE_CLASSES: readonly FailureClass[] = ['crash', 'rule failed', 'position outside the document', 'hang', 'memory'];

export interface Failure {
  kind: FailureClass;
  detail: string;
}

/** Runs the analysis on `text` and returns what went wrong (nothing, for a sound run). */
export function checkCase(engine: Engine, text: string): Failure[] {
  let findings;
  let series;
  try {
    ({ findings, series } = engine.analyze(text));
  } catch (e) {
    return [{ kind: 'crash', detail: (e as Error).stack ?? String(e) }];
  }
  const out: Failure[] = [];
  try {
    const replies = composeReplies(series, findings);
    // The reply written so far, with each of its findings added again (a no-op) and the first one it lacks.
    for (const r of replies.slice(0, 3)) for (const f of [...r.findings.slice(0, 2), ...findings.slice(0, 2)]) addToReply(r.text, series, f);
  } catch (e) {
    out.push({ kind: 'crash', detail: `composing the reply: ${(e as Error).stack ?? String(e)}` });
  }
  const lines = splitLines(text);
  // A document ending in a newline has an empty last line an editor shows: positions there are inside.
  const lineCount = lines.length + 1;
  const inside = (r: Range): boolean =>
    r.start.line >= 0 &&
    r.end.line >= r.start.line &&
    r.end.line < lineCount &&
    r.start.character >= 0 &&
    r.start.character <= (lines[r.start.line]?.length ?? 0) &&
    r.end.character >= 0 &&
    r.end.character <= (lines[r.end.line]?.length ?? 0) &&
    (r.end.line > r.start.line || r.end.character >= r.start.character);
  for (const f of findings) {
    if (/^rule \S+ failed on this document/.test(f.message)) out.push({ kind: 'rule failed', detail: `${f.message}\n${f.explanation}` });
    if (!inside(f.range))
      out.push({ kind: 'position outside the document', detail: `${f.ruleId}: ${JSON.stringify(f.range)} (${lines.length} lines): ${f.message}` });
    for (const rel of f.related)
      if (!rel.file && !inside(rel.range))
        out.push({ kind: 'position outside the document', detail: `${f.ruleId} related: ${JSON.stringify(rel.range)}: ${rel.message}` });
    for (const fix of f.fixes) {
      for (const e of fix.edits)
        if (!inside(e.range)) out.push({ kind: 'position outside the document', detail: `${f.ruleId} fix "${fix.title}": ${JSON.stringify(e.range)}` });
      try {
        applyTextEdits(text, fix.edits);
      } catch (e) {
        out.push({ kind: 'crash', detail: `applying ${f.ruleId}'s fix "${fix.title}": ${(e as Error).message}` });
      }
    }
  }
  return out;
}
