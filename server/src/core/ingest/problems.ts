/** @file Message templates for what ingestion could not read; the malformed-patch rule reports them. */
export const PROBLEM_MESSAGES = {
  badHunkHeader: 'hunk header `{{header}}` does not parse, so its lines are not analysed',
  truncatedHunk: 'hunk is truncated: {{old}} old and {{new}} new lines that its header counts are missing',
  partialHunk: 'quoted hunk is incomplete ({{old}} old and {{new}} new lines of its header count are not in the quote), so it is analysed as far as it goes',
  hunkOverflow: 'line is beyond the counts of the hunk header at line {{header}} ({{counts}}), so it is not analysed',
  combinedDiff: 'combined (merge) diffs are not analysed',
} as const;

export type ProblemId = keyof typeof PROBLEM_MESSAGES;

export function problemMessage(id: ProblemId, data: Record<string, string | number>): string {
  return PROBLEM_MESSAGES[id].replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(data[k] ?? ''));
}
