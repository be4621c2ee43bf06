/**
 * @file A comparison or sum that mixes a page quantity (`pgoff`, `gfn`, `npages`, `index`, `>> PAGE_SHIFT`)
 * with a byte quantity (`<< PAGE_SHIFT`, `PAGE_SIZE *`, `SZ_2M`, `huge_page_size()`) without converting
 * one into the other; or a page-named variable assigned bytes. Units are followed through simple
 * assignments, across the lines of a snippet in a mail (`offset_within_page = slot->gmem.pgoff & …;
 * gfn_within_page = (slot->base_gfn << PAGE_SHIFT) & …; offset_within_page == gfn_within_page;`).
 * Names that do not say their unit (`offset`, `size`, `len`) are never guessed.
 * Known false positives: a variable whose name says pages (`index`, `*_gfn`) but that holds bytes.
 */
import { exprText, subExprs, type Expr } from '../c/syntax/ast';
import { mayMixUnits, quantityOf, unitClashAt, type Quantity, type UnitClash } from '../c/analysis/quantities';
import { BASE_GFN_FILTER, bindingNote } from './support/binding-checks';
import { codeSites, lineIn, locationOf, visitSites, writtenIn, type CodeSite } from './support/code-sites';
import { defineRule, type RuleContext } from './rule';
import type { Visit } from '../c/analysis/quantities';
import type { FunctionFilter } from '../c/syntax/parsed';

/** The functions this rule reads: those whose text could mix pages with bytes. */
const UNITS_FILTER: FunctionFilter = { key: 'units', want: mayMixUnits };

