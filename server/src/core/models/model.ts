/**
 * @file What a model offers the rest of the tool: its entry (id, summary, parameters, how a run from the
 * command line reads its arguments and prints its result, and optionally a hover on the names it models),
 * and the argument readers entries share. Each model folder exports its entry; registry.ts lists them.
 */
import type { ParsedSeries } from '../c/syntax/parsed';
import type { CParser } from '../c/syntax/parser';
import { DEFAULT_FOOTPRINT, type AnalysisConfig } from '../config';
import { PairIndex, mergeTable } from '../kernel/pairs';

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
  /** The result as a picture, for `--svg FILE` (models that draw one). */
  svg?: string;
}

export interface ModelEntry {
  id: string;
  summary: string;
  params: ModelParam[];
  /** A command line that shows what the model does. */
  example: string;
  run(args: ReadonlyMap<string, string>, host: ModelHost): ModelOutput;
  /**
   * What the model says about a name a reviewer hovers in a hunk (a function it models), in markdown, and
   * the arguments that run it for that place (the panel's starting point); null when it has nothing to
   * say. `path` is the hunk's file.
   */
  hover?(word: string, where: { path: string | null }): ModelHover | null;
}

export interface ModelHover {
  markdown: string;
  args: Record<string, string>;
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

export function smallInt(text: string, what: string, max: number): number {
  const n = Number(parseCount(text, what));
  if (n < 1 || n > max) throw new ModelArgumentError(`${what}=${text}: must be between 1 and ${max}`);
  return n;
}

export const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));

/** The analysis settings models use outside an editor: the default pair table, every finding. */
export function defaultConfig(): AnalysisConfig {
  return { pairs: new PairIndex(mergeTable(undefined)), pairsKey: '{}', findings: 'all', footprint: { ...DEFAULT_FOOTPRINT } };
}

export function patchOf(args: ReadonlyMap<string, string>, host: ModelHost): ParsedSeries {
  const path = args.get('patch');
  if (!path) throw new ModelArgumentError('patch=FILE is required: the model runs that patch’s code');
  return host.analyse(path);
}

/** A byte count the model can compute with exactly (a double holds integers up to 2^53). */
export function exactSize(text: string, what: string): number {
  const v = parseSize(text, what);
  if (v > 1n << 52n) throw new ModelArgumentError(`${what}=${text}: too large (at most 4 PiB)`);
  return Number(v);
}
