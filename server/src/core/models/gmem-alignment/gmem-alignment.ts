/**
 * @file The guest_memfd huge-page binding model. A memslot binds GFNs [base_gfn, base_gfn + npages) to
 * a guest_memfd from file page `pgoff` on: GFN g reads file index `g - base_gfn + pgoff`. guest_memfd
 * backs an index with the huge folio at `round_down(index, pages per huge page)`. KVM decides whether a
 * huge mapping is allowed from lpage_info, which looks only at the GFNs: an aligned huge range wholly
 * inside the slot may be mapped huge. When the GFN's offset within a huge page differs from the file
 * index's, an allowed huge mapping covers two folios, whose memory need not be contiguous.
 *
 * The model lists the lpage_info ranges, the folio each GFN lands in, and every allowed huge mapping that
 * spans two folios. It also runs a binding check as a mail or patch writes it (its C, through the
 * evaluator) over a grid of bindings, and reports where the check accepts a broken binding or rejects a
 * sound one.
 */
import { Budget } from '../../budget';
import { exprText, subExprs, type Expr, type Stmt } from '../../c/syntax/ast';
import { EvalStop, Evaluator, obj, UNKNOWN, type Primitive, type Value } from '../../c/eval/eval';
import { formatBytes } from '../bytes';
import { KERNEL_SIZES } from '../../kernel/sizes';
export { formatBytes } from '../bytes';

export const MODEL_ID = 'gmem-alignment';

export const PAGE_SHIFT = 12n;
export const PAGE_SIZE = 1n << PAGE_SHIFT;
export const SZ_2M = 2n << 20n;
export const SZ_1G = 1n << 30n;

/** Rows listed per table; larger slots are summarised. */
const MAX_ROWS = 12;
/** lpage_info entries examined; a slot with more is examined up to here (every entry behaves alike). */
const MAX_ENTRIES = 1 << 16;

export interface GmemBinding {
  baseGfn: bigint;
  npages: bigint;
  /** File offset of the binding, in pages. */
  pgoff: bigint;
  /** Huge page size in bytes: 2 MiB or 1 GiB. */
  hpage: bigint;
}

/** `lpage_info[level][index]`: the GFNs of one aligned huge range that are in the slot. */
export interface LpageRange {
  index: number;
  /** GFNs in the slot, [start, end). */
  start: bigint;
  end: bigint;
  /** The whole aligned range is inside the slot: KVM may map it with one huge page. */
  allowed: boolean;
}

/** One huge folio of the guest_memfd and the slot's GFNs it backs. */
export interface FolioSpan {
  /** `round_down(index, pages)`: the first file index of the folio. */
  alignedIndex: bigint;
  start: bigint;
  end: bigint;
}

export interface SplitMapping {
  range: LpageRange;
  first: FolioSpan;
  second: FolioSpan;
  /** A GFN in each folio, both inside the mapping: its first GFN, and the first GFN of the second folio. */
  gfns: [bigint, bigint];
}

/** A GFN located: its lpage_info range, its file index, its folio. */
export interface Probe {
  gfn: bigint;
  inSlot: boolean;
  lpage: LpageRange | null;
  index: bigint;
  alignedIndex: bigint;
}

export interface GmemAlignmentResult {
  binding: GmemBinding;
  pagesPerHuge: bigint;
  /** How the folio of an index was computed: `round_down(index, nr_pages)` as written, or the default. */
  folioRule: string;
  lpage: LpageRange[];
  /** lpage_info entries in all (`lpage` lists at most MAX_ENTRIES). */
  lpageCount: bigint;
  folios: FolioSpan[];
  splits: SplitMapping[];
  /** Folios that two allowed huge mappings share. */
  shared: { folio: FolioSpan; mappings: [LpageRange, LpageRange] }[];
  broken: boolean;
  probes: Probe[];
}

export interface ModelOptions {
  /** The folio's first index for an index, as the patch computes it; default `round_down(index, pages)`. */
  alignedIndex?: { text: string; compute: (index: bigint, pages: bigint) => bigint | null };
  /** GFNs to locate. */
  probe?: bigint[];
}

const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};
const roundDown = (a: bigint, b: bigint): bigint => floorDiv(a, b) * b;

