/**
 * @file A reference CXL 2.0 HDM decoder, exact and pure. A topology — a fixed memory window across host
 * bridges, one HDM decoder per host bridge and per switch, endpoints with their decoders — decodes a host
 * physical address (HPA) to an endpoint and a device physical address (DPA), or names the level that
 * rejects it. It checks that a configuration maps the window's HPA range one-to-one onto the endpoints'
 * DPA ranges, and counts the regions a one-region-per-stride mapping would need.
 *
 * Every decoder picks its target from the offset into its own range: position = ⌊offset / granularity⌋
 * mod ways. For 6- and 12-way this equals the spec's HPA[IG+8] + 2·(HPA[51:IG+9] mod 3) (and the 12-way
 * analogue), since 2q + b ≡ 2(q mod 3) + b (mod 6). An endpoint drops the interleave bits:
 * DPA = ⌊offset / (granularity · ways)⌋ · granularity + offset mod granularity, after the DPA skip and
 * the DPA its earlier decoders use. Offsets, not absolute HPAs, as Linux's region code computes them: the
 * two agree for power-of-two ways on any 256 MiB-aligned base, and for 3, 6 and 12 ways when the base is
 * a multiple of 3 · 256 MiB.
 */
import { formatBytes } from '../bytes';

export const MODEL_ID = 'cxl-interleave';

/** CXL 2.0 HDM decoder encodings: Interleave Ways (eiw) and Interleave Granularity (eig). */
export const WAYS_BY_ENCODING: ReadonlyMap<number, number> = new Map([
  [0, 1],
  [1, 2],
  [2, 4],
  [3, 8],
  [4, 16],
  [8, 3],
  [9, 6],
  [10, 12],
]);
export const GRANULARITY_BY_ENCODING: ReadonlyMap<number, number> = new Map([0, 1, 2, 3, 4, 5, 6].map((e) => [e, 256 << e]));
export const VALID_WAYS = [...WAYS_BY_ENCODING.values()];
export const VALID_GRANULARITIES = [...GRANULARITY_BY_ENCODING.values()];

export const waysOfEncoding = (eiw: number): number | null => WAYS_BY_ENCODING.get(eiw) ?? null;
export const granularityOfEncoding = (eig: number): number | null => GRANULARITY_BY_ENCODING.get(eig) ?? null;
export function encodingOfWays(ways: number): number | null {
  for (const [e, w] of WAYS_BY_ENCODING) if (w === ways) return e;
  return null;
}
export function encodingOfGranularity(granularity: number): number | null {
  for (const [e, g] of GRANULARITY_BY_ENCODING) if (g === granularity) return e;
  return null;
}

/** A decoder that routes: the window, a host bridge, a switch. `targets` names the next level by id. */
export interface HdmDecoder {
  base: number;
  size: number;
  ways: number;
  granularity: number;
  targets: string[];
}

export interface EndpointDecoder {
  base: number;
  size: number;
  ways: number;
  granularity: number;
  /** DPA skipped before this decoder's range (after the previous decoder's). */
  skip: number;
}

export interface Endpoint {
  /** The device's memory: the DPA range decoders may use. */
  capacity: number;
  decoders: EndpointDecoder[];
}

export interface Topology {
  window: HdmDecoder;
  hostBridges: Record<string, HdmDecoder>;
  switches: Record<string, HdmDecoder>;
  endpoints: Record<string, Endpoint>;
  /** The HPA range checked for a bijection; the whole window when absent. */
  region?: { base: number; size: number };
}

export type Level = 'window' | 'host bridge' | 'switch' | 'endpoint';

export interface Hop {
  level: Level;
  id: string;
  /** The target position this level picked (not for the endpoint). */
  position?: number;
}

export type Decoded =
  { ok: true; endpoint: string; decoder: number; dpa: number; path: Hop[] } | { ok: false; level: Level; id: string; reason: string; path: Hop[] };

export const targetPosition = (offset: number, ways: number, granularity: number): number => Math.floor(offset / granularity) % ways;
export const dpaOffset = (offset: number, ways: number, granularity: number): number =>
  Math.floor(offset / (granularity * ways)) * granularity + (offset % granularity);

