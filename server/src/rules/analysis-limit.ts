/**
 * @file Reported by the engine, not by a check: a document over the size limit, or one that could not be
 * read at all, gets this single finding instead of an analysis, so huge input degrades with a message.
 */
import { defineRule } from './rule';

export default defineRule({
  id: 'analysis-limit',
  meta: {
    summary: 'The document was not analysed: too large, or unreadable',
    defaultSeverity: 'warning',
    confidence: 'high',
    differential: false,
    messages: {},
  },
  check() {
    /* the engine reports this rule's findings itself */
  },
});
