/**
 * @file Whether a quick fix holds: applied alone, the patch still ingests cleanly, its finding is gone (one
 * fewer finding of that identity: a function may leak on two paths alike) and no finding appears that was
 * not there before. The rule tests, the fixes-hold test and the corpus benchmark all judge fixes by this.
 */
import type { Analysis } from './engine';
import type { Finding, Fix } from './findings';
import { applyTextEdits } from './textedit';

/** What a finding is, wherever lines moved: its rule, message id, key and origin. */
export const findingIdentity = (f: Finding): string => `${f.ruleId}|${f.messageId}|${f.key}|${f.origin}`;

export interface FixVerdict {
  holds: boolean;
  /** The finding is still there as often as before. */
  stays: boolean;
  /** Findings of identities the document did not have. */
  added: Finding[];
  /** Ingestion problems of the fixed document. */
  problems: number;
}

export function checkFix(analyze: (text: string) => Analysis, text: string, before: Finding[], finding: Finding, fix: Fix): FixVerdict {
  const after = analyze(applyTextEdits(text, fix.edits));
  const id = findingIdentity(finding);
  const count = (fs: Finding[]): number => fs.filter((f) => findingIdentity(f) === id).length;
  const had = new Set(before.map(findingIdentity));
  const added = after.findings.filter((f) => !had.has(findingIdentity(f)));
  const stays = count(after.findings) >= count(before);
  const problems = after.series.problems.length;
  return { holds: !stays && added.length === 0 && problems === 0, stays, added, problems };
}
