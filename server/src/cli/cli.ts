/** @file The command-line front end: argument parsing, file reading, output. All analysis is in the core. */
import * as os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import * as v8 from 'node:v8';
import { Engine, atLeast, DEFAULT_MAX_DOCUMENT_CHARS, type EngineOptions, type RuleSetting } from '../core/engine';
import type { PairTable } from '../core/kernel/pairs';
import type { Finding, Severity } from '../core/findings';
import { loadParser } from '../host/grammar';
import { ingest } from '../core/ingest';
import { inspectSeries } from '../core/output/inspect';
import { toJson, type DocumentFindings } from '../core/output/json';
import { toSarif } from '../core/output/sarif';
import { toText } from '../core/output/text';
import { toGithub } from '../core/output/github';
import { atSourceLines } from '../core/output/source-locations';
import { defaultRules } from '../core/rules';
import { canonicalRuleIds, RULE_ALIASES } from '../core/rules/aliases';
import { TOOL_NAME, TOOL_VERSION } from '../core/version';
import { MODELS, ModelArgumentError, runModel } from '../core/models/registry';
import type { DiskKernelTree } from '../host/disk-tree';
import { Arguments, collectGarbage, nodeIo, openTree, readConfig, readDocument, readInput, UsageError, type Io } from './cli-io';
export { decode, UsageError, type Io } from './cli-io';
import { reply, REPLY_USAGE } from './reply-command';
import { runPool, WorkerFileError, type WorkerReply } from './worker-pool';

const USAGE = `usage:
  mm-review check [--format text|json|sarif|github] [--fail-on error|warning|information|never] [--all]
                  [--rule ID=error|warning|information|hint|off]... [--max-size MIB]
                  [--config FILE | --no-config] [--cpus N] [--pools N] [--tree DIR] [--jobs N|auto]
                  [--location patch|source] FILE...
${REPLY_USAGE}
  mm-review inspect FILE
  mm-review model [NAME [--format text|json] [key=value]...]   (NAME --help: its parameters)
  mm-review rules [--format text|json]
  mm-review lsp --stdio          (the language server)
  mm-review --version | --help

FILE may be - for standard input. check exits 0 when no finding is at or above --fail-on
(default error), 1 otherwise, 2 on bad usage or unreadable input. Pairs and lifecycles added to
the default table are read from --config FILE, else from ./.mm-review.json when there is one.
--cpus and --pools set what per-CPU memory is counted for (default 224 CPUs, 1 pool).
--tree DIR: a kernel checkout; a prototype change is then also checked against the sites the series
does not touch, and each changed file against the pre-image its index line names.
--jobs N: check the files on N threads (auto: one per core); the output is in the files' order.
--location source: each finding on its kernel file's line (the patched file) instead of the patch's,
where it has one: what a pull request's annotations and code scanning show (--format github|sarif).
reply writes the review reply for FILE's findings: a mail per patch with findings, quoting the
patch trimmed to the lines around each finding, a comment under each; to standard output, to
--output FILE (several replies: an mbox), or one .eml each into --output DIR. Nothing is sent.
Findings a reply in the thread already raised are left out unless --include-raised.
model runs one model with the parameters given and prints its result and explanation;
without NAME it lists the models.`;

interface CheckArgs {
  format: 'text' | 'json' | 'sarif' | 'github';
  failOn: Severity | 'never';
  all: boolean;
  rules: Record<string, RuleSetting>;
  maxChars: number | undefined;
  /** A config file named on the command line; null: none at all; undefined: ./.mm-review.json if present. */
  config: string | null | undefined;
  cpus: number | undefined;
  tree: string | undefined;
  pools: number | undefined;
  /** Worker threads the files are checked on (1: this thread). */
  jobs: number;
  /** `source`: findings on the kernel files' lines instead of the patch documents' (see source-locations.ts). */
  location: 'patch' | 'source';
  files: string[];
}

const SEVERITIES = ['error', 'warning', 'information', 'hint'];

