/**
 * @file Every model, runnable by name with `key=value` parameters (`mm-review model gmem-alignment
 * base_gfn=2 npages=2048 pgoff=0 hpage=2M`): its parameters, their defaults, and how a run is printed.
 * Models that execute a patch's C take `patch=FILE`; the host reads and analyses it. A new model is one
 * entry here, one doc in docs/models/, and its test (the parity test holds every model to that).
 */
import type { ParsedSeries } from '../c/syntax/parsed';
import type { CParser } from '../c/syntax/parser';
import { readSnippet } from '../c/syntax/snippet-reader';
import { PairIndex, mergeTable } from '../kernel/pairs';
import { DEFAULT_FOOTPRINT } from '../engine';
import * as throughput from './batch-throughput';
import * as bo from './bo-purgeability';
import * as cxl from './cxl-interleave';
import * as gmem from './gmem-alignment';
import * as unwind from './unwind';
import * as vmemmap from './vmemmap';
import { purgeabilityInputs } from './bo-purgeability-input';
import type { AnalysisConfig } from '../config';
import { describePath, listNames, unwindRuns } from './unwind-runs';

export interface ModelParam {
  name: string;
  description: string;
  /** Shown in help; absent: the parameter is required (or optional with no default, when `optional`). */
  default?: string;
  optional?: boolean;
}

/** What a model run needs from its host: the parser, and a patch file read and analysed. */
export interface ModelHost {
  parser: CParser;
  /** The document at `path`, analysed (the CLI reads it; the core never touches files). */
  analyse(path: string): ParsedSeries;
  /** The text of the file at `path` (a topology, for the CXL model). */
  read(path: string): string;
}

export interface ModelOutput {
  /** Markdown: the result and how the model reached it. */
  text: string;
  /** The result as data, for `--format json`. */
  data: unknown;
}

export interface ModelEntry {
  id: string;
  summary: string;
  params: ModelParam[];
  /** A command line that shows what the model does. */
  example: string;
  run(args: ReadonlyMap<string, string>, host: ModelHost): ModelOutput;
}

/** A parameter the model cannot use: the CLI prints it as a usage error. */
export class ModelArgumentError extends Error {}

const SIZE_UNITS: Record<string, bigint> = { '': 1n, K: 1n << 10n, M: 1n << 20n, G: 1n << 30n, T: 1n << 40n };

/** `8192`, `0x2000`, `8K`, `4M+16K`, `2MiB`: a size or address in bytes. */
export function parseSize(text: string, what: string): bigint {
  let total = 0n;
  for (const part of text.split('+')) {
    const m = /^\s*(0x[0-9a-f]+|\d+)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(part);
    if (!m) throw new ModelArgumentError(`${what}=${text}: not a size (use 8192, 0x2000, 8K, 4M+16K)`);
    total += BigInt(m[1]) * SIZE_UNITS[m[2].toUpperCase()];
  }
  return total;
}

/** A whole number: decimal or hex. */
export function parseCount(text: string, what: string): bigint {
  if (!/^(?:0x[0-9a-f]+|\d+)$/i.test(text.trim())) throw new ModelArgumentError(`${what}=${text}: not a whole number`);
  return BigInt(text.trim());
}

function smallInt(text: string, what: string, max: number): number {
  const n = Number(parseCount(text, what));
  if (n < 1 || n > max) throw new ModelArgumentError(`${what}=${text}: must be between 1 and ${max}`);
  return n;
}

const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));

/** The analysis settings models use outside an editor: the default pair table, every finding. */
function defaultConfig(): AnalysisConfig {
  return { pairs: new PairIndex(mergeTable(undefined)), pairsKey: '{}', findings: 'all', footprint: { ...DEFAULT_FOOTPRINT } };
}

function patchOf(args: ReadonlyMap<string, string>, host: ModelHost): ParsedSeries {
  const path = args.get('patch');
  if (!path) throw new ModelArgumentError('patch=FILE is required: the model runs that patch’s code');
  return host.analyse(path);
}

/** A binding check written on the command line: statements, the last one the check. */
function checkFrom(text: string, parser: CParser): gmem.BindingCheck {
  const stmts = readSnippet(parser, /[;}]\s*$/.test(text) ? text : `${text};`);
  const last = stmts?.[stmts.length - 1];
  if (!stmts || !last) throw new ModelArgumentError(`check=${text}: not a C expression or statements`);
  if (last.kind === 'expr') return { setup: stmts.slice(0, -1), condition: last.expression, acceptsWhen: true };
  if (last.kind === 'if') return { setup: stmts.slice(0, -1), condition: last.condition, acceptsWhen: false };
  throw new ModelArgumentError('check= must end with the check: an expression that holds for an accepted binding, or `if (…) return -EINVAL;`');
}

