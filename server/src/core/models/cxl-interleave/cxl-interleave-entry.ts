/** @file The cxl-interleave model's entry: `mm-review model cxl-interleave`, a standard topology or one from a JSON file. */
import { exactSize, json, ModelArgumentError, parseCount, type ModelEntry, type ModelHover } from '../model';
import {
  explainCxlRun,
  MODEL_ID,
  runCxlInterleave,
  standardTopology,
  VALID_GRANULARITIES,
  VALID_WAYS,
  type Endpoint,
  type HdmDecoder,
  type Topology,
} from './hdm-decoder';
import { decodeMap } from './cxl-interleave-picture';

/** A topology from JSON: sizes and addresses as numbers or as size strings (`"256M"`, `"0x4000000000"`). */
export function topologyFromJson(text: string): Topology {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ModelArgumentError(`topology: not JSON (${(e as Error).message})`);
  }
  const num = (v: unknown, what: string): number => {
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
    if (typeof v === 'string') return exactSize(v, what);
    throw new ModelArgumentError(`topology: ${what} must be a size or a whole number`);
  };
  const obj = (v: unknown, what: string): Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ModelArgumentError(`topology: ${what} must be an object`);
    return v as Record<string, unknown>;
  };
  const routing = (v: unknown, what: string): HdmDecoder => {
    const d = obj(v, what);
    if (!Array.isArray(d.targets) || !d.targets.every((x) => typeof x === 'string'))
      throw new ModelArgumentError(`topology: ${what}.targets must be a list of ids`);
    return {
      base: num(d.base ?? 0, `${what}.base`),
      size: num(d.size, `${what}.size`),
      ways: num(d.ways, `${what}.ways`),
      granularity: num(d.granularity, `${what}.granularity`),
      targets: d.targets as string[],
    };
  };
  const t = obj(raw, 'the topology');
  const group = <T>(v: unknown, what: string, read: (x: unknown, w: string) => T): Record<string, T> =>
    Object.fromEntries(Object.entries(obj(v ?? {}, what)).map(([id, x]) => [id, read(x, `${what}.${id}`)]));
  const endpoint = (v: unknown, what: string): Endpoint => {
    const e = obj(v, what);
    if (!Array.isArray(e.decoders)) throw new ModelArgumentError(`topology: ${what}.decoders must be a list`);
    return {
      capacity: num(e.capacity, `${what}.capacity`),
      decoders: e.decoders.map((x, k) => {
        const d = obj(x, `${what}.decoders[${k}]`);
        return {
          base: num(d.base ?? 0, 'base'),
          size: num(d.size, 'size'),
          ways: num(d.ways, 'ways'),
          granularity: num(d.granularity, 'granularity'),
          skip: num(d.skip ?? 0, 'skip'),
        };
      }),
    };
  };
  const region =
    t.region === undefined ? undefined : { base: num(obj(t.region, 'region').base, 'region.base'), size: num(obj(t.region, 'region').size, 'region.size') };
  return {
    window: routing(t.window, 'window'),
    hostBridges: group(t.hostBridges, 'hostBridges', routing),
    switches: group(t.switches, 'switches', routing),
    endpoints: group(t.endpoints, 'endpoints', endpoint),
    region,
  };
}

/** Encoders and decoders of interleave ways and granularity, HDM decoder set-up, and address translation. */
const CXL_FUNCTION =
  /^(?:cxl_)?(?:eiw_to_ways|eig_to_granularity|ways_to_eiw|granularity_to_eig)$|^cxl_interleave_(?:ways|granularity)_enc$|^cxl_(?:decode|hdm|dpa_to_hpa|hpa_to_dpa|calc_interleave_pos|region_attach|cfmws)\w*$|^cxl_(?:decoder|fmws?)_\w*(?:interleave|target)\w*$/;

