/**
 * @file The code the expression rules read (mask-misuse, unit-mismatch, gmem-binding-alignment): the
 * functions a patch's hunks show (both sides, so the engine can tell introduced from pre-existing), the
 * functions a quoted fragment shows, and the snippets written into a mail's prose. Snippets of one message
 * at one quote depth are one author's text: a name one of them assigns is known in the ones after it.
 */
import type { Stmt } from '../../c/syntax/ast';
import type { Side, Span } from '../../c/syntax/image';
import type { FunctionFilter, HunkView, ImageView, ParsedSeries } from '../../c/syntax/parsed';
import { walkDefinitions, type Definitions, type Visit } from '../../c/analysis/quantities';
import type { Patch, Range } from '../../ingest';
import type { Location } from '../rule';

export type SiteKind = 'patch' | 'quote' | 'snippet';

export interface CodeSite {
  /** `patch`: a hunk of a patch; `quote`: a patch fragment quoted in a reply; `snippet`: C in prose. */
  kind: SiteKind;
  side: Side;
  view: ImageView;
  hunk: HunkView | null;
  patch: Patch | null;
  path: string | null;
  /** The function the statements belong to; null for a snippet. */
  fn: string | null;
  stmts: Stmt[];
  /** Snippets sharing definitions: `message:depth`. */
  group: string | null;
}

/**
 * Whether an image's text passes the filter, cached on the image under the filter's `key`. A hunk is read
 * only if its text could hold what a rule looks for (its functions are costly to read), and of its
 * functions only those whose text could (the same `want`, asked of each definition's text); a re-check
 * tests only the images an edit changed. A rule declares its filters in `meta.functionFilters`.
 */
export const isRelevant = (series: ParsedSeries, view: ImageView, filter: FunctionFilter): boolean =>
  series.derive(view, relevantKind(filter), () => filter.want(view.image.text));

/** Each filter's kind, made once: asked of every image by every rule on every check. */
const relevantKinds = new WeakMap<FunctionFilter, string>();
function relevantKind(filter: FunctionFilter): string {
  let kind = relevantKinds.get(filter);
  if (kind === undefined) relevantKinds.set(filter, (kind = `relevant:${filter.key}`));
  return kind;
}

/**
 * Every code site whose image text `filter` accepts. Hunks' old sides only when `bothSides` (a rule
 * that wants to tell introduced from pre-existing findings).
 */
export function codeSites(series: ParsedSeries, filter: FunctionFilter, bothSides = true): CodeSite[] {
  const out: CodeSite[] = [];
  for (const hunk of series.hunks) {
    const sides: [Side, ImageView][] = [['new', hunk.new]];
    if (bothSides) sides.push(['old', hunk.old]);
    for (const [side, view] of sides) {
      if (!isRelevant(series, view, filter)) continue;
      for (const fn of series.functionsOf(hunk, view, filter)) {
        out.push({ kind: 'patch', side, view, hunk, patch: hunk.patch, path: hunk.path, fn: fn.name, stmts: fn.body, group: null });
      }
    }
  }
  for (const { fragment, view } of series.fragments) {
    if (!isRelevant(series, view, filter)) continue;
    for (const fn of series.functionsIn(view, null, filter)) {
      out.push({
        kind: 'quote',
        side: 'new',
        view,
        hunk: null,
        patch: null,
        path: null,
        fn: fn.name.startsWith('__mmr_') ? null : fn.name,
        stmts: fn.body,
        group: `fragment:${fragment.line}`,
      });
    }
  }
  const messages = series.series.messages;
  for (const { fragment, view, stmts } of series.snippets) {
    // Snippets are few, and a later one may use what an earlier one (not itself relevant) assigned.
    const message = messages.findIndex((m) => fragment.line >= m.startLine && fragment.line <= m.endLine);
    out.push({ kind: 'snippet', side: 'new', view, hunk: null, patch: null, path: null, fn: null, stmts, group: `${message}:${fragment.quoteDepth}` });
  }
  return out;
}

/**
 * Visits every top-level expression of every site with the definitions in force there. A snippet group
 * carries its definitions from one snippet to the next. `origin` in a definition's site is the index of
 * its code site in `sites`.
 */
export function visitSites(sites: CodeSite[], visit: (site: CodeSite, v: Visit) => void): void {
  const groups = new Map<string, Definitions>();
  sites.forEach((site, origin) => {
    const start = (site.kind === 'snippet' && site.group && groups.get(site.group)) || new Map();
    const end = walkDefinitions(site.stmts, start, origin, (v) => visit(site, v));
    if (site.kind === 'snippet' && site.group) groups.set(site.group, end);
  });
}

/** Where a finding on a site goes. */
export function locationOf(site: CodeSite, span: Span): Location {
  return { view: site.view, span, patch: site.patch, path: site.path };
}

/** The document line (1-based) of a span in a site. */
export function lineIn(site: CodeSite, span: Span): number {
  return site.view.image.toDoc(span.startRow, span.startCol).line + 1;
}

/** The document range of a span in a site. */
export function rangeIn(site: CodeSite, span: Span): Range {
  return site.view.image.spanToDoc(span);
}

/** Code as its author wrote it (whitespace collapsed, a statement's `;` dropped): what messages quote. */
export function writtenIn(site: CodeSite, span: Span): string {
  return site.view.image
    .textOf(span)
    .replace(/\s+/g, ' ')
    .replace(/(?<!\s)\s*;$/, '')
    .trim();
}
