/**
 * @file A CXL interleave encoding helper that disagrees with the CXL 2.0 tables. Functions a patch writes
 * that encode or decode interleave ways or granularity (`eiw_to_ways`, `ways_to_eiw`, `eig_to_granularity`,
 * `granularity_to_eig`, `cxl_interleave_ways_enc`, `cxl_decode_ig`, …) are run by the C evaluator over
 * their whole input domain — every 4-bit encoding; ways 0 to 64; granularities 0, every power of two up to
 * 2^20 and its neighbours — and each answer is compared with the spec's table: ways 0–4 → 1–16, 8–10 → 3,
 * 6, 12; granularity 0–6 → 256 B–16 KiB; everything else reserved.
 * Known false positives: a helper named like one that encodes something else (a decoder count, say).
 */
import { encodingOfGranularity, encodingOfWays, granularityOfEncoding, waysOfEncoding } from '../models/cxl-interleave/hdm-decoder';
import { helperSites, outcomeText, runHelper, type HelperCall, type HelperSite, type Outcome } from './support/cxl-functions';
import { defineRule, type RuleContext } from './rule';

const MESSAGES = {
  disagrees: '`{{fn}}()` disagrees with the CXL 2.0 interleave {{what}} table on {{count}} inputs: it {{first}}',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

type Quantity = 'ways' | 'granularity';
type Direction = 'encode' | 'decode';

/** What a helper computes, from its name; null when the name does not say. */
export function encodingKind(name: string): { quantity: Quantity; direction: Direction } | null {
  const n = name.toLowerCase();
  const words = n.split('_');
  const isEncoded = (w: string): boolean => /^(?:eiw|eig|enc|encoding|encoded|hw)$/.test(w);
  const quantityOf = (ws: string[]): Quantity | null =>
    ws.some((w) => /^(?:ways|way|iw|eiw|niw)$/.test(w)) ? 'ways' : ws.some((w) => /^(?:gran|granularity|ig|eig|nig)$/.test(w)) ? 'granularity' : null;
  const quantity = quantityOf(words);
  if (!quantity) return null;
  const to = words.indexOf('to');
  if (to > 0) {
    const from = words.slice(0, to);
    const into = words.slice(to + 1);
    if (into.some(isEncoded) && !from.some(isEncoded)) return { quantity, direction: 'encode' };
    if (from.some(isEncoded) && !into.some(isEncoded)) return { quantity, direction: 'decode' };
    return null;
  }
  if (words.some((w) => w === 'enc' || w === 'encode')) return { quantity, direction: 'encode' };
  if (words.some((w) => w === 'dec' || w === 'decode')) return { quantity, direction: 'decode' };
  return null;
}

/** The inputs a helper is run on. */
function domain(quantity: Quantity, direction: Direction): number[] {
  if (direction === 'decode') return Array.from({ length: 16 }, (_, i) => i);
  if (quantity === 'ways') return Array.from({ length: 65 }, (_, i) => i);
  const out = new Set<number>([0]);
  for (let k = 0; k <= 20; k++) for (const d of [-1, 0, 1]) if (2 ** k + d > 0) out.add(2 ** k + d);
  return [...out].sort((a, b) => a - b);
}

/** The spec's answer: a number, or null for an input it reserves or forbids. */
function expected(quantity: Quantity, direction: Direction, input: number): number | null {
  if (quantity === 'ways') return direction === 'decode' ? waysOfEncoding(input) : encodingOfWays(input);
  return direction === 'decode' ? granularityOfEncoding(input) : encodingOfGranularity(input);
}

/** How the helper reports: through an out-parameter, QEMU's errp, or its return value. */
function callShape(fn: HelperSite['fn']): Omit<HelperCall, 'args'> {
  const shape: Omit<HelperCall, 'args'> = {};
  fn.params.forEach((p, i) => {
    if (i === 0) return;
    if (/^errp?$/.test(p)) shape.errp = i;
    else if (shape.out === undefined) shape.out = i;
  });
  return shape;
}

export interface Disagreement {
  input: number;
  spec: number | null;
  got: Outcome;
}

export function disagreements(site: HelperSite, quantity: Quantity, direction: Direction): { wrong: Disagreement[]; ran: number } {
  const shape = callShape(site.fn);
  const wrong: Disagreement[] = [];
  let ran = 0;
  for (const input of domain(quantity, direction)) {
    const got = runHelper(site, { ...shape, args: [BigInt(input)] });
    if (got.kind === 'stopped') continue;
    ran++;
    const spec = expected(quantity, direction, input);
    const agrees = spec === null ? got.kind === 'error' : got.kind === 'value' && got.value === BigInt(spec);
    if (!agrees) wrong.push({ input, spec, got });
  }
  return { wrong, ran };
}

const specText = (d: Disagreement): string => (d.spec === null ? 'reserved (an error)' : String(d.spec));

function describe(d: Disagreement): string {
  if (d.spec === null && d.got.kind === 'value') return `accepts ${d.input}, which the spec reserves, as ${d.got.value}`;
  if (d.spec !== null && d.got.kind === 'error') return `rejects ${d.input}, which the spec maps to ${d.spec}`;
  return `maps ${d.input} to ${outcomeText(d.got)} where the spec says ${specText(d)}`;
}

function check(ctx: Ctx): void {
  const sites = helperSites(ctx.series, (name) => encodingKind(name) !== null);
  for (const site of sites) {
    const kind = encodingKind(site.fn.name)!;
    const { wrong, ran } = ctx.series.derive(site.view, `cxl-encoding:${site.hunk.hunk.section}:${site.fn.name}`, () =>
      disagreements(site, kind.quantity, kind.direction),
    );
    if (!wrong.length || ran === 0) continue;
    const table =
      kind.direction === 'decode'
        ? kind.quantity === 'ways'
          ? 'Interleave Ways: 0–4 → 1, 2, 4, 8, 16; 8–10 → 3, 6, 12; others reserved'
          : 'Interleave Granularity: 0–6 → 256 B … 16 KiB; others reserved'
        : kind.quantity === 'ways'
          ? 'ways 1, 2, 4, 8, 16 → 0–4; 3, 6, 12 → 8–10; any other count is not allowed'
          : 'granularity 256 B … 16 KiB (powers of two) → 0–6; anything else is not allowed';
    const explanation = [
      `\`${site.fn.name}()\` ${kind.direction === 'encode' ? 'encodes' : 'decodes'} interleave ${kind.quantity}. The model ran it on ${ran} inputs and compared each answer with the CXL 2.0 table (${table}):`,
      '',
      '| input | the function | the spec |',
      '| --- | --- | --- |',
      ...wrong.slice(0, 12).map((d) => `| ${d.input} | ${outcomeText(d.got)} | ${specText(d)} |`),
      ...(wrong.length > 12 ? [`| … | ${wrong.length - 12} more | |`] : []),
    ].join('\n');
    ctx.report({
      side: site.side,
      at: { view: site.view, span: site.nameSpan, patch: site.hunk.patch, path: site.hunk.path },
      messageId: 'disagrees',
      data: { fn: site.fn.name, count: wrong.length, first: describe(wrong[0]), what: kind.quantity },
      key: `cxl-encoding:${site.hunk.path}:${site.fn.name}`,
      explanation,
    });
  }
}

export default defineRule({
  id: 'cxl-encoding',
  meta: {
    summary: 'A CXL interleave ways or granularity encoding helper that disagrees with the CXL 2.0 tables',
    defaultSeverity: 'error',
    confidence: 'high',
    readsFunctions: true,
    messages: MESSAGES,
    knownFalsePositives: ['A helper named like an interleave encoder that encodes something else.'],
  },
  check,
});