export function validateBinding(b: GmemBinding): string | null {
  if (b.hpage !== SZ_2M && b.hpage !== SZ_1G) return 'the huge page size must be 2M or 1G';
  if (b.baseGfn < 0n || b.pgoff < 0n) return 'base_gfn and pgoff must not be negative';
  if (b.npages < 1n) return 'npages must be at least 1';
  if (b.npages > 1n << 40n) return 'npages is larger than any memslot (2^40 pages)';
  return null;
}

export function runGmemAlignment(binding: GmemBinding, options: ModelOptions = {}): GmemAlignmentResult {
  const { baseGfn: base, npages: n, pgoff } = binding;
  const H = binding.hpage >> PAGE_SHIFT;
  const end = base + n;
  const indexOf = (gfn: bigint): bigint => gfn - base + pgoff;
  const custom = options.alignedIndex;
  const aligned = (index: bigint): bigint => custom?.compute(index, H) ?? roundDown(index, H);
  // The folio is known by its first index; the GFN where it starts (which may be before the slot).
  const folioStartGfn = (alignedIndex: bigint): bigint => alignedIndex - pgoff + base;

  const firstEntry = floorDiv(base, H);
  const lpageCount = floorDiv(end - 1n, H) - firstEntry + 1n;
  const lpage: LpageRange[] = [];
  for (let i = 0n; i < lpageCount && i < BigInt(MAX_ENTRIES); i++) {
    const aStart = (firstEntry + i) * H;
    const aEnd = aStart + H;
    lpage.push({ index: Number(i), start: aStart < base ? base : aStart, end: aEnd > end ? end : aEnd, allowed: aStart >= base && aEnd <= end });
  }

  const folios: FolioSpan[] = [];
  for (let g = base; g < end && folios.length < MAX_ENTRIES;) {
    const a = aligned(indexOf(g));
    const next = folioStartGfn(a) + H;
    const stop = next > end || next <= g ? end : next;
    folios.push({ alignedIndex: a, start: g, end: stop });
    g = stop;
  }
  const folioAt = (gfn: bigint): FolioSpan | undefined => folios.find((f) => gfn >= f.start && gfn < f.end);

  const splits: SplitMapping[] = [];
  for (const r of lpage) {
    if (!r.allowed) continue;
    const first = folioAt(r.start);
    const last = folioAt(r.end - 1n);
    if (!first || !last || first === last) continue;
    splits.push({ range: r, first, second: folioAt(first.end) ?? last, gfns: [r.start, first.end] });
  }
  const shared: GmemAlignmentResult['shared'] = [];
  for (const f of folios) {
    const over = lpage.filter((r) => r.allowed && r.start < f.end && f.start < r.end);
    if (over.length >= 2) shared.push({ folio: f, mappings: [over[0], over[1]] });
  }
  const probes = (options.probe ?? []).map((gfn) => {
    const index = indexOf(gfn);
    return { gfn, inSlot: gfn >= base && gfn < end, lpage: lpage.find((r) => gfn >= r.start && gfn < r.end) ?? null, index, alignedIndex: aligned(index) };
  });
  return {
    binding,
    pagesPerHuge: H,
    folioRule: custom?.text ?? `round_down(index, ${H})`,
    lpage,
    lpageCount,
    folios,
    splits,
    shared,
    broken: splits.length > 0,
    probes,
  };
}

// ---------------------------------------------------------------- explanation

const gpa = (gfn: bigint): string => formatBytes(gfn << PAGE_SHIFT);
const gpaRange = (s: bigint, e: bigint): string => `[${gpa(s)}, ${gpa(e)})`;
const hpageName = (hpage: bigint): string => (hpage === SZ_1G ? '1G' : '2M');

export function describeBinding(b: GmemBinding): string {
  return `\`base_gfn\` = ${b.baseGfn} (GPA ${gpa(b.baseGfn)}), \`npages\` = ${b.npages} (${formatBytes(b.npages << PAGE_SHIFT)}), \`pgoff\` = ${b.pgoff}, huge page ${formatBytes(b.hpage)} (${b.hpage >> PAGE_SHIFT} pages)`;
}