const gmemAlignment: ModelEntry = {
  id: gmem.MODEL_ID,
  summary: 'guest_memfd huge-page binding: lpage_info ranges, the folio of each GFN, huge mappings that span two folios; runs a binding check over a grid',
  params: [
    { name: 'base_gfn', description: 'first GFN of the memslot', default: '2' },
    { name: 'npages', description: 'pages in the memslot', default: '2048' },
    { name: 'pgoff', description: 'file offset of the binding, in pages', default: '0' },
    { name: 'hpage', description: 'huge page size: 2M or 1G', default: '2M' },
    { name: 'gpa', description: 'guest physical addresses to locate, comma-separated (4M,4M+16K)', optional: true },
    { name: 'check', description: 'a binding check in C, run over a grid of bindings (offset is in bytes, pgoff in pages)', optional: true },
  ],
  example: 'mm-review model gmem-alignment base_gfn=2 npages=2048 pgoff=0 hpage=2M gpa=4M,4M+16K',
  run(args, host) {
    const hpage = parseSize(args.get('hpage') ?? '2M', 'hpage');
    const binding: gmem.GmemBinding = {
      baseGfn: parseCount(args.get('base_gfn') ?? '2', 'base_gfn'),
      npages: parseCount(args.get('npages') ?? '2048', 'npages'),
      pgoff: parseCount(args.get('pgoff') ?? '0', 'pgoff'),
      hpage,
    };
    const invalid = gmem.validateBinding(binding);
    if (invalid) throw new ModelArgumentError(invalid);
    const probe = (args.get('gpa') ?? '')
      .split(',')
      .filter((g) => g.trim())
      .map((g) => parseSize(g, 'gpa') >> gmem.PAGE_SHIFT);
    const result = gmem.runGmemAlignment(binding, { probe });
    const parts = [gmem.explainAlignment(result)];
    let verdict: gmem.CheckVerdict | null = null;
    const checkText = args.get('check');
    if (checkText) {
      verdict = gmem.evaluateCheck(checkFrom(checkText, host.parser), gmem.hpagesOf([checkText]));
      parts.push('', `**Binding check** \`${checkText}\`: ${gmem.explainVerdict(verdict, 'the check')}`);
    }
    return {
      text: parts.join('\n'),
      data: json({
        ...result,
        check: verdict && {
          sound: verdict.sound,
          acceptsBroken: verdict.acceptsBroken,
          rejectsSound: verdict.rejectsSound,
          undecided: verdict.undecided.length,
        },
      }),
    };
  },
};

const batchThroughput: ModelEntry = {
  id: throughput.MODEL_ID,
  summary: 'Batched compression of a folio on parallel engines: time and speed-up for each batch size',
  params: [
    { name: 'engines', description: 'compress engines working in parallel', default: String(throughput.COMPRESS_ENGINES) },
    { name: 'pages', description: 'pages in the folio', default: String(throughput.FOLIO_PAGES) },
  ],
  example: 'mm-review model batch-throughput engines=8 pages=16',
  run(args) {
    const engines = smallInt(args.get('engines') ?? String(throughput.COMPRESS_ENGINES), 'engines', 1024);
    const pages = smallInt(args.get('pages') ?? String(throughput.FOLIO_PAGES), 'pages', 1 << 18);
    const rows: { n: number; time: number }[] = [];
    for (let n = 1; n <= pages; n *= 2) rows.push({ n, time: throughput.batchTime(pages, n, engines) });
    return { text: throughput.throughputTable(engines, pages), data: { engines, pages, rows } };
  },
};

const boPurgeability: ModelEntry = {
  id: bo.MODEL_ID,
  summary: 'The xe BO purgeability state machine, run as a patch writes it against the code it replaces',
  params: [
    { name: 'patch', description: 'the patch or series (mbox) whose code the model runs' },
    { name: 'bound', description: 'longest event sequence explored', default: String(bo.DEFAULT_BOUND) },
  ],
  example: 'mm-review model bo-purgeability patch=xe-purgeable.mbox bound=6',
  run(args, host) {
    const bound = smallInt(args.get('bound') ?? String(bo.DEFAULT_BOUND), 'bound', 9);
    const inputs = purgeabilityInputs(patchOf(args, host), bound);
    if (!inputs.length)
      return { text: 'The patch does not touch the BO purgeability helpers or the VMA walk they replace: nothing to run.', data: { runs: [] } };
    const runs = inputs.map((input) => bo.runPurgeabilityModel(input));
    const text = runs.flatMap((r, i) => [
      ...(runs.length > 1 ? [`### Run ${i + 1}`, ''] : []),
      r.issues.length
        ? `**${r.issues.length} ${r.issues.length === 1 ? 'issue' : 'issues'}:**`
        : '**No issue**: the patched code agrees with the code before it on every sequence.',
      '',
      ...r.issues.flatMap((issue) => [
        `- ${issue.world === 'new' ? 'the patched code' : 'the code before the patch'}${issue.inBoth ? ' (and the other side too)' : ''}, ${issue.severity}: ${bo.describeIssue(issue)}`,
        '',
        bo.explainTable(issue),
        '',
      ]),
      bo.explainRun(r),
      '',
    ]);
    return {
      text: text.join('\n').trim(),
      data: json(
        runs.map((r) => ({
          bound: r.bound,
          events: r.events,
          states: r.exploration.states,
          issues: r.issues.map((i) => ({ kind: i.kind, world: i.world, severity: i.severity, message: bo.describeIssue(i) })),
        })),
      ),
    };
  },
};

