/** @file The gmem-alignment model's entry: `mm-review model gmem-alignment`, a binding and optionally a check to run. */
import type { CParser } from '../../c/syntax/parser';
import { readSnippet } from '../../c/syntax/snippet-reader';
import { json, ModelArgumentError, parseCount, parseSize, type ModelEntry, type ModelHover } from '../model';
import {
  evaluateCheck,
  exampleSplit,
  explainAlignment,
  explainVerdict,
  hpagesOf,
  MODEL_ID,
  PAGE_SHIFT,
  runGmemAlignment,
  validateBinding,
  type BindingCheck,
  type CheckVerdict,
  type GmemBinding,
} from './gmem-alignment';
import { bindingPicture } from './gmem-alignment-picture';

/** A binding check written on the command line: statements, the last one the check. */
function checkFrom(text: string, parser: CParser): BindingCheck {
  const stmts = readSnippet(parser, /[;}]\s*$/.test(text) ? text : `${text};`);
  const last = stmts?.[stmts.length - 1];
  if (!stmts || !last) throw new ModelArgumentError(`check=${text}: not a C expression or statements`);
  if (last.kind === 'expr') return { setup: stmts.slice(0, -1), condition: last.expression, acceptsWhen: true };
  if (last.kind === 'if') return { setup: stmts.slice(0, -1), condition: last.condition, acceptsWhen: false };
  throw new ModelArgumentError('check= must end with the check: an expression that holds for an accepted binding, or `if (…) return -EINVAL;`');
}

/** The functions that pick a folio by file index, bind a file to a slot, or decide KVM's mapping level. */
const GMEM_FUNCTION =
  /^(?:__)?kvm_gmem_(?:bind|get_pfn|get_folio|hugetlb_\w+)$|^kvm_alloc_memslot_metadata$|^lpage_info_slot$|^kvm_mmu_max_mapping_level$|^kvm_mmu_hugepage_adjust$/;

/** On those names in a hunk: what the model says of the seed's binding, with the panel a link away. */
function hover(word: string): ModelHover | null {
  if (!GMEM_FUNCTION.test(word)) return null;
  const binding: GmemBinding = { baseGfn: 2n, npages: 2048n, pgoff: 0n, hpage: 2n << 20n };
  const result = runGmemAlignment(binding, { probe: [] });
  const split = result.splits.length ? exampleSplit(result) : null;
  return {
    markdown: [
      `**guest_memfd binding** behind \`${word}()\`: KVM allows a huge mapping from the GFN's alignment alone (lpage_info); the huge folio comes from the file index. Unless binding keeps \`base_gfn\` and the file offset at the same offset within a huge page, one huge mapping covers two folios.`,
      '',
      split
        ? `For \`base_gfn\` = 2, 2048 pages, \`pgoff\` = 0 (2 MiB pages): ${result.splits.length} huge mapping${result.splits.length === 1 ? '' : 's'} span two folios.`
        : 'For `base_gfn` = 2, 2048 pages, `pgoff` = 0 (2 MiB pages): no huge mapping spans two folios.',
    ].join('\n'),
    args: { base_gfn: '2', npages: '2048', pgoff: '0', hpage: '2M' },
  };
}

export const gmemAlignmentEntry: ModelEntry = {
  id: MODEL_ID,
  summary: 'guest_memfd huge-page binding: lpage_info ranges, the folio of each GFN, huge mappings that span two folios; runs a binding check over a grid',
  params: [
    { name: 'base_gfn', description: 'first GFN of the memslot', default: '2' },
    { name: 'npages', description: 'pages in the memslot', default: '2048' },
    { name: 'pgoff', description: 'file offset of the binding, in pages', default: '0' },
    { name: 'hpage', description: 'huge page size: 2M or 1G', default: '2M' },
    { name: 'gpa', description: 'guest physical addresses to locate, comma-separated (4M,4M+16K)', optional: true },
    { name: 'check', description: 'a binding check in C, run over a grid of bindings (offset is in bytes, pgoff in pages)', optional: true },
  ],
  example: 'mm-review model gmem-alignment base_gfn=2 npages=2048 pgoff=0 hpage=2M gpa=4M,4M+16K',
  hover,
  run(args, host) {
    const hpage = parseSize(args.get('hpage') ?? '2M', 'hpage');
    const binding: GmemBinding = {
      baseGfn: parseCount(args.get('base_gfn') ?? '2', 'base_gfn'),
      npages: parseCount(args.get('npages') ?? '2048', 'npages'),
      pgoff: parseCount(args.get('pgoff') ?? '0', 'pgoff'),
      hpage,
    };
    const invalid = validateBinding(binding);
    if (invalid) throw new ModelArgumentError(invalid);
    const probe = (args.get('gpa') ?? '')
      .split(',')
      .filter((g) => g.trim())
      .map((g) => parseSize(g, 'gpa') >> PAGE_SHIFT);
    const result = runGmemAlignment(binding, { probe });
    const parts = [explainAlignment(result)];
    let verdict: CheckVerdict | null = null;
    const checkText = args.get('check');
    if (checkText) {
      verdict = evaluateCheck(checkFrom(checkText, host.parser), hpagesOf([checkText]));
      parts.push('', `**Binding check** \`${checkText}\`: ${explainVerdict(verdict, 'the check')}`);
    }
    return {
      text: parts.join('\n'),
      svg: bindingPicture(result, result.splits.length ? exampleSplit(result) : null),
      data: json({
        ...result,
        check: verdict && {
          sound: verdict.sound,
          acceptsBroken: verdict.acceptsBroken,
          rejectsSound: verdict.rejectsSound,
          undecided: verdict.undecided.length,
        },
      }),
    };
  },
};
