/** @file Reply quoting: `> `, `>> `, `> > ` and mixtures, at any depth. */

export interface QuotedLine {
  /** Number of `>` levels in the prefix. */
  depth: number;
  /** Length of the prefix including the one space that may follow each `>`. */
  prefixLength: number;
  /** The line after the prefix. */
  content: string;
  /** The last `>` is followed directly by text (`> >req`), which a hyphen-wrapped line can produce. */
  tight: boolean;
}

/** Splits a line into its quote prefix and the rest. Linear in the prefix length. */
export function parseQuote(line: string): QuotedLine {
  let i = 0;
  let depth = 0;
  while (i < line.length && line.charCodeAt(i) === 62 /* > */) {
    depth++;
    i++;
    if (line.charCodeAt(i) === 32 /* space */) i++;
  }
  const tight = depth > 0 && i < line.length && line.charCodeAt(i - 1) === 62;
  return { depth, prefixLength: i, content: line.slice(i), tight };
}

/**
 * Strips exactly `depth` quote levels (each `>` plus one optional space) and returns the column where
 * the content starts. Text deeper than `depth` stays in the content: inside a quoted hunk it is code.
 */
export function stripQuoteLevels(line: string, depth: number): number {
  let i = 0;
  for (let level = 0; level < depth; level++) {
    if (line.charCodeAt(i) !== 62) return i;
    i++;
    if (line.charCodeAt(i) === 32) i++;
  }
  return i;
}
