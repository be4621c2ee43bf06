/**
 * @file The sites of a changed prototype that the series does not show, found in the reviewer's kernel
 * tree: definitions, declarations and calls in files the series never touches, and in files it touches,
 * outside its hunks (read from the file as the series leaves it). The host's text search names the
 * candidate files; only those are parsed.
 */
import type { ParamFact } from '../../c/analysis/facts';
import type { ParsedSeries } from '../../c/syntax/parsed';
import type { PrototypeHistory } from '../../c/analysis/prototypes';
import { typesKey } from '../../c/analysis/prototypes';
import type { KernelTree } from '../../kernel/kernel-tree';
import { treeFiles, treeLine } from '../../kernel/tree-files';

export interface TreeSite {
  path: string;
  /** 1-based line in the file (as the series leaves it, for a file the series changes). */
  line: number;
  col: number;
  endCol: number;
  kind: 'definition' | 'declaration' | 'call';
  /** Parameters (definitions, declarations) or arguments (calls) the site has. */
  count: number;
  params: ParamFact[] | null;
}

/** Candidate files past this many are not read: a prototype change this wide is reported as partial. */
export const MAX_TREE_FILES = 600;

export interface TreeCheck {
  /** Sites that disagree with the prototype in effect after the series. */
  stale: TreeSite[];
  /** Sites that agree (for the hover's summary). */
  following: number;
  /** Files read that name the function. */
  files: number;
  /** More candidate files than were read. */
  truncated: boolean;
  /** Files naming the function where a hunk of the series does not apply: not judged (another base). */
  unjudged: string[];
  /** The tree search is not done yet. */
  pending: boolean;
}

/**
 * Checks every tree site of `history`'s function against its prototype after the whole series. `names`:
 * every function the series changes, searched for together (one search of the tree for all of them).
 */
export function checkTreeSites(series: ParsedSeries, tree: KernelTree, history: PrototypeHistory, names: readonly string[]): TreeCheck {
  const last = history.changes[history.changes.length - 1];
  const want = { params: last.after, variadic: last.afterVariadic };
  const files = tree.filesNaming(names);
  if (files === null) return { stale: [], following: 0, files: 0, truncated: false, unjudged: [], pending: true };
  const applied = treeFiles(series.series, tree);
  const scoped = history.scopePath ? files.filter((f) => f === history.scopePath) : files;
  const read = scoped.slice(0, MAX_TREE_FILES);
  const stale: TreeSite[] = [];
  let following = 0;
  let naming = 0;
  const unjudged: string[] = [];
  for (const path of read) {
    const changed = applied.get(path);
    // A file the series changes is read as the series leaves it; the lines its hunks show are its own sites.
    const text = changed ? changed.after : tree.read(path);
    if (text === null || !text.includes(history.name)) continue;
    naming++;
    // Where a hunk does not apply, the tree has another version of the file: a site there may be one that
    // hunk updates in the series' version.
    if (changed?.failures.length) {
      unjudged.push(path);
      continue;
    }
    // Lines are named as the tree's file has them, not as the series leaves it.
    const lineOf = (row: number): number => (changed ? treeLine(changed, row) : row + 1);
    const facts = series.factsOfText(text);
    // A function-like macro of the same name in the file: its calls are not the function's.
    const macro = facts.macros.some((m) => m.name === history.name && m.functionLike);
    const shown = (row: number): boolean => !!changed && changed.shown.has(row + 1);
    for (const fn of facts.functions) {
      if (fn.name !== history.name || fn.params === null || fn.hasError || shown(fn.nameSpan.startRow)) continue;
      const agrees = typesKey(fn.params, fn.variadic) === typesKey(want.params, want.variadic);
      if (agrees) following++;
      else
        stale.push({
          path,
          line: lineOf(fn.nameSpan.startRow),
          col: fn.nameSpan.startCol,
          endCol: fn.nameSpan.endCol,
          kind: fn.kind,
          count: fn.params.length,
          params: fn.params,
        });
    }
    if (macro) continue;
    for (const call of facts.calls) {
      if (call.callee !== history.name || !call.reliable || shown(call.span.startRow)) continue;
      const n = want.params.length;
      const agrees = want.variadic ? call.args.length >= n : call.args.length === n;
      if (agrees) following++;
      else
        stale.push({
          path,
          line: lineOf(call.span.startRow),
          col: call.span.startCol,
          endCol: call.span.startRow === call.span.endRow ? call.span.endCol : call.span.startCol + history.name.length,
          kind: 'call',
          count: call.args.length,
          params: null,
        });
    }
  }
  return { stale, following, files: naming, truncated: scoped.length > read.length, unjudged, pending: false };
}