const unwindModel: ModelEntry = {
  id: unwind.MODEL_ID,
  summary: 'Failure injection: every allocation of a function failing in turn, the unwind path followed to the return',
  params: [
    { name: 'patch', description: 'the patch or series (mbox) whose functions the model runs' },
    { name: 'function', description: 'run only this function', optional: true },
  ],
  example: 'mm-review model unwind patch=zswap-batching.mbox function=zswap_cpu_comp_prepare',
  run(args, host) {
    const only = args.get('function');
    const sets = unwindRuns(patchOf(args, host), defaultConfig()).filter((s) => !only || s.target === only);
    if (!sets.length)
      return {
        text: only ? `\`${only}()\` is not a function of the patch that allocates.` : 'No function of the patch allocates: nothing to run.',
        data: { runs: [] },
      };
    const lines: string[] = [];
    for (const s of sets) {
      const r = s.result;
      lines.push(
        `**\`${s.target}()\`**, ${s.side === 'new' ? 'as patched' : 'before the patch'}${s.teardown ? `, with its teardown \`${s.teardown}()\`` : ''}: ${r.runs} runs${r.stopped ? ` (stopped: ${r.stopped})` : ''}, ${r.issues.length ? `${r.issues.length} ${r.issues.length === 1 ? 'issue' : 'issues'}` : 'no issue'}.`,
      );
      for (const issue of r.issues) {
        const failing = issue.failure ? `when \`${issue.failure.call}()\` fails: ` : '';
        lines.push(`- ${issue.kind}: ${failing}${listNames(issue.resources)}${issue.path.length ? ` along ${describePath(s, issue)}` : ''}`);
      }
      lines.push('');
    }
    return {
      text: lines.join('\n').trim(),
      data: json(
        sets.map((s) => ({
          target: s.target,
          side: s.side,
          teardown: s.teardown,
          runs: s.result.runs,
          stopped: s.result.stopped,
          issues: s.result.issues.map((i) => ({ kind: i.kind, call: i.failure?.call ?? null, resources: i.resources })),
        })),
      ),
    };
  },
};

/** A byte count the model can compute with exactly (a double holds integers up to 2^53). */
function exactSize(text: string, what: string): number {
  const v = parseSize(text, what);
  if (v > 1n << 52n) throw new ModelArgumentError(`${what}=${text}: too large (at most 4 PiB)`);
  return Number(v);
}

