/**
 * @file guest_memfd picks a huge folio by rounding the file index down (`round_down(index, nr_pages)`,
 * `ALIGN_DOWN`, `index & ~(nr - 1)`), while KVM allows a huge mapping by the GFN's alignment alone
 * (lpage_info). Unless binding requires the GFN and the file offset to sit at the same offset within a
 * huge page, one huge mapping can cover two folios. Reported on the rounding when no patch of the series
 * adds a binding check the gmem-alignment model finds sound: a warning on code a patch adds, information
 * where a thread only quotes it. The explanation runs the model on the smallest broken binding, and runs
 * every binding check the series or thread writes over a grid of bindings.
 * Known false positives: a binding check the series makes in code its hunks do not show.
 */
import { exprText, subExprs, type Expr } from '../c/syntax/ast';
import { bare, leafName } from '../c/analysis/quantities';
import {
  alignedIndexRule,
  checkGrid,
  describeBinding,
  describeSplit,
  exampleSplit,
  explainAlignment,
  MODEL_ID,
  runGmemAlignment,
  SZ_1G,
  SZ_2M,
} from '../models/gmem-alignment/gmem-alignment';
import { BASE_GFN_FILTER, bindingChecks, checkLabel, VERDICT_HEADER, verdictRow, type FoundCheck } from './support/binding-checks';
import type { FunctionFilter } from '../c/syntax/parsed';
import { codeSites, locationOf, visitSites, writtenIn, type CodeSite } from './support/code-sites';
import { defineRule, type RuleContext } from './rule';
import { bindingPicture } from '../models/gmem-alignment/gmem-alignment-picture';