function limited<T>(rows: T[], total: bigint | number, render: (r: T) => string): string[] {
  const shown = rows.length > MAX_ROWS ? [...rows.slice(0, MAX_ROWS - 2), ...rows.slice(-2)] : rows;
  const out = shown.map(render);
  if (rows.length > MAX_ROWS) out.splice(MAX_ROWS - 2, 0, `| … | ${BigInt(total) - BigInt(MAX_ROWS)} more | | |`);
  return out;
}

/** The split mapping in the middle of the slot: the example least tied to the slot's edges. */
export function exampleSplit(r: GmemAlignmentResult): SplitMapping {
  return r.splits[Math.floor((r.splits.length - 1) / 2)];
}

/** One witness of a split, in words: the thread's own kind of example. */
export function describeSplit(r: GmemAlignmentResult, s: SplitMapping): string {
  const [a, b] = s.gfns;
  return `GPA ${gpa(a)} (GFN ${a}) and GPA ${gpa(b)} (GFN ${b}) are mapped by one ${formatBytes(r.binding.hpage)} mapping (GPA ${gpaRange(s.range.start, s.range.end)}) but sit in two folios (aligned_index ${s.first.alignedIndex} and ${s.second.alignedIndex}), whose memory need not be contiguous`;
}

export function explainAlignment(r: GmemAlignmentResult): string {
  const b = r.binding;
  const level = hpageName(b.hpage);
  const lines = [
    `**guest_memfd binding model**: ${describeBinding(b)}.`,
    '',
    `KVM's \`lpage_info[${level}]\` looks only at the GFNs: a huge mapping is allowed where the whole aligned ${formatBytes(b.hpage)} range is inside the slot.`,
    '',
    `| lpage_info[${level}][i] | GFN | GPA | huge mapping |`,
    '| --- | --- | --- | --- |',
    ...limited(r.lpage, r.lpageCount, (l) => `| ${l.index} | [${l.start}, ${l.end}) | ${gpaRange(l.start, l.end)} | ${l.allowed ? 'allowed' : 'disallowed'} |`),
    '',
    `guest_memfd backs GFN g with file index \`g - base_gfn + pgoff\`, in the folio at \`${r.folioRule}\`:`,
    '',
    '| folio (aligned_index) | GFN | GPA | file index |',
    '| --- | --- | --- | --- |',
    ...limited(
      r.folios,
      r.folios.length,
      (f) =>
        `| ${f.alignedIndex} | [${f.start}, ${f.end}) | ${gpaRange(f.start, f.end)} | [${f.start - b.baseGfn + b.pgoff}, ${f.end - b.baseGfn + b.pgoff}) |`,
    ),
    '',
  ];
  if (r.splits.length) {
    lines.push(
      `**${r.splits.length} allowed huge ${r.splits.length === 1 ? 'mapping spans' : 'mappings span'} two folios.** For example ${describeSplit(r, exampleSplit(r))}.`,
      '',
      '| huge mapping (GPA) | first folio | second folio starts at |',
      '| --- | --- | --- |',
      ...limited(
        r.splits,
        r.splits.length,
        (s) => `| ${gpaRange(s.range.start, s.range.end)} | ${s.first.alignedIndex} | GPA ${gpa(s.gfns[1])} (aligned_index ${s.second.alignedIndex}) |`,
      ),
    );
    if (r.shared.length) {
      const s = r.shared[0];
      lines.push(
        '',
        `And the other way round: folio ${s.folio.alignedIndex} backs GPA ${gpaRange(s.folio.start, s.folio.end)}, parts of two huge mappings (${gpaRange(s.mappings[0].start, s.mappings[0].end)} and ${gpaRange(s.mappings[1].start, s.mappings[1].end)}).`,
      );
    }
    lines.push(
      '',
      `The GFN sits at offset ${mod(b.baseGfn, r.pagesPerHuge)} within its huge page and the file index at offset ${mod(b.pgoff, r.pagesPerHuge)}: the binding is sound only when they are equal.`,
    );
  } else {
    const allowed = r.lpage.filter((l) => l.allowed).length;
    lines.push(
      allowed
        ? `Every allowed huge mapping lies within one folio: the binding is sound.`
        : 'No huge mapping is allowed in this slot: nothing can span two folios.',
    );
  }
  if (r.probes.length) {
    lines.push('', '| GPA | GFN | lpage_info | huge mapping | file index | folio (aligned_index) |', '| --- | --- | --- | --- | --- | --- |');
    for (const p of r.probes) {
      lines.push(
        p.inSlot
          ? `| ${gpa(p.gfn)} | ${p.gfn} | ${p.lpage?.index ?? ''} | ${p.lpage?.allowed ? 'allowed' : 'disallowed'} | ${p.index} | ${p.alignedIndex} |`
          : `| ${gpa(p.gfn)} | ${p.gfn} | outside the slot | | | |`,
      );
    }
    // Pairs of the GPAs asked about that one huge mapping covers but two folios back.
    const inSlot = r.probes.filter((p) => p.inSlot && p.lpage?.allowed);
    for (let i = 0; i < inSlot.length; i++) {
      for (let j = i + 1; j < inSlot.length; j++) {
        const [p, q] = [inSlot[i], inSlot[j]];
        if (p.lpage === q.lpage && p.alignedIndex !== q.alignedIndex) {
          lines.push(
            '',
            `GPA ${gpa(p.gfn)} and GPA ${gpa(q.gfn)} share one allowed huge mapping (\`lpage_info[${level}][${p.lpage!.index}]\`) but sit in two folios (aligned_index ${p.alignedIndex} and ${q.alignedIndex}).`,
          );
        }
      }
    }
  }
  return lines.join('\n');
}

