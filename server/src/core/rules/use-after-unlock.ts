/**
 * @file A member of a shared object read after the lock inside that object is released
 * (`mutex_unlock(&ctx->mutex); … ctx->buffer …`): another CPU or thread may take the lock and change it
 * in between. Every path from the unlock is followed until the same lock is taken again or the function
 * returns. Reported on both sides of a patch, so a patch that moves the unlock later shows the old
 * finding as fixed.
 * Known false positives: a member that never changes after set-up (the lock protects others); reads
 * through a local copy are not followed. A member's address taken after the unlock is not a read.
 */
import { forEachExpr, exprText, type Expr, type FunctionAst, type Stmt } from '../c/syntax/ast';
import { withPairs } from '../c/analysis/balance-series';
import { buildCfg, type CfgNode } from '../c/analysis/cfg';
import type { Span } from '../c/syntax/image';
import type { PairIndex } from '../kernel/pairs';
import { readingKind, type HunkView, type ImageView, type Reading } from '../c/syntax/parsed';
import { onDocument, relatedAt } from '../c/syntax/places';
import { defineRule, type RuleContext } from './rule';

const MESSAGES = {
  readAfterUnlock: '`{{read}}` is read after `{{unlock}}` ({{line}}) released the lock that protects it',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

interface Unlock {
  node: number;
  call: string;
  /** The lock's expression without `&`: `acomp_ctx->mutex`. */
  lock: string;
  /** The object holding it: `acomp_ctx`. */
  owner: string;
  member: string;
  span: Span;
}

const exprsOf = (n: CfgNode): Stmt[] => (n.stmt ? [n.stmt] : n.cond ? [{ kind: 'expr', expression: n.cond, span: n.cond.span }] : []);

/** `&ctx->mutex` → `ctx->mutex`, split into owner and member. */
function lockOf(arg: Expr | undefined): { lock: string; owner: string; member: string } | null {
  const e = arg?.kind === 'un' && arg.op === '&' ? arg.operand : arg;
  if (!e || e.kind !== 'field') return null;
  return { lock: exprText(e), owner: exprText(e.object), member: e.name };
}

function lockCalls(n: CfgNode, pairs: PairIndex, role: 'acquire' | 'release'): { call: Extract<Expr, { kind: 'call' }>; lock: ReturnType<typeof lockOf> }[] {
  const out: { call: Extract<Expr, { kind: 'call' }>; lock: ReturnType<typeof lockOf> }[] = [];
  forEachExpr(exprsOf(n), (e) => {
    if (e.kind !== 'call' || !e.fn) return;
    const m = pairs.match(e.fn);
    if (m?.pair.kind === 'lock' && m.role === role)
      out.push({ call: e, lock: lockOf(e.args[role === 'release' ? (m.pair.releaseKey ?? 0) : typeof m.pair.key === 'number' ? m.pair.key : 0]) });
  });
  return out;
}

/**
 * Reads of `owner->m` (other than the lock) a node makes: not as the target of an assignment, and not its
 * address (`wait_for_completion(&ctx->done)` hands on the member; it does not read it).
 */
function readsOf(n: CfgNode, owner: string, lockMember: string): { text: string; span: Span }[] {
  const out: { text: string; span: Span }[] = [];
  const targets = new Set<Expr>();
  forEachExpr(exprsOf(n), (e) => {
    if (e.kind === 'assign' && e.op === '=') targets.add(e.left);
    if (e.kind === 'un' && e.op === '&') targets.add(e.operand);
    if (e.kind === 'field' && !targets.has(e) && e.name !== lockMember && exprText(e.object) === owner) out.push({ text: exprText(e), span: e.span });
  });
  return out;
}

/** A read after an unlock, as plain data (cached with the image). */
interface ReadAfterUnlock {
  fn: string;
  read: string;
  span: Span;
  unlock: string;
  lock: string;
  owner: string;
  unlockSpan: Span;
}

const mentionsLocks = (view: ImageView, pairs: PairIndex): boolean => pairs.kindsIn(view.scan.names).locks;

/** Every read after an unlock in an image, computed once per image text and pair table. */
function imageFindings(ctx: Ctx, reading: Reading, view: ImageView): ReadAfterUnlock[] {
  const pairs = ctx.config.pairs;
  if (!mentionsLocks(view, pairs)) return [];
  return ctx.series.derive(view, readingKind('use-after-unlock', reading.section, ctx.config.pairsKey), () =>
    // The functions the balance rules read (those calling a paired operation): the same parse serves both.
    ctx.series.functionsIn(view, reading.section, withPairs(ctx.config)).flatMap((fn) => functionFindings(fn, pairs)),
  );
}

function check(ctx: Ctx): void {
  for (const hunk of ctx.series.hunks) {
    const reading = ctx.series.readingOf(hunk);
    if (reading.hunks[0] !== hunk) continue;
    const now = imageFindings(ctx, reading, reading.new);
    // The old side classifies: needed where the new side has something, or when all findings are wanted.
    const before = ctx.config.findings === 'all' || now.length ? imageFindings(ctx, reading, reading.old) : [];
    for (const [view, findings] of [
      [reading.new, now],
      [reading.old, before],
    ] as const)
      for (const f of findings) report(ctx, hunk, view, f);
  }
}

function report(ctx: Ctx, hunk: HunkView, view: ImageView, f: ReadAfterUnlock): void {
  const line = view.image.placeOf(f.unlockSpan.startRow, f.unlockSpan.startCol);
  ctx.report({
    side: view.side,
    at: { view, span: onDocument(view.image, [f.span, f.unlockSpan]), patch: hunk.patch, path: hunk.path },
    messageId: 'readAfterUnlock',
    data: { read: f.read, unlock: `${f.unlock}(&${f.lock})`, line },
    key: `uau:${hunk.path}:${f.fn}:${f.read}:${f.lock}`,
    related: [relatedAt(view.image, f.unlockSpan, `${f.lock} released here`, ctx.tree)],
    explanation: [
      `\`${f.unlock}(&${f.lock})\` at ${line} releases the lock inside \`${f.owner}\`; on a path from there, \`${f.read}\` is read before the lock is taken again.`,
      '',
      `\`${f.owner}\` is shared (it carries its own lock): once the lock is released another CPU or thread may take it and change \`${f.read}\`. Read it before the unlock, or move the unlock after the last use.`,
    ].join('\n'),
  });
}

function functionFindings(fn: FunctionAst, pairs: PairIndex): ReadAfterUnlock[] {
  const cfg = buildCfg(fn);
  const unlocks: Unlock[] = [];
  for (const n of cfg.nodes) {
    for (const { call, lock } of lockCalls(n, pairs, 'release')) if (lock && call.fn) unlocks.push({ node: n.id, call: call.fn, ...lock, span: call.span });
  }
  const out: ReadAfterUnlock[] = [];
  const reported = new Set<string>();
  for (const u of unlocks) {
    const seen = new Set<number>();
    const work = cfg.nodes[u.node].succ.map((e) => e.to);
    while (work.length) {
      const id = work.shift()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const node = cfg.nodes[id];
      // Taken again: what follows is protected.
      if (lockCalls(node, pairs, 'acquire').some((a) => a.lock?.lock === u.lock)) continue;
      for (const read of readsOf(node, u.owner, u.member)) {
        const key = `${read.text}\u0000${u.lock}`;
        if (reported.has(key)) continue;
        reported.add(key);
        out.push({ fn: fn.name, read: read.text, span: read.span, unlock: u.call, lock: u.lock, owner: u.owner, unlockSpan: u.span });
      }
      for (const e of node.succ) work.push(e.to);
    }
  }
  return out;
}

export default defineRule({
  id: 'use-after-unlock',
  meta: {
    summary: 'A member of a shared object is read after the lock inside that object is released',
    defaultSeverity: 'warning',
    confidence: 'medium',
    readsFunctions: true,
    usesPairTable: true,
    messages: MESSAGES,
    knownFalsePositives: [
      'A member that never changes after set-up, which the lock does not need to protect.',
      'Reads through a local copy of the pointer are not followed.',
    ],
  },
  check,
});