/** On those names in a hunk: the spec's encodings and what the model decodes, with the panel a link away. */
function hover(word: string): ModelHover | null {
  if (!CXL_FUNCTION.test(word)) return null;
  return {
    markdown: [
      `**CXL HDM decoding** behind \`${word}()\`: ways are encoded 0–4 → 1, 2, 4, 8, 16 and 8–10 → 3, 6, 12; granularity 0–6 → 256 B … 16 KiB (CXL 2.0). A window interleaves host addresses over host bridges, each bridge over its ports, and an endpoint drops the interleave bits to get its DPA.`,
      '',
      'The model decodes any HPA to (device, DPA) for a topology and checks that the set-up is a bijection: no two HPAs on one DPA, no DPA unreachable.',
    ].join('\n'),
    args: { ways: '4', granularity: '256', device_size: '256M' },
  };
}

export const cxlInterleaveEntry: ModelEntry = {
  id: MODEL_ID,
  summary:
    'CXL 2.0 HDM decoders: an HPA decoded to (endpoint, DPA) or the level that rejects it; checks the window maps one-to-one onto the DPAs; counts one-region-per-stride regions',
  params: [
    { name: 'topology', description: 'a topology in a JSON file (window, hostBridges, switches, endpoints); instead of the parameters below', optional: true },
    { name: 'ways', description: 'interleave ways of the whole set (1, 2, 4, 8, 16, 3, 6, 12)', default: '16' },
    { name: 'granularity', description: 'interleave granularity (256 to 16K)', default: '256' },
    { name: 'devices', description: 'endpoints; equal to ways', default: 'ways' },
    { name: 'device_size', description: 'memory per endpoint', default: '256M' },
    { name: 'host_bridges', description: 'host bridges the window interleaves across', default: '1' },
    { name: 'base', description: 'HPA where the window starts', default: '0' },
    { name: 'hpa', description: 'host physical addresses to decode, comma-separated', optional: true },
  ],
  example: 'mm-review model cxl-interleave ways=16 granularity=256 device_size=1T host_bridges=2 hpa=0x1000,0x10012c',
  hover,
  run(args, host) {
    let topology: Topology;
    const file = args.get('topology');
    if (file) {
      for (const k of ['ways', 'granularity', 'devices', 'device_size', 'host_bridges', 'base'])
        if (args.has(k)) throw new ModelArgumentError(`${k}= describes a standard topology: give it or topology=FILE, not both`);
      topology = topologyFromJson(host.read(file));
    } else {
      const ways = Number(parseCount(args.get('ways') ?? '16', 'ways'));
      if (!VALID_WAYS.includes(ways)) throw new ModelArgumentError(`ways=${ways}: CXL 2.0 allows 1, 2, 4, 8, 16, 3, 6, 12`);
      const devices = args.has('devices') ? Number(parseCount(args.get('devices')!, 'devices')) : ways;
      if (devices !== ways)
        throw new ModelArgumentError(`devices=${devices}: a standard topology has one endpoint per way (${ways}); describe others with topology=FILE`);
      const granularity = exactSize(args.get('granularity') ?? '256', 'granularity');
      if (!VALID_GRANULARITIES.includes(granularity)) throw new ModelArgumentError(`granularity=${granularity}: CXL 2.0 allows 256 to 16K, powers of two`);
      const hostBridges = Number(parseCount(args.get('host_bridges') ?? '1', 'host_bridges'));
      if (hostBridges < 1 || ways % hostBridges !== 0 || !VALID_WAYS.includes(hostBridges) || !VALID_WAYS.includes(ways / hostBridges))
        throw new ModelArgumentError(`host_bridges=${hostBridges}: must divide ${ways} ways into an allowed number per host bridge`);
      topology = standardTopology({
        ways,
        granularity,
        deviceSize: exactSize(args.get('device_size') ?? '256M', 'device_size'),
        hostBridges,
        base: exactSize(args.get('base') ?? '0', 'base'),
      });
    }
    const probes = (args.get('hpa') ?? '')
      .split(',')
      .filter((h) => h.trim())
      .map((h) => exactSize(h, 'hpa'));
    const run = runCxlInterleave(topology, probes);
    return {
      text: explainCxlRun(run),
      // A configuration whose structure is invalid is not decoded: no picture.
      ...(run.problems.length ? {} : { svg: decodeMap(run) }),
      data: json({ problems: run.problems, bijection: run.bijection, regions: run.regions, decoded: run.decoded }),
    };
  },
};