const mod = (a: bigint, m: bigint): bigint => ((a % m) + m) % m;

// ---------------------------------------------------------------- binding checks

/** A binding check as written: statements to run first (the names it uses), then its condition. */
export interface BindingCheck {
  setup: Stmt[];
  condition: Expr;
  /** The binding is accepted when the condition is true (a stated requirement) or false (`if (c) return -EINVAL;`). */
  acceptsWhen: boolean;
}

export interface CheckCase {
  binding: GmemBinding;
  /** The model: some allowed huge mapping spans two folios. */
  broken: boolean;
  /** The check: null when it could not be evaluated. */
  accepts: boolean | null;
  reason?: string;
  /** What the two sides of the check's comparison came to: `offset_within_page` = 0. */
  values: [string, bigint][];
}

export interface CheckVerdict {
  cases: CheckCase[];
  acceptsBroken: CheckCase[];
  rejectsSound: CheckCase[];
  undecided: CheckCase[];
  /** true: agrees with the model everywhere it could be evaluated; false: wrong somewhere; null: never evaluated. */
  sound: boolean | null;
  hpages: bigint[];
}

/** Huge page sizes a check is meant for: the one it names (`SZ_2M`), else both. */
export function hpagesOf(texts: string[]): bigint[] {
  const t = texts.join('\n');
  const two = /\bSZ_2M\b|\bPMD_(?:SIZE|SHIFT|MASK)\b|\bHPAGE_PMD_/.test(t);
  const one = /\bSZ_1G\b|\bPUD_(?:SIZE|SHIFT|MASK)\b|\bHPAGE_PUD_/.test(t);
  if (two && !one) return [SZ_2M];
  if (one && !two) return [SZ_1G];
  return [SZ_2M, SZ_1G];
}

/**
 * The bindings a check is run on, for each huge page size H (in pages): base_gfn and pgoff from small
 * misalignments (2 pages: the thread's GPA 8 KiB) through half a huge page to exact multiples; npages
 * 4H, so the middle of the slot always holds allowed huge mappings. pgoff outermost: the first
 * counterexample found is the one with the smallest file offset.
 */
export function checkGrid(hpages: bigint[]): GmemBinding[] {
  const out: GmemBinding[] = [];
  for (const hpage of hpages) {
    const H = hpage >> PAGE_SHIFT;
    const values = [0n, 2n, H / 2n, H, H + 2n, (3n * H) / 2n];
    for (const pgoff of values) for (const baseGfn of values) out.push({ baseGfn, npages: 4n * H, pgoff, hpage });
  }
  return out;
}

const log2 = (v: bigint): bigint => BigInt(v.toString(2).length - 1);

