/**
 * @file Node host: finds the two WASM files and reads them for the core. Next to the bundle in dist/
 * (and in a packaged extension), in grammars/ after a build, or in node_modules during development.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CParser, type GrammarBytes } from '../core/c/syntax/parser';

const RUNTIME = 'web-tree-sitter.wasm';
const GRAMMAR = 'tree-sitter-c.wasm';

function candidates(file: string): string[] {
  const here = __dirname;
  const roots = [here, path.resolve(here, '..'), path.resolve(here, '../../..'), path.resolve(here, '../../../..')];
  const out: string[] = [];
  for (const r of roots) {
    out.push(path.join(r, file), path.join(r, 'grammars', file), path.join(r, 'dist', file));
    out.push(path.join(r, 'node_modules', file === RUNTIME ? 'web-tree-sitter' : 'tree-sitter-c', file));
  }
  return out;
}

function find(file: string): string {
  const hit = candidates(file).find((p) => fs.existsSync(p));
  if (!hit) throw new Error(`${file} not found next to ${__dirname}; run \`npm run build\``);
  return hit;
}

export function readGrammarBytes(): GrammarBytes {
  return { runtime: fs.readFileSync(find(RUNTIME)), c: fs.readFileSync(find(GRAMMAR)) };
}

let shared: Promise<CParser> | null = null;

/** One parser per process. */
export function loadParser(): Promise<CParser> {
  shared ??= CParser.create(readGrammarBytes());
  return shared;
}
