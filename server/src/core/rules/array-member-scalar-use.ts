/**
 * @file After a series turns a struct member into an array, a use of the member without an index no
 * longer means one element: an assignment to it or `->` through it does not compile, and as an argument
 * it passes the array's address (a type error, or silently wrong where the parameter is `void *`, as in
 * `kfree()`). Reported only where the expression is known to be that struct: its declaration is in
 * view, or the series itself indexes the member through the same expression elsewhere.
 * Known false positives: a use meant for the whole array outside `sizeof`, `ARRAY_SIZE()` and the like
 * (e.g. `memset(ctx->buf, 0, sizeof(ctx->buf))`).
 */
import type { Node } from 'web-tree-sitter';
import { spanOf } from '../c/analysis/facts';
import type { Span } from '../c/syntax/image';
import type { HunkView, ParsedSeries } from '../c/syntax/parsed';
import { arrayMemberChanges, type ArrayMemberChange } from '../c/analysis/structs';
import { patchLabel } from './support/labels';
import { defineRule, type RuleContext } from './rule';
import { editHunkLine } from './support/edits';
import type { Fix } from '../findings';

const MESSAGES = {
  scalarUse: '`{{use}}` uses `{{member}}` without an index, but {{where}} made it an array in `{{struct}}` (`{{member}}{{dims}}`)',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

/** Contexts where the member names the whole array on purpose. */
const WHOLE_ARRAY = /^(?:sizeof|_Alignof|alignof|__alignof__|ARRAY_SIZE|typeof|__typeof__|typeof_member|offsetof|sizeof_field|__must_be_array)$/;

interface ScalarUse {
  /** The field expression, e.g. `acomp_ctx->req`. */
  text: string;
  base: string;
  statement: string;
  span: Span;
  /** The index the code around it makes plain (see `plainIndex`), else null. */
  index: string | null;
}

function insideWholeArrayUse(n: Node): boolean {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'sizeof_expression' || p.type === 'alignof_expression' || p.type === 'offsetof_expression') return true;
    if (p.type === 'call_expression' && WHOLE_ARRAY.test(p.childForFieldName('function')?.text ?? '')) return true;
    if (p.type.endsWith('_statement') || p.type === 'declaration' || p.type === 'function_definition') return false;
  }
  return false;
}

function enclosingStatement(n: Node): string {
  for (let p: Node | null = n; p; p = p.parent) {
    if (p.type.endsWith('_statement') || p.type === 'declaration' || p.type === 'init_declarator') return p.text.replace(/\s+/g, ' ').slice(0, 200);
  }
  return n.text;
}

const squash = (s: string): string => s.replace(/\s+/g, '');

/** Index texts with which `expr[…]` is subscripted inside `scope`. */
function indexesOf(scope: Node, expr: string): Set<string> {
  const out = new Set<string>();
  const visit = (n: Node): void => {
    if (n.type === 'subscript_expression' && squash(n.childForFieldName('argument')?.text ?? '') === expr) {
      const index = n.childForFieldName('index');
      if (index) out.add(squash(index.text));
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(scope);
  return out;
}

/** `i` of `for (i = 0; i < N; i++)` when N is one of the array's dimensions. */
function loopOverArray(loop: Node, dims: string[]): string | null {
  const cond = loop.childForFieldName('condition');
  if (cond?.type !== 'binary_expression' || !['<', '!='].includes(cond.childForFieldName('operator')?.text ?? '')) return null;
  const left = cond.childForFieldName('left');
  return left?.type === 'identifier' && dims.includes(squash(cond.childForFieldName('right')?.text ?? '')) ? left.text : null;
}

/**
 * The index a scalar use plainly lacks, or null when it is a choice the reviewer must make: inside a loop
 * over the array, its counter; inside a loop whose body indexes the member one way only, that index;
 * outside loops, the one constant index the rest of the function uses (seed 001's `req[0]`).
 */
function plainIndex(n: Node, expr: string, dims: string[]): string | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'while_statement' || p.type === 'do_statement') {
      const counter = p.type === 'for_statement' ? loopOverArray(p, dims) : null;
      if (counter) return counter;
      const used = indexesOf(p, expr);
      return used.size === 1 ? [...used][0] : null;
    }
    // A hunk that opens inside a function parses as bare statements: what it shows stands for the function.
    if (p.type === 'function_definition' || !p.parent) {
      const used = indexesOf(p, expr);
      const only = used.size === 1 ? [...used][0] : null;
      return only && /^\d+$/.test(only) ? only : null;
    }
  }
  return null;
}