/** What guest_memfd binding code may call, for a hugetlb hstate of `hpage` bytes. */
function bindingPrimitives(hpage: bigint): Map<string, Primitive> {
  const num = (v: Value): bigint | null => (typeof v === 'bigint' ? v : null);
  const two =
    (f: (a: bigint, b: bigint) => bigint): Primitive =>
    (args) => {
      const a = num(args[0]);
      const b = num(args[1]);
      return a === null || b === null || b === 0n ? UNKNOWN : f(a, b);
    };
  return new Map<string, Primitive>([
    ['huge_page_mask', () => ~(hpage - 1n)],
    ['huge_page_size', () => hpage],
    ['huge_page_shift', () => log2(hpage)],
    ['huge_page_order', () => log2(hpage) - PAGE_SHIFT],
    ['pages_per_huge_page', () => hpage >> PAGE_SHIFT],
    ['IS_ALIGNED', two((a, b) => ((a & (b - 1n)) === 0n ? 1n : 0n))],
    ['round_down', two((a, b) => a & ~(b - 1n))],
    ['ALIGN_DOWN', two((a, b) => a & ~(b - 1n))],
    ['rounddown', two((a, b) => roundDown(a, b))],
    ['round_up', two((a, b) => (a + b - 1n) & ~(b - 1n))],
    ['ALIGN', two((a, b) => (a + b - 1n) & ~(b - 1n))],
    ['WARN_ON', (args) => args[0] ?? UNKNOWN],
    ['WARN_ON_ONCE', (args) => args[0] ?? UNKNOWN],
    ['unlikely', (args) => args[0] ?? UNKNOWN],
    ['likely', (args) => args[0] ?? UNKNOWN],
  ]);
}

const CONSTANTS = new Map<string, bigint>([
  ['PAGE_SHIFT', PAGE_SHIFT],
  ['PAGE_SIZE', PAGE_SIZE],
  ['PAGE_MASK', ~(PAGE_SIZE - 1n)],
  ...KERNEL_SIZES,
  ['PMD_SHIFT', 21n],
  ['PMD_SIZE', SZ_2M],
  ['PMD_MASK', ~(SZ_2M - 1n)],
  ['PUD_SHIFT', 30n],
  ['PUD_SIZE', SZ_1G],
  ['PUD_MASK', ~(SZ_1G - 1n)],
]);

/**
 * The check's verdict on one binding. What the check reads: `slot->base_gfn`, `slot->npages`,
 * `slot->gmem.pgoff`, `offset` (the binding's file offset in bytes, as kvm_gmem_bind() takes it), `pgoff`
 * and `start` (in pages), and any hstate (`h`, `hgmem->h`).
 */
export function runCheck(check: BindingCheck, b: GmemBinding, budget: Budget = Budget.unlimited()): CheckCase {
  const broken = runGmemAlignment(b).broken;
  const ev = new Evaluator({ functions: new Map(), primitives: bindingPrimitives(b.hpage), iterators: new Map(), constants: CONSTANTS }, 10_000, budget);
  const hstate = obj({}, 'h');
  const slot = obj({ base_gfn: b.baseGfn, npages: b.npages, gmem: obj({ pgoff: b.pgoff }) }, 'slot');
  const scope = ev.scope(
    new Map<string, Value>([
      ['slot', slot],
      ['offset', b.pgoff << PAGE_SHIFT],
      ['pgoff', b.pgoff],
      ['start', b.pgoff],
      ['h', hstate],
      ['hgmem', obj({ h: hstate })],
    ]),
  );
  const values: [string, bigint][] = [];
  try {
    ev.runStatements(check.setup, scope);
    const c = check.condition;
    // The two sides of a comparison, for the table: what the check compared.
    if (c.kind === 'bin' && ['==', '!=', '<', '<=', '>', '>='].includes(c.op)) {
      for (const side of [c.left, c.right]) {
        const x = ev.eval(side, scope);
        if (typeof x === 'bigint') values.push([exprText(side), x]);
      }
    }
    const v = ev.eval(c, scope);
    if (typeof v !== 'bigint') return { binding: b, broken, accepts: null, reason: `\`${exprText(c)}\` depends on something the model does not know`, values };
    return { binding: b, broken, accepts: (v !== 0n) === check.acceptsWhen, values };
  } catch (e) {
    if (!(e instanceof EvalStop)) throw e;
    return { binding: b, broken, accepts: null, reason: e.message, values };
  }
}

