/**
 * @file What turning a per-CPU struct's members into arrays of a batch size costs: N times each element's
 * allocation, on every CPU, for every instance — and whether every machine built with the option pays it
 * or only some. Information on the batch-size `#define`; its hover (there and on every use of the
 * constant) also shows a small throughput model of batching against the engines that run the batch.
 * Known false positives: element sizes the hunks do not show are not counted (requests whose size the
 * driver decides are counted by number only).
 */
import { exprText, type Expr, type Stmt } from '../c/syntax/ast';
import { EvalStop, Evaluator } from '../c/eval/eval';
import type { Budget } from '../budget';
import type { Span } from '../c/syntax/image';
import type { HunkView, ParsedSeries } from '../c/syntax/parsed';
import { arrayMemberChanges, defineValues, largestValue, type ArrayMemberChange } from '../c/analysis/structs';
import { throughputTable } from '../models/batch-throughput/batch-throughput';
import { describeCondition } from './support/labels';
import { defineRule, type RuleContext } from './rule';

const MESSAGES = {
  footprint: '`{{dim}}` = {{n}}{{when}} gives every CPU {{parts}}: {{perCpu}} per CPU, {{total}} for {{cpus}} CPUs per pool, paid by {{who}}',
  footprintCountsOnly: '`{{dim}}` = {{n}}{{when}} gives every CPU {{parts}}, paid by {{who}}',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

/** Assumed where the C says `PAGE_SIZE`: x86-64 and most arm64 configurations. */
const PAGE_SIZE = 4096n;
const PER_CPU_ACCESS = /(?:per_cpu_ptr|raw_cpu_ptr|this_cpu_ptr|get_cpu_ptr|per_cpu)\s*\(/;
const SIZE_ARG = /^(?:k[mz]alloc(?:_node)?|kvmalloc(?:_node)?|kvzalloc(?:_node)?|vmalloc(?:_node)?|vzalloc(?:_node)?|kcalloc(?:_node)?)$/;

interface Element {
  member: string;
  /** Bytes per element, when the allocation shows it. */
  bytes: bigint | null;
  /** The allocation as written: `kmalloc_node(PAGE_SIZE * 2, …)`. */
  alloc: string;
  unconditional: boolean;
}

const kib = (b: bigint): string => (b % 1024n === 0n ? `${b / 1024n} KiB` : `${b} bytes`);
const mib = (b: bigint): string => {
  const m = Number(b) / (1024 * 1024);
  return m >= 10 ? `${Math.round(m)} MiB` : `${m.toFixed(2).replace(/\.?0+$/, '')} MiB`;
};

/** The struct's instances are per-CPU: some pointer to it comes from a per-CPU accessor. */
function perCpu(series: ParsedSeries, struct: string): boolean {
  const decl = new RegExp(`struct\\s+${struct}\\s*\\*\\s*\\w+\\s*=\\s*${PER_CPU_ACCESS.source}|alloc_percpu\\s*\\(\\s*struct\\s+${struct}\\s*\\)`);
  return series.hunks.some((h) => decl.test(h.new.image.text));
}

/** The size expression of an allocation, evaluated with PAGE_SIZE and the series' constants. */
function bytesOf(size: Expr, constants: Map<string, bigint>, count: Expr | null, budget: Budget): bigint | null {
  const ev = new Evaluator(
    { functions: new Map(), primitives: new Map(), iterators: new Map(), constants: new Map([['PAGE_SIZE', PAGE_SIZE], ...constants]) },
    100_000,
    budget,
  );
  const scope = ev.scope(new Map());
  try {
    const v = ev.eval(size, scope);
    const n = count ? ev.eval(count, scope) : 1n;
    return typeof v === 'bigint' && typeof n === 'bigint' && v > 0n ? v * n : null;
  } catch (e) {
    if (e instanceof EvalStop) return null;
    throw e;
  }
}

/** How each element of `member` is allocated: `x->member[i] = kmalloc(size, …)` in the series. */
function elementsOf(series: ParsedSeries, change: ArrayMemberChange, constants: Map<string, bigint>): Element | null {
  const store = new RegExp(`(?:->|\\.)\\s*${change.member}\\s*\\[`);
  for (const hunk of series.hunks) {
    if (!store.test(hunk.new.image.text)) continue;
    for (const fn of series.functionsOf(hunk, hunk.new)) {
      let found: Element | null = null;
      const visit = (e: Expr, guarded: boolean): void => {
        if (found) return;
        if (
          e.kind === 'assign' &&
          e.op === '=' &&
          e.left.kind === 'index' &&
          e.left.array.kind === 'field' &&
          e.left.array.name === change.member &&
          e.right.kind === 'call' &&
          e.right.fn
        ) {
          const call = e.right;
          const sized = SIZE_ARG.test(call.fn!);
          const count = /calloc/.test(call.fn!) ? (call.args[0] ?? null) : null;
          const size = /calloc/.test(call.fn!) ? call.args[1] : call.args[0];
          found = {
            member: change.member,
            bytes: sized && size ? bytesOf(size, constants, count, series.budget) : null,
            alloc: `${call.fn}(${call.args.map(exprText).join(', ')})`,
            unconditional: !guarded,
          };
        }
      };
      const walk = (stmts: Stmt[], guarded: boolean): void => {
        for (const s of stmts) {
          if (s.kind === 'expr') visit(s.expression, guarded);
          else if (s.kind === 'block') walk(s.body, guarded);
          else if (s.kind === 'for' || s.kind === 'while' || s.kind === 'dowhile' || s.kind === 'foreach') walk([s.body], guarded);
          else if (s.kind === 'if') {
            // An `if` that only checks for failure leaves the allocation unconditional.
            walk([s.then], guarded || !/^!?\s*(?:IS_ERR|!|err|ret)/.test(exprText(s.condition)));
            if (s.otherwise) walk([s.otherwise], true);
          } else if (s.kind === 'switch') walk(s.body, true);
        }
      };
      walk(fn.body, false);
      if (found) return found;
    }
  }
  return null;
}

/** The commit message's own words about who pays, if it says. */
function claim(series: ParsedSeries, hunk: HunkView): string | null {
  const patch = hunk.patch;
  const firstDiff = patch.files[0]?.headerLine ?? patch.endLine;
  const text = series.series.lines
    .slice(patch.anchorLine + 1, firstDiff)
    .map((l) => l.replace(/^[>\s]+/, ''))
    .join(' ')
    .replace(/\s+/g, ' ');
  for (const sentence of text.split(/(?<=\.)\s+/)) {
    if (
      /\bonly\b/i.test(sentence) &&
      /\b(?:platforms?|hardware|machines?|systems?|devices?|present|available)\b/i.test(sentence) &&
      /\b(?:cost|footprint|memory|incurred|overhead)\b/i.test(sentence)
    )
      return sentence.trim().slice(0, 300);
  }
  return null;
}

function check(ctx: Ctx): void {
  const series = ctx.series;
  const byDim = new Map<string, ArrayMemberChange[]>();
  for (const c of arrayMemberChanges(series)) {
    const dim = c.decl.dims[0];
    if (c.decl.dims.length !== 1 || !/^[A-Za-z_]\w*$/.test(dim) || !perCpu(series, c.struct)) continue;
    byDim.set(dim, [...(byDim.get(dim) ?? []), c]);
  }
  for (const [dim, changes] of byDim) {
    const values = defineValues(series, dim);
    const top = largestValue(values);
    if (!top || top.value <= 1n) continue;
    const define = values.find((v) => v.value === top.value)!;
    const constants = new Map([[dim, top.value]]);
    const elements = changes.map((c) => ({ change: c, element: elementsOf(series, c, constants) }));
    report(ctx, dim, top, define, elements);
  }
}

function report(
  ctx: Ctx,
  dim: string,
  top: { value: bigint; when: string | null },
  define: { hunk: HunkView; row: number },
  elements: { change: ArrayMemberChange; element: Element | null }[],
): void {
  const { cpus, pools } = ctx.config.footprint;
  const n = top.value;
  const when = top.when ? describeCondition(top.when) : null;
  const counted = elements.filter((e) => e.element?.bytes);
  const perCpuBytes = counted.reduce((sum, e) => sum + n * e.element!.bytes!, 0n);
  const beforeBytes = counted.reduce((sum, e) => sum + e.element!.bytes!, 0n);
  const total = perCpuBytes * BigInt(cpus) * BigInt(pools);
  const uncounted = elements.filter((e) => !e.element?.bytes);
  const struct = elements[0].change.struct;
  const unconditional = elements.every((e) => !e.element || e.element.unconditional);
  const option = top.when && /^defined\s*\(?\s*(\w+)/.exec(top.when)?.[1];
  const who = unconditional
    ? option
      ? `every machine built with ${option}, whatever its hardware`
      : 'every machine, whatever its hardware'
    : 'only where the allocating code runs its allocation';
  const parts = [
    ...counted.map((e) => `${n} \`${e.change.member}\` elements of ${kib(e.element!.bytes!)}`),
    ...uncounted.map((e) => `${n} \`${e.change.member}\` elements`),
  ];
  const image = define.hunk.new.image;
  const text = image.rows[define.row]?.text ?? '';
  const col = Math.max(text.indexOf(dim), 0);
  const span: Span = { startRow: define.row, startCol: col, endRow: define.row, endCol: col + dim.length };
  const said = claim(ctx.series, elements[0].change.hunk);
  const lines = [
    `**Per-CPU memory of \`struct ${struct}\`** with \`${dim}\` = ${n}${when ? ` (${when})` : ''}:`,
    '',
    '| member | each element | per CPU | before the series |',
    '| --- | --- | --- | --- |',
    ...elements.map((e) =>
      e.element?.bytes
        ? `| \`${e.change.member}[${dim}]\` | ${kib(e.element.bytes)} (\`${e.element.alloc}\`, PAGE_SIZE = ${PAGE_SIZE}) | ${n} × ${kib(e.element.bytes)} = ${kib(n * e.element.bytes)} | ${kib(e.element.bytes)} |`
        : `| \`${e.change.member}[${dim}]\` | not shown${e.element ? ` (\`${e.element.alloc}\`: its size is the driver's)` : ''} | ${n} elements | 1 element |`,
    ),
    '',
    counted.length
      ? `Per CPU: ${kib(perCpuBytes)} (was ${kib(beforeBytes)}). For ${cpus} CPUs and ${pools} ${pools === 1 ? 'pool' : 'pools'}: ${n} × ${counted.map((e) => kib(e.element!.bytes!)).join(' + ')} × ${cpus}${pools > 1 ? ` × ${pools}` : ''} = **${mib(total)}** (was ${mib(beforeBytes * BigInt(cpus) * BigInt(pools))}).`
      : 'The element sizes are not in the hunks: only the counts are known.',
    '',
    unconditional
      ? `The allocation is unconditional: it is paid by ${who}.${said ? ` The commit message says: “${said}”` : ''}`
      : 'The allocation runs under a condition: machines where it does not hold do not pay it.',
    '',
    `CPU and pool counts are settings (\`mmReview.footprintCpus\`, \`mmReview.footprintPools\`; \`--cpus\`, \`--pools\`).`,
    '',
    throughputTable(),
  ];
  ctx.report({
    side: 'new',
    at: { view: define.hunk.new, span, patch: define.hunk.patch, path: define.hunk.path },
    messageId: counted.length ? 'footprint' : 'footprintCountsOnly',
    data: {
      dim,
      n: String(n),
      when: when ? ` (${when})` : '',
      parts: parts.join(' and '),
      perCpu: counted.length ? kib(perCpuBytes) : '',
      total: counted.length ? mib(total) : '',
      cpus: String(cpus),
      who,
    },
    key: `footprint:${struct}:${dim}`,
    explanation: lines.join('\n'),
    about: [dim],
  });
}

export default defineRule({
  id: 'batch-footprint',
  meta: {
    summary: 'The per-CPU memory a batch-size array costs, and who pays it',
    defaultSeverity: 'information',
    confidence: 'medium',
    messages: MESSAGES,
    knownFalsePositives: ['Element sizes the hunks do not show are not counted; requests whose size the driver decides are counted by number only.'],
  },
  check,
});
