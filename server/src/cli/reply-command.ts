/** @file `mm-review reply`: the review reply to a patch or a series, written as mail to edit and send. */
import * as path from 'node:path';
import { Engine } from '../core/engine';
import { parseSeriesNumber } from '../core/ingest/mail';
import { composeReplies, repliesAsMbox, type ReplyMail } from '../core/output/reply';
import { defaultRules } from '../core/rules';
import { RULE_ALIASES } from '../core/rules/aliases';
import { loadParser } from '../host/grammar';
import { errnoWords } from '../host/files';
import { Arguments, openTree, readConfig, readInput, UsageError, type Io } from './cli-io';

export const REPLY_USAGE = `  mm-review reply [--rule ID]... [--output FILE|DIR] [--from ADDRESS] [--include-raised]
                  [--context N] [--config FILE | --no-config] [--tree DIR] FILE`;

interface ReplyArgs {
  file: string;
  rules: Set<string> | null;
  output: string | null;
  from: string | undefined;
  includeRaised: boolean;
  context: number | undefined;
  config: string | null | undefined;
  tree: string | undefined;
}

function parseReplyArgs(argv: string[]): ReplyArgs {
  const a: ReplyArgs = { file: '', rules: null, output: null, from: undefined, includeRaised: false, context: undefined, config: undefined, tree: undefined };
  const files: string[] = [];
  const known = new Set(defaultRules.map((r) => r.id));
  const args = new Arguments(argv);
  for (let arg = args.next(); arg !== undefined; arg = args.next()) {
    const name = args.name();
    const value = (): string => args.value();
    if (name === '--rule') {
      const given = value();
      const id = RULE_ALIASES[given] ?? given;
      if (!known.has(id)) throw new UsageError(`unknown rule ${given}`);
      (a.rules ??= new Set()).add(id);
    } else if (name === '--output') a.output = value();
    else if (name === '--from') a.from = value();
    else if (name === '--context') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 50) throw new UsageError('--context takes a whole number of lines from 0 to 50');
      a.context = n;
    } else if (name === '--config') a.config = value();
    else if (name === '--tree') a.tree = value();
    else if (arg === '--no-config') a.config = null;
    else if (arg === '--include-raised') a.includeRaised = true;
    else if (arg === '-' || !arg.startsWith('-')) files.push(arg);
    else throw new UsageError(`unknown option ${arg}`);
  }
  if (files.length !== 1) throw new UsageError('reply takes exactly one FILE (a patch, a series, or a thread)');
  a.file = files[0];
  return a;
}

/** A file name for a reply in a directory: its patch's number and its subject, as format-patch names patches. */
export function replyFileName(r: ReplyMail, position: number): string {
  const subject = r.subject.replace(/^re:\s*/i, '').replace(/^(?:\[[^\]]*\]\s*)+/, '');
  let slug = subject
    .toLowerCase()
    .split(/[^a-z0-9_]+/)
    .filter(Boolean)
    .join('-')
    .slice(0, 52);
  while (slug.endsWith('-')) slug = slug.slice(0, -1);
  const n = parseSeriesNumber(r.subject)?.n ?? position;
  return `${String(n).padStart(4, '0')}-re-${slug || 'patch'}.eml`;
}

function write(io: Io, file: string, text: string): void {
  try {
    io.writeFile(file, text);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${errnoWords(e)}`);
  }
}

export async function reply(io: Io, argv: string[]): Promise<number> {
  const args = parseReplyArgs(argv);
  const pairs = readConfig(io, args.config);
  const tree = args.tree !== undefined ? openTree(args.tree) : undefined;
  const text = readInput(io, args.file);
  const analysis = new Engine(await loadParser()).analyze(text, { pairs, tree, findings: 'introduced' });
  const findings = analysis.findings.filter((f) => f.origin === 'introduced' && (!args.rules || args.rules.has(f.ruleId)));
  const replies = composeReplies(analysis.series, findings, { context: args.context, from: args.from, includeRaised: args.includeRaised });
  const raised = findings.filter((f) => f.raised).length;
  const left = raised && !args.includeRaised ? `; ${raised} already raised in the thread left out (--include-raised puts them in)` : '';
  if (replies.length === 0) {
    const where = args.file === '-' ? 'standard input' : args.file;
    io.stderr(
      raised && !args.includeRaised
        ? `mm-review: nothing to reply: every finding in ${where} was already raised in the thread (--include-raised puts them in)\n`
        : `mm-review: nothing to reply: no finding in ${where}\n`,
    );
    return 0;
  }
  const commented = replies.reduce((n, r) => n + r.findings.length, 0);
  const what = `${replies.length} repl${replies.length === 1 ? 'y' : 'ies'} commenting on ${commented} finding${commented === 1 ? '' : 's'}`;
  const written = replies.length === 1 ? replies[0].text : repliesAsMbox(replies);
  if (args.output === null) {
    io.stdout(written);
    io.stderr(`mm-review: ${what}${left}\n`);
  } else if (io.isDirectory(args.output)) {
    const names = replies.map((r, i) => path.join(args.output!, replyFileName(r, i + 1)));
    replies.forEach((r, i) => write(io, names[i], r.text));
    io.stderr(`mm-review: ${what}${left}:\n${names.map((n) => `  ${n}\n`).join('')}`);
  } else {
    write(io, args.output, written);
    io.stderr(`mm-review: ${what}${left}, in ${args.output}${replies.length > 1 ? ' (an mbox)' : ''}\n`);
  }
  return 0;
}