export function evaluateCheck(check: BindingCheck, hpages: bigint[] = [SZ_2M, SZ_1G], budget: Budget = Budget.unlimited()): CheckVerdict {
  const cases = checkGrid(hpages).map((b) => runCheck(check, b, budget));
  const acceptsBroken = cases.filter((c) => c.accepts === true && c.broken);
  const rejectsSound = cases.filter((c) => c.accepts === false && !c.broken);
  const undecided = cases.filter((c) => c.accepts === null);
  const decided = cases.length - undecided.length;
  return { cases, acceptsBroken, rejectsSound, undecided, sound: decided === 0 ? null : acceptsBroken.length + rejectsSound.length === 0, hpages };
}

/**
 * guest_memfd's folio rule as the code writes it (`round_down(index, nr_pages)`), run by the evaluator:
 * the index name gets the index, a count name (`nr_pages`) the pages per huge page. The model takes a
 * folio to hold the huge page's worth of indices from the one the rule gives (what rounding down gives).
 */
export function alignedIndexRule(e: Expr): NonNullable<ModelOptions['alignedIndex']> | null {
  const ids = new Set<string>();
  const walk = (x: Expr): void => {
    if (x.kind === 'id') ids.add(x.name);
    subExprs(x).forEach(walk);
  };
  walk(e);
  const indexName = [...ids].find((n) => /(?:^|_)(?:index|idx|pgoff)$/.test(n));
  if (!indexName) return null;
  const countNames = [...ids].filter((n) => n !== indexName && /nr|pages|count|npages/.test(n));
  return {
    text: exprText(e),
    compute: (index, pages) => {
      const ev = new Evaluator({ functions: new Map(), primitives: bindingPrimitives(pages << PAGE_SHIFT), iterators: new Map(), constants: CONSTANTS }, 1_000);
      const hstate = obj({}, 'h');
      const bindings = new Map<string, Value>([
        [indexName, index],
        ['h', hstate],
        ['hgmem', obj({ h: hstate })],
      ]);
      for (const n of countNames) bindings.set(n, pages);
      try {
        const v = ev.eval(e, ev.scope(bindings));
        return typeof v === 'bigint' ? v : null;
      } catch {
        return null;
      }
    },
  };
}

const bindingCells = (b: GmemBinding): string => `${hpageName(b.hpage)} | ${b.baseGfn} | ${b.pgoff}`;

/** One row per counterexample kind, with what the check computed on it. */
export function explainVerdict(v: CheckVerdict, label: string): string {
  const sizes = v.hpages.map(formatBytes).join(' and ');
  const decided = v.cases.length - v.undecided.length;
  if (v.sound === null) return `${label} could not be evaluated: ${v.undecided[0]?.reason ?? 'nothing to run'}.`;
  const head = v.sound
    ? `${label} agrees with the model on all ${decided} bindings tried (huge pages of ${sizes}, \`base_gfn\` and \`pgoff\` from aligned to misaligned by 2 pages or half a huge page, \`npages\` = 4 huge pages): it accepts exactly the sound ones.`
    : `${label} disagrees with the model on ${v.acceptsBroken.length + v.rejectsSound.length} of ${decided} bindings tried: it accepts ${v.acceptsBroken.length} broken ${v.acceptsBroken.length === 1 ? 'binding' : 'bindings'} and rejects ${v.rejectsSound.length} sound ${v.rejectsSound.length === 1 ? 'one' : 'ones'}.`;
  if (v.sound) return head;
  const rows = [...v.acceptsBroken.slice(0, 3), ...v.rejectsSound.slice(0, 2)].map((c) => {
    const computed = c.values
      .map(([n, x]) => `\`${n}\` = ${x >= 1n << 20n || x <= -(1n << 20n) ? `0x${(x < 0n ? x & ((1n << 64n) - 1n) : x).toString(16)}` : x}`)
      .join(', ');
    return `| ${bindingCells(c.binding)} | ${c.broken ? 'broken' : 'sound'} | ${c.accepts ? 'accepts' : 'rejects'} | ${computed} |`;
  });
  return [head, '', '| huge page | base_gfn | pgoff | model | check | the check computed |', '| --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
