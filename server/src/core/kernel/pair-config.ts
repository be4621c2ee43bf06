/**
 * @file Pairs and lifecycles a user adds to the default table, from `.mm-review.json` or settings.
 * Read tolerantly: an entry that is wrong is left out and named in a problem; the rest is used.
 */
import type { LifecyclePair, PairKind, PairSpec, PairTable, Success } from './pairs';

export interface PairConfig {
  table: Partial<PairTable>;
  /** What was wrong, each naming where (`.mm-review.json: pairs[1].kind …`). */
  problems: string[];
}

const KINDS: PairKind[] = ['ref', 'counter', 'lock', 'alloc'];
const SUCCESS: Success[] = ['always', 'nonnull', 'not-err', 'zero', 'nonzero', 'nonnegative', 'valid'];
const PAIR_KEYS = new Set(['id', 'kind', 'acquire', 'release', 'exclude', 'key', 'releaseKey', 'success']);

const isNames = (v: unknown): v is string[] => Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && /^[A-Za-z_]\w*\*?$/.test(x));
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function readPair(v: unknown, at: string, problems: string[]): PairSpec | null {
  if (!v || typeof v !== 'object' || Array.isArray(v)) {
    problems.push(`${at} must be an object`);
    return null;
  }
  const o = v as Record<string, unknown>;
  const before = problems.length;
  if (typeof o.id !== 'string' || !o.id) problems.push(`${at}.id must be a non-empty string`);
  if (!KINDS.includes(o.kind as PairKind)) problems.push(`${at}.kind must be one of ${KINDS.join(', ')}`);
  for (const k of ['acquire', 'release'] as const)
    if (!isNames(o[k])) problems.push(`${at}.${k} must be a list of function names (a trailing * matches any suffix)`);
  if (o.exclude !== undefined && !isNames(o.exclude)) problems.push(`${at}.exclude must be a list of function names`);
  if (o.key !== undefined && !isIndex(o.key) && o.key !== 'result') problems.push(`${at}.key must be an argument index (0, 1, …) or "result"`);
  if (o.releaseKey !== undefined && !isIndex(o.releaseKey)) problems.push(`${at}.releaseKey must be an argument index`);
  if (o.success !== undefined && !SUCCESS.includes(o.success as Success)) problems.push(`${at}.success must be one of ${SUCCESS.join(', ')}`);
  for (const k of Object.keys(o)) if (!PAIR_KEYS.has(k)) problems.push(`${at}.${k} is not a pair property`);
  if (problems.length > before) return null;
  const pair: PairSpec = { id: o.id as string, kind: o.kind as PairKind, acquire: o.acquire as string[], release: o.release as string[] };
  if (o.exclude !== undefined) pair.exclude = o.exclude as string[];
  if (o.key !== undefined) pair.key = o.key as number | 'result';
  if (o.releaseKey !== undefined) pair.releaseKey = o.releaseKey as number;
  if (o.success !== undefined) pair.success = o.success as Success;
  return pair;
}

function readLifecycle(v: unknown, at: string, problems: string[]): LifecyclePair | null {
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  const name = (x: unknown): x is string => typeof x === 'string' && /^[A-Za-z_]\w*$/.test(x);
  if (!name(o.acquire) || !name(o.release)) {
    problems.push(`${at} must be { "acquire": "<function>", "release": "<function>" }`);
    return null;
  }
  return { acquire: o.acquire, release: o.release };
}

/** Reads `{ "pairs": [...], "lifecycles": [...] }`; `where` names the source in problems. */
export function readPairConfig(value: unknown, where: string): PairConfig {
  const problems: string[] = [];
  const table: Partial<PairTable> = {};
  if (value === undefined || value === null) return { table, problems };
  if (typeof value !== 'object' || Array.isArray(value)) return { table, problems: [`${where} must be an object with "pairs" and "lifecycles"`] };
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (k !== 'pairs' && k !== 'lifecycles') problems.push(`${where}: "${k}" is not read (only "pairs" and "lifecycles")`);
  if (o.pairs !== undefined) {
    if (!Array.isArray(o.pairs)) problems.push(`${where}: "pairs" must be a list`);
    else table.pairs = o.pairs.flatMap((p, i) => readPair(p, `${where}: pairs[${i}]`, problems) ?? []);
  }
  if (o.lifecycles !== undefined) {
    if (!Array.isArray(o.lifecycles)) problems.push(`${where}: "lifecycles" must be a list`);
    else table.lifecycles = o.lifecycles.flatMap((l, i) => readLifecycle(l, `${where}: lifecycles[${i}]`, problems) ?? []);
  }
  return { table, problems };
}

/** JSON text of a config file, read as above; a syntax error is a problem too. */
export function parsePairConfig(text: string, where: string): PairConfig {
  try {
    return readPairConfig(JSON.parse(text), where);
  } catch (e) {
    return { table: {}, problems: [`${where} is not valid JSON (${(e as Error).message})`] };
  }
}

/** Several sources in order of precedence, lowest first: a later entry with the same id replaces. */
export function combinePairTables(...tables: Partial<PairTable>[]): Partial<PairTable> {
  return { pairs: tables.flatMap((t) => t.pairs ?? []), lifecycles: tables.flatMap((t) => t.lifecycles ?? []) };
}
