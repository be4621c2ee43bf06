/**
 * @file An offset within a page computed with the mask that keeps the aligned part: `x & ~(size - 1)` or
 * `x & huge_page_mask(h)` where `x & (size - 1)` or `x & ~huge_page_mask(h)` was meant. What was meant is
 * read from the name the result is stored in (`offset_within_page`, `gfn_in_page`, `offset`), or from
 * what it is compared with (an offset computed with the other mask). Masks are followed through simple
 * assignments (`page_mask = ~(page_size - 1); … & page_mask`), across the lines of a snippet in a mail.
 * Known false positives: a variable named as an offset that really holds an aligned address.
 */
import { exprText, subExprs, type Expr } from '../c/syntax/ast';
import {
  bare,
  leafName,
  maskOf,
  mayMisuseMask,
  meansOffsetWithin,
  operandText,
  type Definitions,
  type MaskReading,
  type Visit,
} from '../c/analysis/quantities';
import type { Fix } from '../findings';
import { codeSites, lineIn, locationOf, visitSites, writtenIn, type CodeSite } from './support/code-sites';
import { editHunkLine } from './support/edits';
import { BASE_GFN_FILTER, bindingNote } from './support/binding-checks';
import { defineRule, type RuleContext } from './rule';
import type { FunctionFilter } from '../c/syntax/parsed';

/** The functions this rule reads: those whose text could apply a page mask. */
const MASK_FILTER: FunctionFilter = { key: 'mask', want: mayMisuseMask };

const MESSAGES = {
  alignedForOffset: '`{{expr}}` keeps the page-aligned part (`{{shape}}`), not the offset within the page: {{meant}}; mask with `{{fix}}`',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

type And = Extract<Expr, { kind: 'bin' }>;

/** The `&` nodes of an expression, each with its parent. */
function ands(e: Expr, parent: Expr | null, out: { node: And; parent: Expr | null }[]): void {
  if (e.kind === 'bin' && e.op === '&') out.push({ node: e, parent });
  for (const c of subExprs(e)) ands(c, e, out);
}

/** The mask and the masked value of `a & b`, whichever side the mask is written on. */
function split(node: And, defs: Definitions): { mask: Expr; value: Expr; reading: MaskReading } | null {
  const r = maskOf(node.right, defs);
  if (r) return { mask: node.right, value: node.left, reading: r };
  const l = maskOf(node.left, defs);
  return l ? { mask: node.left, value: node.right, reading: l } : null;
}

/** The other side of a comparison is an offset within a page: by its name, or by its own mask. */
function offsetByComparison(other: Expr, defs: Definitions): string | null {
  const b = bare(other);
  const name = leafName(b);
  if (name && meansOffsetWithin(name)) return `\`${name}\``;
  if (b.kind === 'call' && /^offset_in_(?:page|folio)$/.test(b.fn ?? '')) return `\`${exprText(b)}\``;
  if (b.kind === 'bin' && b.op === '&') {
    const s = split(b, defs);
    if (s?.reading.kind === 'offset') return `\`${exprText(b)}\``;
  }
  if (b.kind === 'id') {
    const d = defs.get(b.name);
    const inner = d ? bare(d.expr) : null;
    if (d && inner?.kind === 'bin' && inner.op === '&' && split(inner, d.before)?.reading.kind === 'offset') return `\`${b.name}\``;
  }
  return null;
}

function check(ctx: Ctx): void {
  const sites = codeSites(ctx.series, MASK_FILTER);
  visitSites(sites, (site, v) => {
    const found: { node: And; parent: Expr | null }[] = [];
    ands(v.expr, null, found);
    for (const { node, parent } of found) {
      const s = split(node, v.defs);
      if (!s || s.reading.kind !== 'aligning') continue;
      let meant: string | null = null;
      if (bare(v.expr) === node && v.target && meansOffsetWithin(v.target)) meant = `\`${v.target}\` is named as an offset within a page`;
      else if (parent?.kind === 'bin' && (parent.op === '==' || parent.op === '!=')) {
        const other = parent.left === node ? parent.right : parent.left;
        const o = offsetByComparison(other, v.defs);
        if (o) meant = `it is compared with ${o}, an offset within a page`;
      }
      if (meant) report(ctx, site, v, node, s, meant, sites);
    }
  });
}

/** `~(page_size - 1)` → `(page_size - 1)`; `huge_page_mask(h)` → `~huge_page_mask(h)`. */
function flipped(mask: Expr): string {
  const m = bare(mask);
  return m.kind === 'un' && m.op === '~' ? operandText(m.operand) : `~${operandText(m)}`;
}

function report(ctx: Ctx, site: CodeSite, v: Visit, node: And, s: { mask: Expr; value: Expr; reading: MaskReading }, meant: string, sites: CodeSite[]): void {
  const mask = writtenIn(site, s.mask.span);
  const written = writtenIn(site, s.value.span);
  const value = ['bin', 'cond', 'assign'].includes(bare(s.value).kind) ? `(${written})` : written;
  const expr = writtenIn(site, node.span);
  const chain = s.reading.via.map((d) => `\`${writtenIn(sites[d.site.origin], d.site.span)}\` (line ${lineIn(sites[d.site.origin], d.site.span)})`);
  const keeps = s.reading.via.length ? `\`${mask}\` is \`${s.reading.shape}\`` : `\`${mask}\``;
  const fix = flipped(s.mask);
  const note = bindingNote(ctx.series, site, v);
  const explanation = [
    `\`${expr}\` should give an offset within a page: ${meant}.`,
    '',
    `${keeps}, which clears the low bits and keeps the page-aligned part of \`${value}\`; the offset within the page is what the other mask keeps: \`${value} & ${fix}\`.`,
    ...(chain.length ? ['', `The mask was followed through ${chain.join(', ')}.`] : []),
    ...(note ? ['', note] : []),
  ].join('\n');
  ctx.report({
    side: site.side,
    at: locationOf(site, node.span),
    messageId: 'alignedForOffset',
    data: { expr, mask, shape: s.reading.shape, fix, meant },
    key: `mask-misuse:${site.path ?? site.kind}:${site.fn ?? ''}:${exprText(node)}`,
    explanation,
    fixes: fixOf(ctx, site, s.mask, fix),
  });
}

/** On a patch's added line, the quick fix flips the mask in place. */
function fixOf(ctx: Ctx, site: CodeSite, mask: Expr, replacement: string): Fix[] {
  if (site.kind !== 'patch' || site.side !== 'new' || mask.span.startRow !== mask.span.endRow) return [];
  const line = site.view.image.lineAt(mask.span.startRow);
  if (!line) return [];
  const edits = editHunkLine(ctx.series.series.lines, line, mask.span.startCol, mask.span.endCol, replacement);
  return edits ? [{ title: `Mask with ${replacement}`, edits }] : [];
}

export default defineRule({
  id: 'mask-misuse',
  meta: {
    summary: 'An offset within a page is computed with the mask that keeps the page-aligned part',
    defaultSeverity: 'error',
    confidence: 'high',
    readsFunctions: true,
    functionFilters: [MASK_FILTER, BASE_GFN_FILTER],
    messages: MESSAGES,
    knownFalsePositives: ['A variable named as an offset (`offset`, `*_within_*`) that really holds an aligned address.'],
  },
  check,
});