/** The DPA where decoder `k` of an endpoint starts: the skips and the ranges of the decoders before it. */
export function dpaBase(ep: Endpoint, k: number): number {
  let dpa = 0;
  for (let j = 0; j < k; j++) dpa += ep.decoders[j].skip + ep.decoders[j].size / ep.decoders[j].ways;
  return dpa + ep.decoders[k].skip;
}

function levelOf(t: Topology, id: string): Level | null {
  if (Object.hasOwn(t.hostBridges, id)) return 'host bridge';
  if (Object.hasOwn(t.switches, id)) return 'switch';
  if (Object.hasOwn(t.endpoints, id)) return 'endpoint';
  return null;
}

const inRange = (d: { base: number; size: number }, hpa: number): boolean => hpa >= d.base && hpa < d.base + d.size;

/** Decodes one HPA through the topology. */
export function decode(t: Topology, hpa: number): Decoded {
  const path: Hop[] = [];
  let level: Level = 'window';
  let id = 'window';
  let decoder: HdmDecoder = t.window;
  for (let depth = 0; depth < 8; depth++) {
    if (!inRange(decoder, hpa)) return { ok: false, level, id, reason: `outside its range [${hex(decoder.base)}, ${hex(decoder.base + decoder.size)})`, path };
    const position = targetPosition(hpa - decoder.base, decoder.ways, decoder.granularity);
    path.push({ level, id, position });
    const next = decoder.targets[position];
    if (next === undefined) return { ok: false, level, id, reason: `no target at position ${position}`, path };
    const nextLevel = levelOf(t, next);
    if (!nextLevel) return { ok: false, level, id, reason: `target ${next} is not in the topology`, path };
    if (nextLevel === 'endpoint') return decodeAtEndpoint(t, next, hpa, path);
    level = nextLevel;
    id = next;
    decoder = level === 'host bridge' ? t.hostBridges[id] : t.switches[id];
  }
  return { ok: false, level, id, reason: 'the targets form a loop', path };
}

function decodeAtEndpoint(t: Topology, id: string, hpa: number, path: Hop[]): Decoded {
  const ep = t.endpoints[id];
  const k = ep.decoders.findIndex((d) => inRange(d, hpa));
  path.push({ level: 'endpoint', id });
  if (k < 0) return { ok: false, level: 'endpoint', id, reason: 'no decoder of the endpoint claims it', path };
  const d = ep.decoders[k];
  const dpa = dpaBase(ep, k) + dpaOffset(hpa - d.base, d.ways, d.granularity);
  if (dpa >= ep.capacity)
    return { ok: false, level: 'endpoint', id, reason: `DPA ${hex(dpa)} is beyond the device's ${formatBytes(BigInt(ep.capacity))}`, path };
  return { ok: true, endpoint: id, decoder: k, dpa, path };
}

// ---------------------------------------------------------------- structure

const isPowerOf2 = (n: number): boolean => n > 0 && Number.isInteger(Math.log2(n));

function decoderProblems(where: string, d: { base: number; size: number; ways: number; granularity: number }): string[] {
  const out: string[] = [];
  if (!VALID_WAYS.includes(d.ways)) out.push(`${where}: ${d.ways}-way interleave is not allowed (CXL 2.0: 1, 2, 4, 8, 16, 3, 6, 12)`);
  if (!VALID_GRANULARITIES.includes(d.granularity)) out.push(`${where}: granularity ${d.granularity} is not allowed (256 B to 16 KiB, powers of two)`);
  if (!(d.size > 0)) out.push(`${where}: size must be positive`);
  else if (VALID_WAYS.includes(d.ways) && VALID_GRANULARITIES.includes(d.granularity) && d.size % (d.ways * d.granularity) !== 0)
    out.push(`${where}: size ${formatBytes(BigInt(d.size))} is not a whole number of interleave sets (${d.ways} × ${d.granularity} B)`);
  if (d.base % 256 !== 0) out.push(`${where}: base ${hex(d.base)} is not 256-byte aligned`);
  return out;
}

/**
 * What is wrong with a topology's structure, before any address is decoded: encodings the spec forbids,
 * target lists that do not match the ways or name what is not there, ways that do not multiply up from
 * the window to each endpoint, an endpoint's decoders that overlap, DPA beyond a device's capacity.
 */
