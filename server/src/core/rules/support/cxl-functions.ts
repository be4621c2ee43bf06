/**
 * @file CXL interleave helpers a patch writes, found and run: whole functions of a hunk whose name says
 * what they compute, executed by the C evaluator with the kernel primitives they use (`is_power_of_2()`,
 * `ilog2()`, `BIT()`) and an out-parameter or QEMU's `Error **errp` to report through. The cxl-encoding
 * and cxl-decode rules compare what they return with the cxl-interleave model.
 */
import type { Budget } from '../../budget';
import type { FunctionAst } from '../../c/syntax/ast';
import { constantsOf } from '../../c/eval/constants';
import { KERNEL_SIZES } from '../../kernel/sizes';
import { EvalStop, Evaluator, type Primitive, type Value } from '../../c/eval/eval';
import type { Span } from '../../c/syntax/image';
import type { FunctionFilter, HunkView, ImageView, ParsedSeries } from '../../c/syntax/parsed';
import { isWhole } from '../../c/eval/program';
import { isRelevant } from './code-sites';

export interface HelperSite {
  hunk: HunkView;
  view: ImageView;
  side: 'old' | 'new';
  fn: FunctionAst;
  /** The other whole functions of the image: a helper may call them. */
  siblings: FunctionAst[];
  /** Where to report: the function's name in its definition. */
  nameSpan: Span;
  /** The analysis's budget, which running the helper spends. */
  budget: Budget;
}

/** Image text that could hold an interleave helper: both CXL rules read only images that pass. */
const MAY_HOLD_HELPER: FunctionFilter = { key: 'cxl', want: (text) => /ways|gran|\be?i[wg]\b|interleave/.test(text) };

const memo = new WeakMap<ParsedSeries, HelperSite[]>();

/**
 * Every whole function of the series' hunks (new sides, and old sides) whose image could hold an
 * interleave helper, computed once per analysis for both CXL rules; each keeps those `wanted` accepts.
 */
export function helperSites(series: ParsedSeries, wanted: (name: string) => boolean): HelperSite[] {
  let all = memo.get(series);
  if (!all) {
    all = [];
    for (const hunk of series.hunks) {
      for (const side of ['new', 'old'] as const) {
        const view = side === 'new' ? hunk.new : hunk.old;
        if (!isRelevant(series, view, MAY_HOLD_HELPER)) continue;
        const fns = series.functionsOf(hunk, view).filter(isWhole);
        for (const fn of fns) all.push({ hunk, view, side, fn, siblings: fns, nameSpan: nameSpanOf(view, fn), budget: series.budget });
      }
    }
    memo.set(series, all);
  }
  return all.filter((s) => wanted(s.fn.name));
}

function nameSpanOf(view: ImageView, fn: FunctionAst): Span {
  for (let row = fn.span.startRow; row <= fn.span.endRow; row++) {
    const text = view.image.lineAt(row)?.text ?? '';
    const col = text.search(new RegExp(`\\b${fn.name}\\s*\\(`));
    if (col >= 0) return { startRow: row, startCol: col, endRow: row, endCol: col + fn.name.length };
  }
  return { startRow: fn.span.startRow, startCol: fn.span.startCol, endRow: fn.span.startRow, endCol: fn.span.startCol + 1 };
}

/** Constants the kernel's and QEMU's CXL code use without defining them in the patch. */
const KNOWN = new Map<string, bigint>([
  ['CXL_DECODER_MIN_GRANULARITY', 256n],
  ['CXL_DECODER_MAX_ENCODED_IG', 6n],
  ['CXL_DECODER_MAX_INTERLEAVE', 16n],
  ...KERNEL_SIZES,
  ['true', 1n],
  ['false', 0n],
]);

const num = (v: Value | undefined, what: string): bigint => {
  if (typeof v !== 'bigint') throw new EvalStop(`${what} of something that is not a number`);
  return v;
};

