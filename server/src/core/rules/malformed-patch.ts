/**
 * @file Input that could not be read as intended: a hunk header that does not parse, a hunk cut short,
 * lines beyond a header's counts. The rest of the document is still analysed; this says what was not.
 * Known false positives: a reviewer trimming a quoted hunk is reported as information, not a warning.
 */
import { PROBLEM_MESSAGES } from '../ingest/problems';
import { defineRule } from './rule';

export default defineRule({
  id: 'malformed-patch',
  meta: {
    summary: 'Patch text that could not be read as a well-formed diff',
    defaultSeverity: 'warning',
    confidence: 'high',
    differential: false,
    messages: { ...PROBLEM_MESSAGES },
    knownFalsePositives: ['A deliberately trimmed quote in a reply (reported as information).'],
  },
  check(ctx) {
    for (const p of ctx.series.series.problems) {
      ctx.report({
        side: 'new',
        at: { range: p.range, patch: null, path: null, fileLine: null },
        messageId: p.messageId,
        data: p.data,
        severity: p.severity,
        key: `${p.messageId}:${p.range.start.line}`,
        explanation: p.severity === 'information' ? `${p.message}.\n\nThis is information only: replies often quote part of a hunk.` : `${p.message}.`,
      });
    }
  },
});