export function structuralProblems(t: Topology): string[] {
  const out: string[] = [];
  const routing: [string, HdmDecoder, Level][] = [
    ['window', t.window, 'window'],
    ...Object.entries(t.hostBridges).map(([id, d]) => [id, d, 'host bridge'] as [string, HdmDecoder, Level]),
    ...Object.entries(t.switches).map(([id, d]) => [id, d, 'switch'] as [string, HdmDecoder, Level]),
  ];
  for (const [id, d, level] of routing) {
    const where = level === 'window' ? 'the window' : `${level} ${id}`;
    out.push(...decoderProblems(where, d));
    if (d.targets.length !== d.ways) out.push(`${where}: ${d.ways}-way but ${d.targets.length} targets`);
    const seen = new Set<string>();
    for (const target of d.targets) {
      const l = levelOf(t, target);
      if (!l) out.push(`${where}: target ${target} is not in the topology`);
      else if (level === 'window' && l !== 'host bridge') out.push(`the window: target ${target} is not a host bridge`);
      else if (level !== 'window' && l === 'host bridge') out.push(`${where}: target ${target} is a host bridge`);
      if (seen.has(target)) out.push(`${where}: target ${target} is listed twice`);
      seen.add(target);
    }
  }
  for (const [id, ep] of Object.entries(t.endpoints)) {
    ep.decoders.forEach((d, k) => out.push(...decoderProblems(`endpoint ${id} decoder ${k}`, d)));
    for (let a = 0; a < ep.decoders.length; a++)
      for (let b = a + 1; b < ep.decoders.length; b++) {
        const x = ep.decoders[a];
        const y = ep.decoders[b];
        if (x.base < y.base + y.size && y.base < x.base + x.size)
          out.push(
            `endpoint ${id}: decoders ${a} and ${b} overlap (HPA [${hex(Math.max(x.base, y.base))}, ${hex(Math.min(x.base + x.size, y.base + y.size))}))`,
          );
      }
    const k = ep.decoders.length - 1;
    if (k >= 0) {
      const end = dpaBase(ep, k) + ep.decoders[k].size / ep.decoders[k].ways;
      if (end > ep.capacity) out.push(`endpoint ${id}: its decoders use DPA up to ${hex(end)}, beyond the device's ${formatBytes(BigInt(ep.capacity))}`);
    }
  }
  // Ways multiply up: the product of the ways on the path to an endpoint is the endpoint's ways.
  const walk = (id: string, product: number, depth: number, via: string[]): void => {
    const level = levelOf(t, id);
    if (!level || depth > 8) return;
    if (level === 'endpoint') {
      for (const [k, d] of t.endpoints[id].decoders.entries())
        if (inRange(d, t.window.base) || inRange(t.window, d.base)) {
          if (d.ways !== product) out.push(`endpoint ${id} decoder ${k}: ${d.ways}-way, but the path to it (${via.join(' → ')}) interleaves ${product} ways`);
        }
      return;
    }
    const d = level === 'host bridge' ? t.hostBridges[id] : t.switches[id];
    for (const target of new Set(d.targets)) walk(target, product * d.ways, depth + 1, [...via, `${id} ×${d.ways}`]);
  };
  for (const target of new Set(t.window.targets)) walk(target, t.window.ways, 1, [`window ×${t.window.ways}`]);
  return out;
}

// ---------------------------------------------------------------- bijection

export interface Collision {
  first: number;
  second: number;
  endpoint: string;
  dpa: number;
}

export interface BijectionResult {
  /** null: not checked (`reason` says why). */
  bijective: boolean | null;
  reason?: string;
  range: { base: number; size: number };
  /** Every chunk of this many bytes decodes contiguously. */
  chunk: number;
  method: 'every chunk' | 'one period';
  /** Chunks decoded. */
  decoded: number;
  period?: number;
  rejected?: { hpa: number; level: Level; id: string; reason: string };
  collision?: Collision;
  unreachable?: { endpoint: string; decoder: number; dpa: number };
}

/** Chunks decoded one by one up to this many; beyond it, one period of the interleave. */
export const MAX_CHUNKS = 1 << 20;

