/**
 * @file A function in a patch that maps an address to an interleave target position or a device offset,
 * compared with the cxl-interleave model on sampled addresses for every ways and granularity its
 * parameters allow. Position = ⌊offset / granularity⌋ mod ways; DPA offset = ⌊offset / (granularity ·
 * ways)⌋ · granularity + offset mod granularity. The classic pitfall: selecting the target with
 * `% (1 << iw)` or a mask, right for powers of two and wrong for 3, 6 and 12 ways.
 * Known false positives: a function that takes an absolute HPA and a base the model does not see.
 */
import { GRANULARITY_BY_ENCODING, WAYS_BY_ENCODING, dpaOffset, hex, targetPosition } from '../models/cxl-interleave/hdm-decoder';
import { helperSites, outcomeText, runHelper, type HelperSite, type Outcome } from './support/cxl-functions';
import { defineRule, type RuleContext } from './rule';

const MESSAGES = {
  disagrees:
    '`{{fn}}()` gives {{what}} {{got}} for address {{address}} at {{ways}}-way, {{granularity}} B where the CXL interleave model gives {{model}} (wrong for {{badWays}}-way)',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

type Output = 'position' | 'dpa';

const ADDRESS = /^(?:hpa|spa|addr|address|offset|off|hpa_offset|hpa_off|haddr)$/;
const WAYS = /^(?:ways|nr_ways|num_ways|interleave_ways|iw|eiw|niw)$/;
const GRANULARITY = /^(?:gran|granularity|interleave_granularity|ig|eig|nig)$/;

/** What the function returns, from its name; null when it is not an address → position/offset map. */
export function decodeOutput(name: string): Output | null {
  const n = name.toLowerCase();
  if (/(?:^|_)(?:dpa|dpa_offset|device_offset)(?:_|$)|to_dpa/.test(n)) return 'dpa';
  if (/(?:^|_)(?:pos|position|target|targets|port|idx|index)(?:_|$)/.test(n) && /hpa|addr|interleave|decode|calc|spa|target/.test(n)) return 'position';
  return null;
}

interface Roles {
  address: number;
  ways: number;
  granularity: number;
  /** Any other parameter: the result is written through it. */
  out?: number;
  /** Ways and granularity as their encodings (eiw, eig); `iw`/`ig` are tried both ways. */
  encodings: boolean[];
}

function rolesOf(params: string[]): Roles | null {
  const address = params.findIndex((p) => ADDRESS.test(p));
  const ways = params.findIndex((p) => WAYS.test(p));
  const granularity = params.findIndex((p) => GRANULARITY.test(p));
  if (address < 0 || ways < 0 || granularity < 0) return null;
  const rest = params.map((_, i) => i).filter((i) => ![address, ways, granularity].includes(i));
  if (rest.length > 1) return null;
  const w = params[ways];
  const g = params[granularity];
  const encoded = w.startsWith('e') || g.startsWith('e');
  const plain = /^(?:ways|nr_ways|num_ways|interleave_ways|niw)$/.test(w) || /^(?:gran|granularity|interleave_granularity|nig)$/.test(g);
  return { address, ways, granularity, out: rest[0], encodings: encoded ? [true] : plain ? [false] : [true, false] };
}

/** Addresses tried for each ways and granularity: chunk edges of the first sets, and far ones. */
function samples(ways: number, granularity: number): number[] {
  const set = ways * granularity;
  const out = new Set<number>([0, granularity - 1, granularity, 2 * granularity + 7, set - 1, set, set + granularity, 3 * set + 5 * granularity + 3]);
  let x = 0x9e3779b9;
  for (let i = 0; i < 12; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.add(((x % 0x100000) * 0x10000 + (x & 0xffff)) % 2 ** 40);
  }
  return [...out];
}

export interface DecodeDisagreement {
  ways: number;
  granularity: number;
  address: number;
  model: number;
  got: Outcome;
}

export function compare(site: HelperSite, output: Output, roles: Roles, encoded: boolean): { wrong: DecodeDisagreement[]; ran: number } {
  const wrong: DecodeDisagreement[] = [];
  let ran = 0;
  for (const [eiw, ways] of WAYS_BY_ENCODING) {
    for (const [eig, granularity] of GRANULARITY_BY_ENCODING) {
      for (const address of samples(ways, granularity)) {
        const args: bigint[] = [];
        args[roles.address] = BigInt(address);
        args[roles.ways] = BigInt(encoded ? eiw : ways);
        args[roles.granularity] = BigInt(encoded ? eig : granularity);
        const got = runHelper(site, { args, out: roles.out });
        if (got.kind === 'stopped') continue;
        ran++;
        const model = output === 'position' ? targetPosition(address, ways, granularity) : dpaOffset(address, ways, granularity);
        if (got.kind !== 'value' || got.value !== BigInt(model)) wrong.push({ ways, granularity, address, model, got });
      }
    }
  }
  return { wrong, ran };
}

function check(ctx: Ctx): void {
  const sites = helperSites(ctx.series, (name) => decodeOutput(name) !== null);
  for (const site of sites) {
    const output = decodeOutput(site.fn.name)!;
    const roles = rolesOf(site.fn.params);
    if (!roles) continue;
    const best = ctx.series.derive(site.view, `cxl-decode:${site.hunk.hunk.section}:${site.fn.name}`, () => {
      // Names that do not say whether they take encodings are tried both ways; either agreeing clears the function.
      const tries = roles.encodings.map((encoded) => ({ encoded, ...compare(site, output, roles, encoded) })).filter((t) => t.ran > 0);
      if (!tries.length || tries.some((t) => !t.wrong.length)) return null;
      return tries.reduce((a, b) => (b.wrong.length < a.wrong.length ? b : a));
    });
    if (best) report(ctx, site, output, roles, best);
  }
}

function report(ctx: Ctx, site: HelperSite, output: Output, roles: Roles, best: { encoded: boolean; wrong: DecodeDisagreement[]; ran: number }): void {
  const first = best.wrong[0];
  const badWays = [...new Set(best.wrong.map((d) => d.ways))].sort((a, b) => a - b);
  const goodWays = [...WAYS_BY_ENCODING.values()].filter((w) => !badWays.includes(w));
  const what = output === 'position' ? 'target position' : 'DPA offset';
  const w = site.fn.params[roles.ways];
  const g = site.fn.params[roles.granularity];
  const explanation = [
    `\`${site.fn.name}()\` maps an address to a ${what}. The model ran it on ${best.ran} addresses for every allowed ways and granularity (\`${w}\` and \`${g}\` passed as ${best.encoded ? 'their CXL encodings' : 'plain values'}) and compared each answer with the reference decoder: ${output === 'position' ? 'position = ⌊offset / granularity⌋ mod ways' : 'DPA offset = ⌊offset / (granularity × ways)⌋ × granularity + offset mod granularity'}.`,
    '',
    `It disagrees on ${best.wrong.length}: for ${badWays.join(', ')}-way interleave${goodWays.length ? ` (it agrees for ${goodWays.join(', ')})` : ''}.`,
    '',
    '| ways | granularity | address | the function | the model |',
    '| --- | --- | --- | --- | --- |',
    ...best.wrong
      .slice(0, 10)
      .map((d) => `| ${d.ways} | ${d.granularity} B | ${hex(d.address)} | ${outcomeText(d.got)} | ${output === 'dpa' ? hex(d.model) : d.model} |`),
    ...(goodWays.length && badWays.every((x) => x % 3 === 0)
      ? [
          '',
          'A power-of-two mask or `% (1 << iw)` selects the target correctly only for 1, 2, 4, 8 and 16 ways; 3, 6 and 12 ways need a modulo by the number of ways.',
        ]
      : []),
  ].join('\n');
  const fmt = (n: number): string => (output === 'dpa' ? hex(n) : String(n));
  ctx.report({
    side: site.side,
    at: { view: site.view, span: site.nameSpan, patch: site.hunk.patch, path: site.hunk.path },
    messageId: 'disagrees',
    data: {
      fn: site.fn.name,
      what,
      got: first.got.kind === 'value' ? fmt(Number(first.got.value)) : outcomeText(first.got),
      model: fmt(first.model),
      address: hex(first.address),
      ways: first.ways,
      granularity: first.granularity,
      badWays: badWays.join(', '),
    },
    key: `cxl-decode:${site.hunk.path}:${site.fn.name}`,
    explanation,
  });
}

export default defineRule({
  id: 'cxl-decode',
  meta: {
    summary: 'A function mapping an address to an interleave target or device offset that disagrees with the reference HDM decoder',
    defaultSeverity: 'warning',
    confidence: 'medium',
    readsFunctions: true,
    messages: MESSAGES,
    knownFalsePositives: ['A function taking an absolute HPA with a base it subtracts from state the model does not see.'],
  },
  check,
});