/** A topology from JSON: sizes and addresses as numbers or as size strings (`"256M"`, `"0x4000000000"`). */
export function topologyFromJson(text: string): cxl.Topology {
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
  const routing = (v: unknown, what: string): cxl.HdmDecoder => {
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
  const endpoint = (v: unknown, what: string): cxl.Endpoint => {
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

const cxlInterleave: ModelEntry = {
  id: cxl.MODEL_ID,
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
  run(args, host) {
    let topology: cxl.Topology;
    const file = args.get('topology');
    if (file) {
      for (const k of ['ways', 'granularity', 'devices', 'device_size', 'host_bridges', 'base'])
        if (args.has(k)) throw new ModelArgumentError(`${k}= describes a standard topology: give it or topology=FILE, not both`);
      topology = topologyFromJson(host.read(file));
    } else {
      const ways = Number(parseCount(args.get('ways') ?? '16', 'ways'));
      if (!cxl.VALID_WAYS.includes(ways)) throw new ModelArgumentError(`ways=${ways}: CXL 2.0 allows 1, 2, 4, 8, 16, 3, 6, 12`);
      const devices = args.has('devices') ? Number(parseCount(args.get('devices')!, 'devices')) : ways;
      if (devices !== ways)
        throw new ModelArgumentError(`devices=${devices}: a standard topology has one endpoint per way (${ways}); describe others with topology=FILE`);
      const granularity = exactSize(args.get('granularity') ?? '256', 'granularity');
      if (!cxl.VALID_GRANULARITIES.includes(granularity)) throw new ModelArgumentError(`granularity=${granularity}: CXL 2.0 allows 256 to 16K, powers of two`);
      const hostBridges = Number(parseCount(args.get('host_bridges') ?? '1', 'host_bridges'));
      if (hostBridges < 1 || ways % hostBridges !== 0 || !cxl.VALID_WAYS.includes(hostBridges) || !cxl.VALID_WAYS.includes(ways / hostBridges))
        throw new ModelArgumentError(`host_bridges=${hostBridges}: must divide ${ways} ways into an allowed number per host bridge`);
      topology = cxl.standardTopology({
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
    const run = cxl.runCxlInterleave(topology, probes);
    return { text: cxl.explainCxlRun(run), data: json({ problems: run.problems, bijection: run.bijection, regions: run.regions, decoded: run.decoded }) };
  },
};

const vmemmapModel: ModelEntry = {
  id: vmemmap.MODEL_ID,
  summary: "The vmemmap of a memory range per architecture: struct page bytes, base or PMD mappings, and what a pgmap's compound pages save",
  params: [
    { name: 'arch', description: `architecture (${vmemmap.ARCHES.map((a) => a.id).join(', ')})`, default: 'x86_64' },
    { name: 'size', description: 'memory in the range', default: '128M' },
    { name: 'shift', description: "a pgmap's vmemmap_shift: compound pages of 2^shift pages (0: no pgmap)", default: '0' },
    { name: 'altmap', description: '1: the range holds its own vmemmap (an altmap)', default: '0' },
    { name: 'pse', description: 'x86_64: 0 for a CPU without PSE', default: '1' },
    { name: 'levels', description: 'loongarch64: page-table levels', default: '3' },
    { name: 'edat1', description: 's390: 0 for a machine without EDAT1 (no 1 MB frames)', default: '1' },
  ],
  example: 'mm-review model vmemmap arch=x86_64 size=1G shift=9',
  run(args) {
    const id = args.get('arch') ?? 'x86_64';
    const arch = vmemmap.archById(id);
    if (!arch) throw new ModelArgumentError(`arch=${id}: not modelled (${vmemmap.ARCHES.map((a) => a.id).join(', ')})`);
    const size = exactSize(args.get('size') ?? '128M', 'size');
    if (size < arch.pageSize || size % arch.pageSize !== 0)
      throw new ModelArgumentError(`size=${args.get('size')}: must be a whole number of ${arch.pageSize}-byte pages`);
    const shift = Number(parseCount(args.get('shift') ?? '0', 'shift'));
    if (shift > 30) throw new ModelArgumentError(`shift=${shift}: at most 30`);
    const flag = (name: string, text: string | undefined, dflt: string): boolean => {
      const v = text ?? dflt;
      if (v !== '0' && v !== '1') throw new ModelArgumentError(`${name}=${v}: 0 or 1`);
      return v === '1';
    };
    const features = new Set<string>();
    if (flag('pse', args.get('pse'), '1')) features.add('pse');
    if (flag('edat1', args.get('edat1'), '1')) features.add('edat1');
    const levels = Number(parseCount(args.get('levels') ?? '3', 'levels'));
    if (levels === 2) features.add('2-level');
    const result = vmemmap.runVmemmap({ arch, size, shift: shift || null, altmap: flag('altmap', args.get('altmap'), '0'), features });
    return { text: vmemmap.explainVmemmap(result), data: json({ ...result, input: { ...result.input, arch: arch.id, features: [...features] } }) };
  },
};

export const MODELS: ModelEntry[] = [gmemAlignment, batchThroughput, boPurgeability, unwindModel, cxlInterleave, vmemmapModel];

/** Runs a model by name with `key=value` arguments; unknown models and parameters are usage errors. */
export function runModel(id: string, argv: string[], host: ModelHost): ModelOutput {
  const entry = MODELS.find((m) => m.id === id);
  if (!entry) throw new ModelArgumentError(`unknown model ${id} (models: ${MODELS.map((m) => m.id).join(', ')})`);
  const args = new Map<string, string>();
  for (const a of argv) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new ModelArgumentError(`${a}: parameters are key=value`);
    const key = a.slice(0, eq);
    if (!entry.params.some((p) => p.name === key))
      throw new ModelArgumentError(`${entry.id} has no parameter ${key} (it takes ${entry.params.map((p) => p.name).join(', ')})`);
    args.set(key, a.slice(eq + 1));
  }
  return entry.run(args, host);
}