const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : a);
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

function allDecoders(t: Topology): { base: number; size: number; ways: number; granularity: number }[] {
  return [t.window, ...Object.values(t.hostBridges), ...Object.values(t.switches), ...Object.values(t.endpoints).flatMap((e) => e.decoders)];
}

/**
 * Is the window's HPA range (or `region`) mapped one-to-one onto the endpoints' DPA ranges? Decodes the
 * start of every chunk (the smallest granularity: no decoder changes course inside one); a range of more
 * than MAX_CHUNKS chunks is decided on one period of the interleave (the lcm of every decoder's
 * granularity × ways), which repeats exactly when every decoder covers the range and starts a whole
 * number of periods from it.
 */
export function checkBijection(t: Topology): BijectionResult {
  const range = t.region ?? { base: t.window.base, size: t.window.size };
  const decoders = allDecoders(t);
  const chunk = Math.min(...decoders.map((d) => d.granularity));
  const result: BijectionResult = { bijective: null, range, chunk, method: 'every chunk', decoded: 0 };
  if (!isPowerOf2(chunk) || range.size % chunk !== 0 || range.base % chunk !== 0)
    return { ...result, reason: `the range is not a whole number of ${chunk}-byte chunks` };
  let span = range.size;
  if (range.size / chunk > MAX_CHUNKS) {
    const period = decoders.reduce((p, d) => lcm(p, d.granularity * d.ways), 1);
    const covers = decoders.every((d) => d.base <= range.base && d.base + d.size >= range.base + range.size && (range.base - d.base) % period === 0);
    const endpointsOne = Object.values(t.endpoints).every((e) => e.decoders.filter((d) => inRange(d, range.base)).length <= 1);
    if (period > range.size || range.size % period !== 0 || !covers || !endpointsOne || period / chunk > MAX_CHUNKS)
      return {
        ...result,
        reason: `${range.size / chunk} chunks are too many to decode one by one, and the decoders do not repeat with one period over the range`,
      };
    result.method = 'one period';
    result.period = period;
    span = period;
  }
  // Decode every chunk of the span; who got which DPA.
  const owner = new Map<string, number>();
  const hits = new Map<string, number>();
  for (let off = 0; off < span; off += chunk) {
    const hpa = range.base + off;
    const d = decode(t, hpa);
    result.decoded++;
    if (!d.ok) return { ...result, bijective: false, rejected: { hpa, level: d.level, id: d.id, reason: d.reason } };
    const key = `${d.endpoint}\u0000${d.dpa}`;
    const before = owner.get(key);
    if (before !== undefined) return { ...result, bijective: false, collision: { first: before, second: hpa, endpoint: d.endpoint, dpa: d.dpa } };
    owner.set(key, hpa);
    const dk = `${d.endpoint}\u0000${d.decoder}`;
    hits.set(dk, (hits.get(dk) ?? 0) + 1);
  }
  // Every DPA of every endpoint decoder that takes part in the range is reached (in the span, its share).
  for (const [id, ep] of Object.entries(t.endpoints)) {
    ep.decoders.forEach((d, k) => {
      if (result.unreachable) return;
      const overlaps = d.base < range.base + range.size && range.base < d.base + d.size;
      if (!overlaps) return;
      const share = result.method === 'one period' ? span / d.ways : d.size / d.ways;
      const got = hits.get(`${id}\u0000${k}`) ?? 0;
      if (got * chunk === share) return;
      const start = dpaBase(ep, k);
      for (let dpa = start; dpa < start + share; dpa += chunk) {
        if (!owner.has(`${id}\u0000${dpa}`)) {
          result.unreachable = { endpoint: id, decoder: k, dpa };
          return;
        }
      }
    });
  }
  return { ...result, bijective: !result.unreachable };
}

// ---------------------------------------------------------------- regions

export interface RegionCount {
  endpoint: string;
  capacity: number;
  granularity: number;
  regions: number;
}

/** The regions a mapping with one region per interleave stride would need: device size / granularity, per device. */
export function regionCounts(t: Topology): RegionCount[] {
  const g = t.window.granularity;
  return Object.entries(t.endpoints).map(([endpoint, ep]) => {
    const granularity = Math.min(g, ...ep.decoders.map((d) => d.granularity));
    return { endpoint, capacity: ep.capacity, granularity, regions: ep.capacity / granularity };
  });
}