function parseCheckArgs(argv: string[]): CheckArgs {
  const a: CheckArgs = {
    format: 'text',
    failOn: 'error',
    all: false,
    rules: {},
    maxChars: undefined,
    config: undefined,
    cpus: undefined,
    pools: undefined,
    tree: undefined,
    jobs: 1,
    location: 'patch',
    files: [],
  };
  const known = new Set([...defaultRules.map((r) => r.id), ...Object.keys(RULE_ALIASES)]);
  const args = new Arguments(argv);
  for (let arg = args.next(); arg !== undefined; arg = args.next()) {
    const name = args.name();
    const value = (): string => args.value();
    if (name === '--format') {
      const v = value();
      if (v !== 'text' && v !== 'json' && v !== 'sarif' && v !== 'github') throw new UsageError(`unknown format ${v}`);
      a.format = v;
    } else if (name === '--fail-on') {
      const v = value();
      if (!['error', 'warning', 'information', 'never'].includes(v)) throw new UsageError(`unknown --fail-on level ${v}`);
      a.failOn = v as CheckArgs['failOn'];
    } else if (name === '--all') a.all = true;
    else if (name === '--rule') {
      const [id, setting] = value().split('=');
      if (!known.has(id)) throw new UsageError(`unknown rule ${id}`);
      if (![...SEVERITIES, 'off'].includes(setting)) throw new UsageError(`--rule ${id}= needs one of ${[...SEVERITIES, 'off'].join(', ')}`);
      a.rules[id] = setting as RuleSetting;
    } else if (name === '--max-size') {
      const mib = Number(value());
      if (!(mib > 0)) throw new UsageError('--max-size takes a size in MiB');
      a.maxChars = Math.floor(mib * 1024 * 1024);
    } else if (name === '--cpus' || name === '--pools') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} takes a positive whole number`);
      if (name === '--cpus') a.cpus = n;
      else a.pools = n;
    } else if (name === '--jobs') {
      const v = value();
      const n = v === 'auto' ? os.availableParallelism() : Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError('--jobs takes a whole number from 1 to 256, or auto');
      a.jobs = n;
    } else if (name === '--location') {
      const v = value();
      if (v !== 'patch' && v !== 'source') throw new UsageError('--location takes patch or source');
      a.location = v;
    } else if (name === '--config') a.config = value();
    else if (name === '--tree') a.tree = value();
    else if (arg === '--no-config') a.config = null;
    else if (arg === '-' || !arg.startsWith('-')) a.files.push(arg);
    else throw new UsageError(`unknown option ${arg}`);
  }
  if (a.files.length === 0) throw new UsageError('check needs at least one FILE (or - for standard input)');
  return a;
}

/** What a check of one file needs besides the file: plain data, so that a worker thread can be given it. */
interface CheckJob {
  rules: Record<string, RuleSetting>;
  maxChars: number | undefined;
  pairs: Partial<PairTable> | undefined;
  all: boolean;
  footprint: { cpus: number | undefined; pools: number | undefined };
  tree: string | undefined;
}

interface FileResult {
  doc: DocumentFindings;
  patches: number;
}

function engineOptions(job: CheckJob, tree: DiskKernelTree | undefined): EngineOptions {
  return { rules: job.rules, maxDocumentChars: job.maxChars, pairs: job.pairs, findings: job.all ? 'all' : 'introduced', footprint: job.footprint, tree };
}

/** One document: read (its size checked first), analysed, then let go. */
function checkFile(io: Io, engine: Engine, file: string, job: CheckJob, tree: DiskKernelTree | undefined): FileResult {
  const path = file === '-' ? '<stdin>' : file;
  const limit = job.maxChars ?? DEFAULT_MAX_DOCUMENT_CHARS;
  const input = readDocument(io, file, limit);
  const analysis = 'text' in input ? engine.analyzeDocument(input.text, engineOptions(job, tree), collectGarbage) : engine.refuse(path, input.over, limit);
  return { doc: { path, findings: analysis.findings.filter((f: Finding) => job.all || f.origin === 'introduced') }, patches: analysis.patches };
}

/** How the command line was started: the script a `--jobs` worker runs (the bundle itself). */
export interface CliHost {
  workerScript?: string;
}

async function check(io: Io, argv: string[], host: CliHost): Promise<number> {
  const args = parseCheckArgs(argv);
  const renamed = canonicalRuleIds(args.rules);
  args.rules = renamed.settings;
  for (const d of renamed.deprecated) io.stderr(`mm-review: --rule: ${d}\n`);
  const job: CheckJob = {
    rules: args.rules,
    maxChars: args.maxChars,
    pairs: readConfig(io, args.config),
    all: args.all,
    footprint: { cpus: args.cpus, pools: args.pools },
    tree: args.tree,
  };
  // Opened here in any case: a --tree that is no directory is bad usage before any file is read.
  const tree = args.tree !== undefined ? openTree(args.tree) : undefined;
  // Threads only for files a thread can read itself (not standard input), and only when there is more than one.
  const threads = host.workerScript && !args.files.includes('-') ? Math.min(args.jobs, args.files.length) : 1;
  let results: FileResult[];
  if (threads > 1) {
    try {
      results = await runPool<FileResult>(host.workerScript!, { mmReviewCheck: job }, args.files, threads);
    } catch (e) {
      if (e instanceof WorkerFileError && e.usage) throw new UsageError(e.message);
      throw e;
    }
  } else {
    const engine = new Engine(await loadParser());
    results = args.files.map((file) => checkFile(io, engine, file, job, tree));
  }
  const checked = results.map((r) => r.doc);
  const docs = args.location === 'source' ? atSourceLines(checked) : checked;
  const patches = results.reduce((n, r) => n + r.patches, 0);
  if (args.format === 'json') io.stdout(toJson(docs) + '\n');
  // The rules an Engine runs by default: the workers' engines and this thread's alike.
  else if (args.format === 'sarif') io.stdout(JSON.stringify(toSarif(docs, defaultRules), null, 2) + '\n');
  else if (args.format === 'github') io.stdout(toGithub(docs, patches, checked.length));
  else io.stdout(toText(docs, patches, checked.length));
  if (args.failOn === 'never') return 0;
  const threshold = args.failOn;
  return docs.some((d) => d.findings.some((f) => atLeast(f.severity, threshold))) ? 1 : 0;
}

/** A `--jobs` worker thread: checks the files it is handed, one at a time, until it is let go. */
export async function checkWorker(): Promise<void> {
  const job = (workerData as { mmReviewCheck: CheckJob }).mmReviewCheck;
  const engine = new Engine(await loadParser());
  let tree: DiskKernelTree | undefined;
  parentPort!.on('message', (m: { index: number; file: string }) => {
    let reply: WorkerReply<FileResult>;
    try {
      tree ??= job.tree !== undefined ? openTree(job.tree) : undefined;
      reply = { index: m.index, result: checkFile(nodeIo, engine, m.file, job, tree) };
    } catch (e) {
      reply = { index: m.index, error: (e as Error).message, usage: e instanceof UsageError };
    }
    parentPort!.postMessage(reply);
  });
}

function inspect(io: Io, argv: string[]): number {
  if (argv.length !== 1) throw new UsageError('inspect takes exactly one FILE');
  io.stdout(JSON.stringify(inspectSeries(ingest(readInput(io, argv[0]))), null, 2) + '\n');
  return 0;
}

function modelHelp(id: string): string {
  const m = MODELS.find((x) => x.id === id)!;
  const width = Math.max(...m.params.map((p) => p.name.length));
  const params = m.params.map(
    (p) => `  ${p.name.padEnd(width)}  ${p.description}${p.default !== undefined ? ` (default ${p.default})` : p.optional ? ' (optional)' : ' (required)'}`,
  );
  return [`${m.id}: ${m.summary}`, '', 'parameters:', ...params, '', `example: ${m.example}`].join('\n') + '\n';
}

async function model(io: Io, argv: string[]): Promise<number> {
  const [id, ...rest] = argv;
  if (id === undefined || id === '--help' || id === '-h') {
    const width = Math.max(...MODELS.map((m) => m.id.length));
    io.stdout(MODELS.map((m) => `${m.id.padEnd(width)}  ${m.summary}`).join('\n') + '\n');
    return 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    if (!MODELS.some((m) => m.id === id)) throw new UsageError(`unknown model ${id} (models: ${MODELS.map((m) => m.id).join(', ')})`);
    io.stdout(modelHelp(id));
    return 0;
  }
  let format = 'text';
  let svgFile: string | null = null;
  const params: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--format') format = rest[++i] ?? '';
    else if (rest[i].startsWith('--format=')) format = rest[i].slice('--format='.length);
    else if (rest[i] === '--svg') svgFile = rest[++i] ?? '';
    else if (rest[i].startsWith('--svg=')) svgFile = rest[i].slice('--svg='.length);
    else params.push(rest[i]);
  }
  if (svgFile === '') throw new UsageError('model --svg takes a FILE');
  if (format !== 'text' && format !== 'json') throw new UsageError(`model --format takes text or json`);
  const parser = await loadParser();
  const engine = new Engine(parser);
  try {
    const out = runModel(id, params, {
      parser,
      analyse: (path) => engine.analyze(readInput(io, path), { findings: 'all' }).parsed!,
      read: (path) => readInput(io, path),
    });
    io.stdout(format === 'json' ? JSON.stringify({ model: id, result: out.data }, null, 2) + '\n' : out.text + '\n');
    if (svgFile !== null) {
      if (!out.svg) throw new UsageError(`model ${id} draws no picture for this run`);
      io.writeFile(svgFile, out.svg + '\n');
    }
    return 0;
  } catch (e) {
    if (e instanceof ModelArgumentError) throw new UsageError(e.message);
    throw e;
  }
}

function rules(io: Io, argv: string[]): number {
  const json = argv.includes('--format=json') || (argv[0] === '--format' && argv[1] === 'json');
  if (json) {
    io.stdout(
      JSON.stringify(
        defaultRules.map((r) => ({ id: r.id, severity: r.meta.defaultSeverity, confidence: r.meta.confidence, summary: r.meta.summary })),
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const width = Math.max(...defaultRules.map((r) => r.id.length));
  for (const r of defaultRules) io.stdout(`${r.id.padEnd(width)}  ${r.meta.defaultSeverity.padEnd(11)}  ${r.meta.summary}\n`);
  return 0;
}

export async function main(argv: string[], io: Io = nodeIo, host: CliHost = {}): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'check':
        return await check(io, rest, host);
      case 'inspect':
        return inspect(io, rest);
      case 'reply':
        return await reply(io, rest);
      case 'rules':
        return rules(io, rest);
      case 'model':
        return await model(io, rest);
      case 'lsp': {
        if (rest.length !== 1 || !['--stdio', '--node-ipc'].includes(rest[0])) throw new UsageError('lsp takes --stdio (or --node-ipc)');
        // A server lives long: its grammar gets TurboFan after all (the launcher set Liftoff only for short runs).
        v8.setFlagsFromString('--no-liftoff-only');
        // Loaded only here, so `check` does not pay for the language server.
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, which a static import would undo
        const { startServer } = require('../lsp/node-main') as typeof import('../lsp/node-main');
        startServer();
        return new Promise<number>(() => undefined); // serves until the client exits the process
      }
      case '--version':
      case '-v':
        io.stdout(`${TOOL_NAME} ${TOOL_VERSION}\n`);
        return 0;
      case '--help':
      case '-h':
      case undefined:
        io.stdout(USAGE + '\n');
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`mm-review: ${e.message}\n${['check', 'inspect', 'model', 'reply'].includes(command) ? '' : USAGE + '\n'}`);
      return 2;
    }
    throw e;
  }
}