/** Uses of `member` through `->` or `.` that no subscript follows. */
function scalarUses(root: Node, member: string, dims: string[]): ScalarUse[] {
  const out: ScalarUse[] = [];
  const visit = (n: Node): void => {
    if (n.type === 'field_expression' && n.childForFieldName('field')?.text === member) {
      const parent = n.parent;
      const indexed =
        parent?.type === 'subscript_expression' &&
        parent.childForFieldName('argument')?.startIndex === n.startIndex &&
        parent.childForFieldName('argument')?.endIndex === n.endIndex;
      const addressOf = parent?.type === 'pointer_expression' && parent.child(0)?.type === '&';
      if (!indexed && !addressOf && !insideWholeArrayUse(n)) {
        const text = squash(n.text);
        out.push({
          text,
          base: squash(n.childForFieldName('argument')?.text ?? ''),
          statement: enclosingStatement(n),
          span: spanOf(n),
          index: plainIndex(n, text, dims),
        });
      }
    }
    for (const c of n.namedChildren) if (c) visit(c);
  };
  visit(root);
  return out;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Whether `base` is known to be the struct in this image: declared there with the struct's type, named
 * with it in the hunk's section line, or indexed through by the series' own added lines.
 */
function knownToBe(series: ParsedSeries, hunk: HunkView, base: string, change: ArrayMemberChange): boolean {
  const variable = /^[A-Za-z_]\w*$/.test(base) ? base : null;
  const declared = variable ? new RegExp(`\\bstruct\\s+${escape(change.struct)}\\s*\\*?\\s*(?:const\\s+)?${escape(variable)}\\b`) : null;
  if (declared && (declared.test(hunk.new.image.text) || declared.test(hunk.hunk.section))) return true;
  const indexed = new RegExp(`(?:^|[^\\w>.])${escape(base).replace(/->/g, '\\s*->\\s*')}\\s*(?:->|\\.)\\s*${escape(change.member)}\\s*\\[`);
  return series.hunks.some(
    (h) => series.series.patches.indexOf(h.patch) >= change.patchIndex && h.hunk.lines.some((l) => l.kind === 'add' && indexed.test(l.text)),
  );
}

function check(ctx: Ctx): void {
  const series = ctx.series;
  for (const change of arrayMemberChanges(series)) {
    const mentions = new RegExp(`(?:->|\\.)\\s*${escape(change.member)}\\b`);
    const where = patchLabel(change.hunk.patch);
    for (const hunk of series.hunks) {
      if (series.series.patches.indexOf(hunk.patch) < change.patchIndex || !mentions.test(hunk.new.image.text)) continue;
      const dims = change.decl.dims.map(squash);
      const uses = series.fromTree(hunk.new, `scalar-uses:${change.member}:${dims.join(',')}`, (root) => scalarUses(root, change.member, dims));
      for (const use of uses) {
        if (!knownToBe(series, hunk, use.base, change)) continue;
        ctx.report({
          side: 'new',
          at: { view: hunk.new, span: use.span, patch: hunk.patch, path: hunk.path },
          messageId: 'scalarUse',
          data: { use: use.text, member: change.member, struct: `struct ${change.struct}`, where, dims: change.decl.dims.map((d) => `[${d}]`).join('') },
          key: `scalar:${change.struct}.${change.member}:${hunk.path}:${use.statement}`,
          related: [{ range: change.hunk.new.image.spanToDoc(change.decl.span), message: `${change.member} becomes an array here` }],
          explanation: [
            `${where} declares \`${change.decl.type} ${change.member}${change.decl.dims.map((d) => `[${d}]`).join('')};\` in \`struct ${change.struct}\`, where it was a single \`${change.decl.type}\`.`,
            '',
            `\`${use.text}\` here still uses it as one value. After the change it is the array itself: assigned to, or followed by \`->\`, it does not compile; passed as an argument, it is the array's address (a type error, or silently wrong where the parameter is \`void *\`, as in \`kfree()\`). Index it (\`${use.text}[0]\`) or loop over it.`,
            '',
            `\`${use.base}\` is taken for a \`struct ${change.struct}\` because it is declared so in this hunk, or because the series indexes \`${use.base}->${change.member}[…]\` elsewhere.`,
          ].join('\n'),
          fixes: indexFix(ctx, hunk, use),
        });
      }
    }
  }
}

/** On a line of the patch, the fix puts the plain index after the member. */
function indexFix(ctx: Ctx, hunk: HunkView, use: ScalarUse): Fix[] {
  if (use.index === null || use.span.startRow !== use.span.endRow) return [];
  const line = hunk.new.image.lineAt(use.span.endRow);
  const edits = line && editHunkLine(ctx.series.series.lines, line, use.span.endCol, use.span.endCol, `[${use.index}]`);
  return edits ? [{ title: `Index it: \`${use.text}[${use.index}]\``, edits }] : [];
}

export default defineRule({
  id: 'array-member-scalar-use',
  meta: {
    summary: 'A struct member the series turned into an array is still used without an index',
    defaultSeverity: 'error',
    confidence: 'high',
    messages: MESSAGES,
    knownFalsePositives: ['A use meant for the whole array outside `sizeof`, `ARRAY_SIZE()` and the like, such as `memset(ctx->buf, 0, sizeof(ctx->buf))`.'],
  },
  check,
});