// ---------------------------------------------------------------- a standard topology

export interface StandardTopology {
  ways: number;
  granularity: number;
  deviceSize: number;
  hostBridges?: number;
  base?: number;
}

/**
 * The usual shape: a window `hostBridges`-way across host bridges at `granularity`; each host bridge
 * interleaving its share of the endpoints at the next address bits: `granularity` times the power-of-two
 * part of `hostBridges` (a 3-way window leaves every residue to the bridges' own bits); and `ways`
 * endpoints of `deviceSize`, each decoding `ways`-way at `granularity`. Endpoint `epN` receives the
 * chunks ≡ N (mod ways).
 */
export function standardTopology(s: StandardTopology): Topology {
  const hb = s.hostBridges ?? 1;
  const base = s.base ?? 0;
  const size = s.ways * s.deviceSize;
  const perBridge = s.ways / hb;
  const twos = hb & -hb;
  const hostBridges: Record<string, HdmDecoder> = {};
  for (let h = 0; h < hb; h++) hostBridges[`hb${h}`] = { base, size, ways: perBridge, granularity: s.granularity * twos, targets: [] };
  // Each endpoint is named by the first chunk its host bridge port receives.
  for (let c = 0; c < s.ways; c++) {
    const offset = c * s.granularity;
    const bridge = hostBridges[`hb${targetPosition(offset, hb, s.granularity)}`];
    bridge.targets[targetPosition(offset, perBridge, bridge.granularity)] = `ep${c}`;
  }
  const endpoints: Record<string, Endpoint> = {};
  for (let p = 0; p < s.ways; p++)
    endpoints[`ep${p}`] = { capacity: s.deviceSize, decoders: [{ base, size, ways: s.ways, granularity: s.granularity, skip: 0 }] };
  return { window: { base, size, ways: hb, granularity: s.granularity, targets: Object.keys(hostBridges) }, hostBridges, switches: {}, endpoints };
}

// ---------------------------------------------------------------- explanation

export function hex(n: number): string {
  return '0x' + n.toString(16);
}

/** `2^40`, or the number when it is not a power of two. */
export function powerText(n: number): string {
  return isPowerOf2(n) && n >= 256 ? `2^${Math.log2(n)}` : n.toLocaleString('en-US');
}

/** `4.29 × 10^9`: two decimals, for figures a mail states roughly. */
export function scientific(n: number): string {
  if (n < 1000) return String(n);
  const exp = Math.floor(Math.log10(n));
  const mant = n / 10 ** exp;
  return `${mant.toFixed(2).replace(/\.?0+$/, '')} × 10^${exp}`;
}

const size = (n: number): string => formatBytes(BigInt(n));

export function describeDecoded(d: Decoded, hpa: number): string {
  const route = d.path.map((h) => (h.position === undefined ? h.id : `${h.id} [${h.position}]`)).join(' → ');
  return d.ok
    ? `HPA ${hex(hpa)}: ${route} → DPA ${hex(d.dpa)} of ${d.endpoint}`
    : `HPA ${hex(hpa)}: rejected by ${d.level === 'window' ? 'the window' : `${d.level} ${d.id}`} (${d.reason})${route ? `, after ${route}` : ''}`;
}

export function describeBijection(b: BijectionResult): string {
  const over = `HPA [${hex(b.range.base)}, ${hex(b.range.base + b.range.size)})`;
  const how =
    b.method === 'every chunk'
      ? `decoding all ${b.decoded.toLocaleString('en-US')} chunks of ${b.chunk} B`
      : `decoding one period of ${size(b.period!)} (${b.decoded.toLocaleString('en-US')} chunks of ${b.chunk} B), which repeats over the range`;
  if (b.bijective === null) return `The mapping of ${over} was not checked: ${b.reason}.`;
  if (b.bijective) return `**One-to-one**: ${over} maps onto the endpoints' DPA ranges with no two HPAs on one DPA and no DPA unreachable (${how}).`;
  if (b.rejected)
    return `**Not one-to-one**: HPA ${hex(b.rejected.hpa)} is not decoded: ${b.rejected.level === 'window' ? 'the window' : `${b.rejected.level} ${b.rejected.id}`} rejects it (${b.rejected.reason}).`;
  if (b.collision)
    return `**Not one-to-one**: HPA ${hex(b.collision.first)} and HPA ${hex(b.collision.second)} both land on DPA ${hex(b.collision.dpa)} of ${b.collision.endpoint}.`;
  const u = b.unreachable!;
  return `**Not one-to-one**: DPA ${hex(u.dpa)} of ${u.endpoint} (decoder ${u.decoder}) is never reached from ${over}.`;
}

