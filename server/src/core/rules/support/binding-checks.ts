/**
 * @file Binding checks for guest_memfd huge pages, wherever the series or thread writes one: an `if`
 * that rejects a binding (`if (…) return -EINVAL;`) or a requirement a mail states as a C expression
 * (`(offset & ~huge_page_mask(h)) == ((slot->base_gfn << PAGE_SHIFT) & ~huge_page_mask(h));`), comparing
 * the GFN with the file offset (`base_gfn` with `pgoff` or `offset`, through the names the snippet
 * assigns). Each is run by the gmem-alignment model over a grid of bindings; the verdict is shared by
 * gmem-binding-alignment and by the mask and unit findings on the same code.
 */
import { exprText, subExprs, type Expr, type Stmt } from '../../c/syntax/ast';
import type { FunctionFilter, ParsedSeries } from '../../c/syntax/parsed';
import { bare, type Definition, type Definitions, type Visit } from '../../c/analysis/quantities';
import { evaluateCheck, explainVerdict, hpagesOf, type BindingCheck, type CheckVerdict } from '../../models/gmem-alignment/gmem-alignment';
import { codeSites, lineIn, visitSites, writtenIn, type CodeSite } from './code-sites';

/** The code that binds a memslot: functions that name `base_gfn`. */
export const BASE_GFN_FILTER: FunctionFilter = { key: 'base_gfn', want: (t) => t.includes('base_gfn') };

export interface FoundCheck {
  site: CodeSite;
  stmt: Stmt;
  /** The condition as written. */
  text: string;
  check: BindingCheck;
  /** Names the check reads through definitions (its own assignments). */
  uses: Set<string>;
  line: number;
  verdict: CheckVerdict;
}

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
/** An `if` branch that refuses: returns an error or jumps to an error label. */
const REJECTS = /^(?:return\s+-\s*E[A-Z]+|return\s+-\w+|goto\s+\w*(?:err|out|fail|invalid)\w*)/;

/** Leaf names an expression reads, through the definitions it names. */
function namesRead(e: Expr, defs: Definitions, out: Set<string>, through: Definition[], depth = 0): void {
  const b = bare(e);
  if (b.kind === 'id') {
    out.add(b.name);
    const d = defs.get(b.name);
    if (d && depth < 8 && !through.includes(d)) {
      through.push(d);
      namesRead(d.expr, d.before, out, through, depth + 1);
    }
    return;
  }
  if (b.kind === 'field') out.add(b.name);
  for (const c of subExprs(b)) namesRead(c, defs, out, through, depth);
}

/** Assignments that give the check's names their values, dependencies first. */
function setupFor(through: Definition[]): Stmt[] {
  const ordered: Definition[] = [];
  const add = (d: Definition): void => {
    if (ordered.includes(d)) return;
    for (const dep of through) if (dep !== d && d.before.get(dep.name) === dep) add(dep);
    ordered.push(d);
  };
  through.forEach(add);
  return ordered.map((d) => ({
    kind: 'expr',
    expression: { kind: 'assign', op: '=', left: { kind: 'id', name: d.name, span: d.site.span }, right: d.expr, span: d.site.span },
    span: d.site.span,
  }));
}

function stmtText(s: Stmt): string {
  if (s.kind === 'return') return `return ${s.value ? exprText(s.value) : ''}`;
  if (s.kind === 'goto') return `goto ${s.label}`;
  if (s.kind === 'block') return s.body.length ? stmtText(s.body[s.body.length - 1]) : '';
  if (s.kind === 'expr') return exprText(s.expression);
  return '';
}

const readsBinding = (e: Expr, defs: Definitions): boolean => {
  const names = new Set<string>();
  namesRead(e, defs, names, []);
  return names.has('base_gfn') || names.has('pgoff') || names.has('offset');
};

/**
 * A GFN-against-offset comparison: what a binding check is made of. A conjunct that reads nothing of the
 * binding (`kvm_gmem_has_hugetlb(inode) && …`) says when the check applies: the check is the rest.
 */