const MESSAGES = {
  mixed: '`{{expr}}` {{verb}} {{pages}}, in pages, with {{bytes}}, in bytes, without converting either',
  assigned: '`{{target}}` counts pages but is given {{bytes}}, in bytes',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

const PAGE_NAME = /(?:^|_)(?:gfn|pfn|pgoff|npages|nr_pages|index)$/;

const OP_WORDS: Record<string, string> = {
  '==': 'compares',
  '!=': 'compares',
  '<': 'compares',
  '<=': 'compares',
  '>': 'compares',
  '>=': 'compares',
  '+': 'adds',
  '-': 'subtracts',
};

/** The source that decided a quantity's unit, as written where it is. */
function sourceText(q: Quantity, site: CodeSite, sites: CodeSite[]): string {
  const last = q.via[q.via.length - 1];
  return writtenIn(last ? sites[last.site.origin] : site, q.source.span);
}

/** `` `offset_within_page` (from `slot->gmem.pgoff`) `` — the name and the source that decided its unit. */
function described(e: Expr, q: Quantity, site: CodeSite, sites: CodeSite[]): string {
  const text = writtenIn(site, e.span);
  const source = sourceText(q, site, sites);
  return source === text ? `\`${text}\`` : `\`${text}\` (from \`${source}\`)`;
}

function chainOf(q: Quantity, sites: CodeSite[]): string | null {
  if (!q.via.length) return null;
  return q.via.map((d) => `\`${writtenIn(sites[d.site.origin], d.site.span)}\` (line ${lineIn(sites[d.site.origin], d.site.span)})`).join(', then ');
}

function bins(e: Expr, out: Expr[]): void {
  if (e.kind === 'bin') out.push(e);
  for (const c of subExprs(e)) bins(c, out);
}

function check(ctx: Ctx): void {
  const sites = codeSites(ctx.series, UNITS_FILTER);
  visitSites(sites, (site, v) => {
    const nodes: Expr[] = [];
    bins(v.expr, nodes);
    for (const node of nodes) {
      const clash = unitClashAt(node, v.defs);
      if (clash) reportClash(ctx, site, v, clash, sites);
    }
    // A page-named variable given bytes.
    if (v.target && PAGE_NAME.test(v.target) && !v.defs.has(v.target)) {
      const q = quantityOf(v.expr, v.defs);
      if (q?.unit === 'bytes') reportAssign(ctx, site, v, q, sites);
    }
  });
}

function reportClash(ctx: Ctx, site: CodeSite, v: Visit, clash: UnitClash, sites: CodeSite[]): void {
  const { at, left, right } = clash;
  const pages = left.unit === 'pages' ? { e: at.left, q: left } : { e: at.right, q: right };
  const bytes = left.unit === 'bytes' ? { e: at.left, q: left } : { e: at.right, q: right };
  const verb = OP_WORDS[at.op] ?? 'combines';
  const chains = [chainOf(pages.q, sites), chainOf(bytes.q, sites)].filter((c): c is string => !!c);
  const note = bindingNote(ctx.series, site, v);
  const expr = writtenIn(site, at.span);
  const explanation = [
    `\`${expr}\` ${verb} a quantity in pages with one in bytes:`,
    '',
    `- ${described(pages.e, pages.q, site, sites)} is in pages: ${whyUnit(pages.q, sourceText(pages.q, site, sites))}.`,
    `- ${described(bytes.e, bytes.q, site, sites)} is in bytes: ${whyUnit(bytes.q, sourceText(bytes.q, site, sites))}.`,
    ...(chains.length ? ['', `Followed through ${chains.join('; ')}.`] : []),
    '',
    `Convert one side first: \`<< PAGE_SHIFT\` turns pages into bytes, \`>> PAGE_SHIFT\` bytes into pages. As written, the two agree only by accident (when both are 0, for instance).`,
    ...(note ? ['', note] : []),
  ].join('\n');
  ctx.report({
    side: site.side,
    at: locationOf(site, at.span),
    messageId: 'mixed',
    data: { expr, verb, pages: described(pages.e, pages.q, site, sites), bytes: described(bytes.e, bytes.q, site, sites) },
    key: `unit-mismatch:${site.path ?? site.kind}:${site.fn ?? ''}:${exprText(at)}`,
    explanation,
  });
}

function reportAssign(ctx: Ctx, site: CodeSite, v: Visit, q: Quantity, sites: CodeSite[]): void {
  const chain = chainOf(q, sites);
  ctx.report({
    side: site.side,
    at: locationOf(site, v.stmt.span),
    messageId: 'assigned',
    data: { target: v.target!, bytes: described(v.expr, q, site, sites) },
    key: `unit-mismatch:${site.path ?? site.kind}:${site.fn ?? ''}:${v.target} = ${exprText(v.expr)}`,
    explanation: [
      `\`${v.target}\` names a page quantity, but it is given ${described(v.expr, q, site, sites)}, which is in bytes: ${whyUnit(q, sourceText(q, site, sites))}.`,
      ...(chain ? ['', `Followed through ${chain}.`] : []),
      '',
      'Shift by `PAGE_SHIFT` to convert, or rename the variable if it does hold bytes.',
    ].join('\n'),
  });
}

/** Why an expression has its unit, in words. */
function whyUnit(q: Quantity, t: string): string {
  const s = q.source;
  if (s.kind === 'bin' && s.op === '<<') return `\`<< PAGE_SHIFT\` turns pages into bytes`;
  if (s.kind === 'bin' && s.op === '>>') return `\`>> PAGE_SHIFT\` turns bytes into pages`;
  if (s.kind === 'bin' && s.op === '*') return `\`PAGE_SIZE *\` counts bytes`;
  if (s.kind === 'bin' && s.op === '/') return `dividing by \`PAGE_SIZE\` counts pages`;
  if (s.kind === 'call') return `\`${s.fn}()\` returns ${q.unit}`;
  if (q.unit === 'bytes') return `\`${t}\` is a size in bytes`;
  return `\`${t}\` counts or indexes pages`;
}

export default defineRule({
  id: 'unit-mismatch',
  meta: {
    summary: 'A comparison or sum mixes a page count or page offset with a byte quantity',
    defaultSeverity: 'error',
    confidence: 'high',
    readsFunctions: true,
    functionFilters: [UNITS_FILTER, BASE_GFN_FILTER],
    messages: MESSAGES,
    knownFalsePositives: ['A variable whose name says pages (`index`, `*_gfn`, `*_pfn`) but that holds bytes.'],
  },
  check,
});