const MESSAGES = {
  unchecked:
    '`{{expr}}` picks the huge folio by file index, but nothing in the series checks at binding time that the GFN and the file offset sit at the same offset within a huge page: with {{example}} one huge mapping covers two folios',
  uncheckedQuoted:
    'the quoted `{{expr}}` picks the huge folio by file index, and no patch here checks at binding time that the GFN and the file offset sit at the same offset within a huge page: with {{example}} one huge mapping covers two folios',
  brokenCheck: '`{{expr}}` relies on the binding check, but {{check}} accepts bindings where one huge mapping covers two folios ({{example}})',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

const ROUNDS = /round_?down|ALIGN_DOWN|&\s*~/;
/** The functions this rule reads: guest_memfd code that rounds an index down. */
const GMEM_ROUNDING_FILTER: FunctionFilter = { key: 'gmem-rounding', want: (t) => ROUNDS.test(t) && /gmem|guest_memfd/.test(t) };
const ROUNDING_CALLS = /^(?:round_down|rounddown|ALIGN_DOWN)$/;
const INDEX_NAME = /(?:^|_)(?:index|idx)$/;

/** guest_memfd code: its file, or a function of it. */
function isGmem(site: CodeSite): boolean {
  if (site.path) return /guest_memfd|gmem/.test(site.path);
  if (site.fn) return /gmem/.test(site.fn);
  return /gmem/.test(site.view.image.text);
}

/** `round_down(index, nr_pages)` or `index & ~(nr_pages - 1)`: a file index rounded to a huge page. */
function roundingOf(e: Expr): { node: Expr; index: string } | null {
  const b = bare(e);
  if (b.kind === 'call' && ROUNDING_CALLS.test(b.fn ?? '') && b.args.length === 2) {
    const name = leafName(b.args[0]);
    if (name && INDEX_NAME.test(name)) return { node: b, index: name };
  }
  if (b.kind === 'bin' && b.op === '&') {
    const name = leafName(b.left);
    const m = bare(b.right);
    if (name && INDEX_NAME.test(name) && m.kind === 'un' && m.op === '~' && bare(m.operand).kind === 'bin') {
      const inner = bare(m.operand) as Extract<Expr, { kind: 'bin' }>;
      if (inner.op === '-' && inner.right.kind === 'num' && inner.right.value === 1n) return { node: b, index: name };
    }
  }
  return null;
}

function roundings(e: Expr, out: { node: Expr; index: string }[]): void {
  const r = roundingOf(e);
  if (r) out.push(r);
  for (const c of subExprs(e)) roundings(c, out);
}

function check(ctx: Ctx): void {
  const sites = codeSites(ctx.series, GMEM_ROUNDING_FILTER).filter(isGmem);
  if (!sites.length) return;
  const checks = bindingChecks(ctx.series);
  // A patch that adds a sound binding check fixes the gap; a check a mail only discusses does not.
  // A check that is too strict (rejects sound bindings) still closes the gap.
  if (checks.some((c) => c.site.kind === 'patch' && c.verdict.sound !== null && c.verdict.acceptsBroken.length === 0)) return;
  visitSites(sites, (site, v) => {
    const found: { node: Expr; index: string }[] = [];
    roundings(v.expr, found);
    for (const r of found) report(ctx, site, r.node, checks);
  });
}

function report(ctx: Ctx, site: CodeSite, node: Expr, checks: FoundCheck[]): void {
  const text = writtenIn(site, node.span);
  // The model on the smallest broken binding of the grid, with guest_memfd's folio rule as the code writes it.
  const patchChecks = checks.filter((c) => c.site.kind === 'patch');
  const brokenPatchCheck = patchChecks.find((c) => c.verdict.acceptsBroken.length > 0);
  const hpage = /1G|PUD/.test(site.view.image.text) && !/2M|PMD/.test(site.view.image.text) ? SZ_1G : SZ_2M;
  const binding = brokenPatchCheck?.verdict.acceptsBroken[0].binding ?? checkGrid([hpage]).find((b) => runGmemAlignment(b).broken)!;
  const rule = alignedIndexRule(node);
  const result = runGmemAlignment(binding, rule ? { alignedIndex: rule } : {});
  const split = exampleSplit(result);
  const discussed = checks.filter((c) => c.site.kind !== 'patch');
  const lines = [
    `\`${text}\` picks the folio from the file index alone. KVM allows a huge mapping from the GFN alone (lpage_info). Unless binding requires \`base_gfn\` and the file offset to sit at the same offset within a huge page, one huge mapping covers two folios.`,
    '',
    brokenPatchCheck
      ? `The series checks the binding, but ${checkLabel(brokenPatchCheck)} is wrong (below).`
      : `Nothing the series adds checks this at binding time${discussed.length ? ' (the checks below are only written in the mail)' : ''}. For example, binding with ${describeBinding(binding)}: ${describeSplit(result, split)}.`,
    '',
    explainAlignment(result),
  ];
  if (checks.length) {
    lines.push(
      '',
      `**Binding checks** in the ${patchChecks.length ? 'series' : 'thread'}, each run by the model over a grid of bindings (huge pages of 2 MiB and 1 GiB, or the size the check names; \`base_gfn\` and \`pgoff\` aligned, or off by 2 pages or half a huge page):`,
      '',
      ...VERDICT_HEADER,
      ...checks.map(verdictRow),
    );
  }
  const markdown = lines.join('\n');
  const quoted = site.kind !== 'patch';
  ctx.report({
    side: site.side,
    at: locationOf(site, node.span),
    messageId: brokenPatchCheck ? 'brokenCheck' : quoted ? 'uncheckedQuoted' : 'unchecked',
    data: {
      expr: text,
      check: brokenPatchCheck ? checkLabel(brokenPatchCheck) : '',
      example: `\`base_gfn\` = ${binding.baseGfn}, \`pgoff\` = ${binding.pgoff}`,
    },
    key: `gmem-binding-alignment:${site.path ?? site.kind}:${site.fn ?? ''}:${exprText(node)}`,
    severity: quoted ? 'information' : 'warning',
    explanation: markdown,
    model: {
      id: MODEL_ID,
      title: 'guest_memfd binding model',
      markdown,
      svg: bindingPicture(result, split ?? null),
      run: {
        model: MODEL_ID,
        args: { base_gfn: String(binding.baseGfn), npages: String(binding.npages), pgoff: String(binding.pgoff), hpage: String(binding.hpage) },
      },
    },
  });
}

export default defineRule({
  id: 'gmem-binding-alignment',
  meta: {
    summary: 'guest_memfd rounds a file index to a huge folio while nothing checks that binding keeps GFN and file offset aligned alike',
    defaultSeverity: 'warning',
    confidence: 'medium',
    readsFunctions: true,
    functionFilters: [GMEM_ROUNDING_FILTER, BASE_GFN_FILTER],
    messages: MESSAGES,
    knownFalsePositives: ['A binding check the series makes in code its hunks do not show.'],
  },
  check,
});
