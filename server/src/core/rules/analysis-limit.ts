/**
 * @file Reported by the engine, not by a check: a document over the size limit, or one that could not be
 * read at all, gets this single finding instead of an analysis, so huge input degrades with a message; a
 * document with nothing to review (no patch, no C) says so instead of passing in silence.
 */
import { defineRule } from './rule';

const MESSAGES = {
  tooLarge: '{{what}} is {{size}}, over the limit of {{limit}}; it is not analysed',
  streamTooLarge: '{{what}} is larger than the limit of {{limit}}; it is not analysed',
  unreadable: 'the document could not be read ({{reason}}); it is not analysed',
  nothingToReview: 'no patch or C code found in this document; nothing was reviewed',
  tooDeep: 'this code nests deeper than {{limit}} levels and is not read: paths through it are not judged',
  unfinished: 'the analysis ran out of {{budget}} before finishing {{rules}}; {{whose}} findings may be missing',
  inParts: 'this document ({{size}}) was analysed in {{parts}} parts of whole series, each on its own',
  longLine: 'this line is {{length}} characters long and is not read as C (lines over {{limit}} characters are not)',
} as const;

/** The notes the engine reports as this rule. */
export type LimitMessageId = keyof typeof MESSAGES;

export default defineRule({
  id: 'analysis-limit',
  meta: {
    summary: 'The document was not analysed, or not all of it: too large, unreadable, or nothing in it to review',
    defaultSeverity: 'warning',
    confidence: 'high',
    differential: false,
    messages: MESSAGES,
  },
  check() {
    /* the engine reports this rule's findings itself */
  },
});