function comparesGfnWithOffset(e: Expr, defs: Definitions): { condition: Expr; names: Set<string>; through: Definition[] } | null {
  let b = bare(e);
  while (b.kind === 'bin' && b.op === '&&' && readsBinding(b.left, defs) !== readsBinding(b.right, defs))
    b = bare(readsBinding(b.left, defs) ? b.left : b.right);
  const isCheck =
    (b.kind === 'bin' && (COMPARISONS.has(b.op) || b.op === '&&' || b.op === '||')) ||
    (b.kind === 'un' && b.op === '!') ||
    (b.kind === 'call' && /^(?:IS_ALIGNED|WARN_ON(?:_ONCE)?|unlikely)$/.test(b.fn ?? ''));
  if (!isCheck) return null;
  const names = new Set<string>();
  const through: Definition[] = [];
  namesRead(b, defs, names, through);
  if (!names.has('base_gfn') || !(names.has('pgoff') || names.has('offset'))) return null;
  return { condition: b, names, through };
}

const memo = new WeakMap<ParsedSeries, FoundCheck[]>();

/** Every binding check the series and its thread write (new side of patches, quotes, snippets). */
export function bindingChecks(series: ParsedSeries): FoundCheck[] {
  const known = memo.get(series);
  if (known) return known;
  const out: FoundCheck[] = [];
  const sites = codeSites(series, BASE_GFN_FILTER, false);
  visitSites(sites, (site, v) => {
    let check: BindingCheck | null = null;
    let found: ReturnType<typeof comparesGfnWithOffset> = null;
    if (site.kind === 'snippet' && v.stmt.kind === 'expr' && v.target === null && v.expr === v.stmt.expression) {
      found = comparesGfnWithOffset(v.expr, v.defs);
      if (found) check = { setup: setupFor(found.through), condition: found.condition, acceptsWhen: true };
    } else if (v.stmt.kind === 'if' && v.expr === v.stmt.condition && REJECTS.test(stmtText(v.stmt.then))) {
      found = comparesGfnWithOffset(v.expr, v.defs);
      if (found) check = { setup: setupFor(found.through), condition: found.condition, acceptsWhen: false };
    }
    if (!check || !found) return;
    const c = check;
    const texts = [...c.setup.map((s) => stmtText(s)), exprText(c.condition), String(c.acceptsWhen)];
    const verdict = series.deriveFromTexts(texts, 'gmem-binding-check', () => evaluateCheck(c, hpagesOf(texts), series.budget));
    out.push({
      site,
      stmt: v.stmt,
      text: writtenIn(site, found.condition.span),
      check: c,
      uses: new Set(found.through.map((d) => d.name)),
      line: lineIn(site, found.condition.span),
      verdict,
    });
  });
  memo.set(series, out);
  return out;
}

/** How a check is named in explanations: where it is and what it says. */
export function checkLabel(c: FoundCheck): string {
  const where =
    c.site.kind === 'patch'
      ? `the patch's check on line ${c.line}`
      : c.site.kind === 'quote'
        ? `the quoted check on line ${c.line}`
        : `the check written on line ${c.line}`;
  return `${where} (\`${c.text.length > 90 ? c.text.slice(0, 87) + '…' : c.text}\`)`;
}

/** One line per check: its verdict in a table row. */
export function verdictRow(c: FoundCheck): string {
  const v = c.verdict;
  const first = v.acceptsBroken[0] ?? v.rejectsSound[0];
  const verdict =
    v.sound === null
      ? 'not evaluated'
      : v.sound
        ? 'sound'
        : `${first.accepts ? 'accepts broken' : 'rejects sound'} \`base_gfn\` = ${first.binding.baseGfn}, \`pgoff\` = ${first.binding.pgoff} (${first.binding.hpage >> 20n >= 1024n ? '1G' : '2M'})`;
  return `| ${c.line} | \`${c.text.length > 160 ? c.text.slice(0, 157) + '…' : c.text}\` | ${v.acceptsBroken.length} | ${v.rejectsSound.length} | ${verdict} |`;
}

export const VERDICT_HEADER = ['| line | check | accepts broken | rejects sound | verdict |', '| --- | --- | --- | --- | --- |'];

/**
 * The model's verdict on the binding check this visit is, or feeds (a name the check reads is assigned
 * here), for a finding's explanation; null when the code is no binding check.
 */
export function bindingNote(series: ParsedSeries, site: CodeSite, v: Visit): string | null {
  const checks = bindingChecks(series).filter(
    (c) =>
      (c.site.view === site.view || (site.group !== null && c.site.group === site.group)) &&
      (c.stmt === v.stmt || (v.target !== null && c.uses.has(v.target) && c.line >= lineIn(site, v.expr.span))),
  );
  if (!checks.length) return null;
  return checks.map((c) => `**gmem-alignment model** on ${checkLabel(c)}: ${explainVerdict(c.verdict, 'the check')}`).join('\n\n');
}

export type { Visit };
