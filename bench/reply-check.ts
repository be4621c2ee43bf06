/**
 * @file The review reply on a real patch, checked as the tests check it on fixtures: each reply reads back
 * as a quote of the patch with every comment right under its finding's quoted line, and the patch followed
 * by its replies (a thread) marks every finding they comment on as raised.
 */
import type { Analysis } from '../server/src/core/engine';
import { ingest } from '../server/src/core/ingest';
import { commentText, composeReplies, fileLinesOf, repliesAsMbox } from '../server/src/core/output/reply';
import { quoteLine, wrapText } from '../server/src/core/output/mail-text';
import { lastLineOf } from '../server/src/core/raised';

export interface ReplyCheck {
  replies: number;
  comments: number;
  /** Comments found back under their finding's quoted line, in a quoted hunk or in the quoted prose. */
  underTheirLine: number;
  /** Findings commented on that a thread of the patch and its replies marks raised. */
  raisedInThread: number;
}

/** `analyze`: the engine's analysis with the options the patch was checked with (its series valid until the next). */
export function checkReplies(text: string, analyze: (text: string) => Analysis): ReplyCheck {
  const a = analyze(text);
  const introduced = a.findings.filter((f) => f.origin === 'introduced');
  const replies = composeReplies(a.series, introduced, { from: 'Corpus Reviewer <corpus@example.org>' });
  const out: ReplyCheck = { replies: replies.length, comments: 0, underTheirLine: 0, raisedInThread: 0 };
  const docLines = a.series.lines;
  const fileLines = fileLinesOf(a.series);
  const commented = new Set<string>();
  for (const r of replies) {
    const lines = ingest(r.text).lines;
    for (const f of r.findings) {
      out.comments++;
      commented.add(`${f.ruleId}\u0000${f.key}\u0000${f.range.start.line}`);
      const first = wrapText(commentText(f, fileLines))[0];
      // Above the comment, past the other comments on the same line: the finding's line, quoted.
      const at = lines.indexOf(first);
      let above = at - 1;
      while (above >= 0 && !lines[above].startsWith('>')) above--;
      if (at > 0 && lines[above] === quoteLine(docLines[lastLineOf(f)] ?? '')) out.underTheirLine++;
    }
  }
  if (replies.length) {
    const thread = analyze(`${text.trimEnd()}\n\n${repliesAsMbox(replies)}`);
    for (const f of thread.findings)
      if (f.raised?.by === 'Corpus Reviewer <corpus@example.org>' && commented.has(`${f.ruleId}\u0000${f.key}\u0000${f.range.start.line}`))
        out.raisedInThread++;
  }
  return out;
}