function ilog2(n: bigint): bigint {
  if (n <= 0n) throw new EvalStop('ilog2() of a value that is not positive');
  return BigInt(n.toString(2).length - 1);
}

/** What a run of a helper came to. */
export type Outcome = { kind: 'value'; value: bigint } | { kind: 'error'; how: string } | { kind: 'stopped'; reason: string };

export interface HelperCall {
  /** Arguments by parameter position; an out-parameter is passed where `out` says. */
  args: bigint[];
  /** Index of the parameter the result is written through (`unsigned int *ways`), if any. */
  out?: number;
  /** Index of QEMU's `Error **errp`, if any. */
  errp?: number;
}

/**
 * Runs a helper. The result: the value written through the out-parameter when there is one (a negative
 * return is an error), else the return value; an `error_setg()` through `errp` is an error whatever it
 * returns.
 */
/** The constants an image defines, read once per image (a helper runs hundreds of times on the same one). */
const imageConstants = new WeakMap<ImageView, Map<string, bigint>>();
function constantsFor(view: ImageView): Map<string, bigint> {
  let c = imageConstants.get(view);
  if (!c) imageConstants.set(view, (c = constantsOf(view.image.text, new Map(KNOWN))));
  return c;
}

export function runHelper(site: HelperSite, call: HelperCall): Outcome {
  let errorSet = false;
  const primitives = new Map<string, Primitive>([
    [
      'is_power_of_2',
      (a) => {
        const n = num(a[0], 'is_power_of_2()');
        return n > 0n && (n & (n - 1n)) === 0n ? 1n : 0n;
      },
    ],
    ['ilog2', (a) => ilog2(num(a[0], 'ilog2()'))],
    ['BIT', (a) => 1n << num(a[0], 'BIT()')],
    ['BIT_ULL', (a) => 1n << num(a[0], 'BIT_ULL()')],
    [
      'order_base_2',
      (a) => {
        const n = num(a[0], 'order_base_2()');
        return n <= 1n ? 0n : ilog2(n - 1n) + 1n;
      },
    ],
    [
      'do_div',
      (a) => {
        throw new EvalStop(`do_div() is not modelled (${String(a.length)} arguments)`);
      },
    ],
    [
      'error_setg',
      () => {
        errorSet = true;
        return 0n;
      },
    ],
    [
      'error_setg_errno',
      () => {
        errorSet = true;
        return 0n;
      },
    ],
  ]);
  const functions = new Map(site.siblings.map((f) => [f.name, f]));
  const constants = constantsFor(site.view);
  const ev = new Evaluator({ functions, primitives, iterators: new Map(), constants }, 20_000, site.budget);
  let written: Value | undefined;
  const args: Value[] = site.fn.params.map((_, i) => {
    if (i === call.out) return { kind: 'ref', get: () => written ?? 0n, set: (v: Value) => void (written = v) };
    if (i === call.errp) return 0n;
    return call.args[i] ?? 0n;
  });
  try {
    const ret = ev.call(site.fn, args);
    if (errorSet) return { kind: 'error', how: 'error_setg()' };
    if (call.out !== undefined) {
      if (typeof ret === 'bigint' && ret < 0n) return { kind: 'error', how: `returns ${ret}` };
      if (typeof written !== 'bigint')
        return typeof ret === 'bigint' && ret !== 0n
          ? { kind: 'error', how: `returns ${ret}` }
          : { kind: 'stopped', reason: 'nothing written through the out-parameter' };
      return { kind: 'value', value: written };
    }
    if (typeof ret !== 'bigint') return { kind: 'stopped', reason: 'no number returned' };
    return ret < 0n ? { kind: 'error', how: `returns ${ret}` } : { kind: 'value', value: ret };
  } catch (e) {
    if (e instanceof EvalStop) return { kind: 'stopped', reason: e.message };
    throw e;
  }
}

export const outcomeText = (o: Outcome): string =>
  o.kind === 'value' ? String(o.value) : o.kind === 'error' ? `an error (${o.how})` : `unknown (${o.reason})`;
