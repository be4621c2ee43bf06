/**
 * @file Figures a mail states about CXL interleave regions, checked by the cxl-interleave model. A thread
 * weighing one memory region per interleave stride says how many that takes ("16 1TB devices … about
 * 4x10^9 IO regions" at 256 bytes); the model computes device size / granularity per device and the note
 * shows its arithmetic, with the model behind a code lens. A figure that matches neither the per-device
 * nor the total count is a warning.
 * Known false positives: a figure for some other count of regions stated next to a device size.
 */
import {
  MODEL_ID,
  VALID_GRANULARITIES,
  VALID_WAYS,
  describeBijection,
  explainCxlRun,
  powerText,
  runCxlInterleave,
  scientific,
  standardTopology,
} from '../models/cxl-interleave/hdm-decoder';
import { formatBytes } from '../models/bytes';
import { paragraphRange, paragraphsOf, type Paragraph } from './support/prose';
import { defineRule, type RuleContext } from './rule';
import { decodeMap } from '../models/cxl-interleave/cxl-interleave-picture';

const MESSAGES = {
  figureAgrees: '{{stated}} regions for {{devices}}: the CXL interleave model agrees ({{agreed}} regions {{scope}})',
  figureDisagrees: '{{stated}} regions for {{devices}} disagrees with the CXL interleave model: {{computed}} regions per device, {{total}} for all {{count}}',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

/** `4x10^9`, `4 × 10^9`, `10^6` — followed, in the same sentence, by "regions". */
const FIGURE = /(?<![\d.])(?:(\d+(?:\.\d+)?)\s*(?:x|×|\*)\s*)?10\s*\^\s*(\d+)(?=[^.]{0,40}?\bregions?\b)/gi;
/** `16 1TB devices`, `16x 256MB devices`. */
const DEVICES = /\b(\d+)\s*(?:x|×)?\s+(\d+(?:\.\d+)?)\s*([KMGT])i?B\b[^.]{0,30}?\bdevices?\b/gi;
/** `256 bytes`, `4 KiB`, in a sentence about interleave or granularity. */
const GRANULARITY = /\b(\d+)[\s-]*(bytes?|B|KiB|KB|K)\b/g;
const CONTEXT = /interleav|granularit|\bCXL\b/i;
const UNITS: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };
/** A stated figure agrees when it is within this factor of the computed one ("about 4x10^9" for 4.29 × 10^9). */
const AGREEMENT = 1.5;

interface Devices {
  count: number;
  size: number;
  text: string;
}

function devicesBefore(text: string, end: number): Devices | null {
  let found: Devices | null = null;
  for (const m of text.slice(0, end).matchAll(DEVICES)) {
    const size = Number(m[2]) * UNITS[m[3].toUpperCase()];
    if (Number.isSafeInteger(size)) found = { count: Number(m[1]), size, text: m[0] };
  }
  return found;
}

/** The last interleave granularity a sentence about interleave states before `end`. */
function granularityBefore(text: string, end: number): number | null {
  let found: number | null = null;
  for (const sentence of text.slice(0, end).split(/(?<=[.!?])\s+/)) {
    if (!CONTEXT.test(sentence)) continue;
    for (const m of sentence.matchAll(GRANULARITY)) {
      const g = Number(m[1]) * (/^K/i.test(m[2]) ? 1024 : 1);
      if (VALID_GRANULARITIES.includes(g)) found = g;
    }
  }
  return found;
}

const within = (stated: number, computed: number): boolean => stated / computed <= AGREEMENT && computed / stated <= AGREEMENT;

function check(ctx: Ctx): void {
  // Most documents state no power of ten: skip building paragraphs for them.
  const text = ctx.series.series.text;
  if (!text.includes('^') || !/10\s*\^\s*\d/.test(text)) return;
  const paragraphs = paragraphsOf(ctx.series.series);
  for (const [i, p] of paragraphs.entries()) {
    if (!CONTEXT.test(p.text) && !paragraphs.some((q) => q.message === p.message && CONTEXT.test(q.text))) continue;
    for (const m of p.text.matchAll(FIGURE)) {
      const devices = devicesBefore(p.text, m.index);
      if (!devices) continue;
      // The granularity: stated earlier in this paragraph, or earlier in the same message at this depth.
      let granularity = granularityBefore(p.text, m.index);
      for (let j = i - 1; granularity === null && j >= 0; j--)
        if (paragraphs[j].message === p.message && paragraphs[j].quoteDepth === p.quoteDepth)
          granularity = granularityBefore(paragraphs[j].text, paragraphs[j].text.length);
      if (granularity === null) continue;
      report(ctx, p, m, devices, granularity);
    }
  }
}