export function describeRegions(counts: RegionCount[]): string {
  if (!counts.length) return 'No endpoint: no region to count.';
  const same = counts.every((c) => c.capacity === counts[0].capacity && c.granularity === counts[0].granularity);
  const total = counts.reduce((n, c) => n + c.regions, 0);
  const one = counts[0];
  if (same)
    return `A mapping with one region per interleave stride needs, per device, ${size(one.capacity)} / ${one.granularity} B = ${powerText(one.capacity)} / ${powerText(one.granularity)} = **${powerText(one.regions)} ≈ ${scientific(one.regions)} regions**; for the ${counts.length} device${counts.length === 1 ? '' : 's'}, ${scientific(total)}.`;
  return [
    `A mapping with one region per interleave stride needs ${scientific(total)} regions:`,
    '',
    '| endpoint | capacity | granularity | regions |',
    '| --- | --- | --- | --- |',
    ...counts.map((c) => `| ${c.endpoint} | ${size(c.capacity)} | ${c.granularity} B | ${scientific(c.regions)} |`),
  ].join('\n');
}

export function describeTopology(t: Topology): string {
  const rows: string[] = ['| level | id | base | size | ways | granularity | targets |', '| --- | --- | --- | --- | --- | --- | --- |'];
  const routing = (level: string, id: string, d: HdmDecoder): string =>
    `| ${level} | ${id} | ${hex(d.base)} | ${size(d.size)} | ${d.ways} | ${d.granularity} B | ${d.targets.join(', ')} |`;
  rows.push(routing('window', '—', t.window));
  for (const [id, d] of Object.entries(t.hostBridges)) rows.push(routing('host bridge', id, d));
  for (const [id, d] of Object.entries(t.switches)) rows.push(routing('switch', id, d));
  for (const [id, ep] of Object.entries(t.endpoints))
    ep.decoders.forEach((d, k) =>
      rows.push(
        `| endpoint | ${id}${ep.decoders.length > 1 ? ` #${k}` : ''} | ${hex(d.base)} | ${size(d.size)} | ${d.ways} | ${d.granularity} B | DPA from ${hex(dpaBase(ep, k))} (capacity ${size(ep.capacity)}) |`,
      ),
    );
  return rows.join('\n');
}

export interface CxlRun {
  topology: Topology;
  problems: string[];
  bijection: BijectionResult | null;
  regions: RegionCount[];
  decoded: { hpa: number; result: Decoded }[];
}

/** The whole model on a topology: structure, bijection (when the structure allows), regions, and the HPAs asked about. */
export function runCxlInterleave(t: Topology, probes: number[] = []): CxlRun {
  const problems = structuralProblems(t);
  const bijection = problems.length ? null : checkBijection(t);
  return { topology: t, problems, bijection, regions: regionCounts(t), decoded: probes.map((hpa) => ({ hpa, result: decode(t, hpa) })) };
}

export function explainCxlRun(r: CxlRun): string {
  const parts = ['**CXL interleave model** (CXL 2.0 HDM decoders):', '', describeTopology(r.topology), ''];
  if (r.problems.length)
    parts.push(
      `**The configuration is invalid** (${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}):`,
      '',
      ...r.problems.map((p) => `- ${p}`),
      '',
    );
  if (r.bijection) parts.push(describeBijection(r.bijection), '');
  if (r.decoded.length) parts.push(...r.decoded.map((d) => `- ${describeDecoded(d.result, d.hpa)}`), '');
  parts.push(describeRegions(r.regions));
  return parts.join('\n');
}