function report(ctx: Ctx, p: Paragraph, m: RegExpMatchArray, devices: Devices, granularity: number): void {
  const stated = Number(m[1] ?? 1) * 10 ** Number(m[2]);
  const statedText = m[0].replace(/\s+/g, '');
  const perDevice = devices.size / granularity;
  const total = perDevice * devices.count;
  const agreesPerDevice = within(stated, perDevice);
  const agreesTotal = !agreesPerDevice && within(stated, total);
  const size = formatBytes(BigInt(devices.size));
  const described = `${devices.count} devices of ${size} at ${granularity} B`;
  // The model on the thread's configuration: a standard topology when the count is an allowed number of ways.
  const ways = VALID_WAYS.includes(devices.count) ? devices.count : null;
  const run = ways ? runCxlInterleave(standardTopology({ ways, granularity, deviceSize: devices.size })) : null;
  const explanation = [
    `The mail states ${statedText} regions for \`${devices.text}\` at ${granularity} B interleave granularity. A mapping with one region per interleave stride needs device size / granularity regions per device:`,
    '',
    `${size} / ${granularity} B = ${powerText(devices.size)} / ${powerText(granularity)} = ${powerText(perDevice)} ≈ **${scientific(perDevice)}** per device; for ${devices.count} devices, ${scientific(total)}.${/[KMGT]B/.test(devices.text) ? ` (${devices.text.match(/\d+(?:\.\d+)?\s*[KMGT]B/)![0]} is read as a binary size, as memory sizes are.)` : ''}`,
    '',
    agreesPerDevice
      ? `The stated figure is the per-device count and agrees with it.`
      : agreesTotal
        ? `The stated figure is the count for all ${devices.count} devices and agrees with it.`
        : `The stated figure matches neither the per-device count nor the total.`,
    ...(run?.bijection
      ? ['', `The model also decodes the thread's configuration (${ways}-way at ${granularity} B, one host bridge): ${describeBijection(run.bijection)}`]
      : []),
  ].join('\n');
  const agrees = agreesPerDevice || agreesTotal;
  ctx.report({
    side: 'new',
    at: { range: paragraphRange(p, m.index!, m.index! + m[0].length), patch: null, path: null, fileLine: null },
    messageId: agrees ? 'figureAgrees' : 'figureDisagrees',
    data: {
      stated: statedText,
      devices: described,
      computed: scientific(perDevice),
      total: scientific(total),
      count: devices.count,
      agreed: scientific(agreesTotal ? total : perDevice),
      scope: agreesTotal ? 'for all of them' : 'per device',
    },
    severity: agrees ? 'information' : 'warning',
    key: `cxl-interleave:${devices.count}:${devices.size}:${granularity}:${statedText}`,
    explanation,
    model: {
      id: MODEL_ID,
      title: 'CXL interleave model: regions per interleave stride',
      markdown: run ? explainCxlRun(run) : explanation,
      ...(run && !run.problems.length ? { svg: decodeMap(run) } : {}),
      ...(ways ? { run: { model: MODEL_ID, args: { ways: String(ways), granularity: String(granularity), device_size: String(devices.size) } } } : {}),
    },
  });
}

export default defineRule({
  id: 'cxl-interleave',
  meta: {
    summary: 'A figure a mail states for the regions a one-region-per-interleave-stride mapping needs, checked by the CXL interleave model',
    defaultSeverity: 'information',
    confidence: 'medium',
    differential: false,
    messages: MESSAGES,
    knownFalsePositives: ['A figure for some other count of regions stated next to a device size and a granularity.'],
  },
  check,
});
