/**
 * @file A function that gains a parameter in the series but, on some visible path, hands its other
 * parameters to a callee without it: the new argument is dropped there. Information, because a
 * preparatory patch does exactly this on purpose. Only visible code is judged; a body that is not in the
 * hunk says nothing.
 * Known false positives: a callee that does not need the value on that path (e.g. a fallback that cannot
 * use it); calls under a condition on the parameter are skipped.
 */
import type { CallFact, FunctionFact } from '../c/analysis/facts';
import type { Span } from '../c/syntax/image';
import type { HunkView } from '../c/syntax/parsed';
import { alignParams, prototypeHistories } from '../c/analysis/prototypes';
import { sectionFunctionName } from '../c/syntax/parsed';
import { defineRule, type RuleContext } from './rule';

const MESSAGES = {
  notPassed: '`{{fn}}()` receives `{{param}}` but does not pass it to `{{callee}}()`, which gets its other arguments ({{args}})',
  unused: '`{{fn}}()` gains parameter `{{param}}` but its body never uses it',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

export default defineRule({
  id: 'parameter-dropped',
  meta: {
    summary: 'A parameter the series added is not passed on where the function delegates its other parameters',
    defaultSeverity: 'information',
    confidence: 'medium',
    messages: MESSAGES,
    knownFalsePositives: [
      'A callee that cannot use the new argument on that path, such as a fallback; calls guarded by a condition on the parameter are skipped.',
    ],
  },
  check(ctx) {
    const addedTypes = new Map<string, Set<string>>();
    for (const h of prototypeHistories(ctx.series).values()) {
      for (const c of h.allChanges) {
        const added = alignParams(c.before, c.after).missing.map((m) => m.param.type);
        if (added.length) addedTypes.set(h.name, new Set([...(addedTypes.get(h.name) ?? []), ...added]));
      }
    }
    const drops = new Map<string, Drop[]>();
    for (const [name, types] of addedTypes) {
      for (const { hunk, view } of ctx.series.imagesNaming(name)) {
        if (view.side !== 'new') continue;
        for (const fn of view.facts.functions) {
          if (fn.name === name && fn.kind === 'definition' && fn.params && fn.bodySpan) checkDefinition(ctx, hunk, fn, types, drops);
        }
      }
    }
    // One note per function, callee and parameter: the architectures' definitions of one function that all
    // drop it the same way are one observation (and a fix that makes another definition match them adds none).
    for (const same of drops.values()) reportDrop(ctx, same);
  },
});

interface Drop {
  hunk: HunkView;
  view: HunkView['new'];
  fn: FunctionFact;
  param: string;
  call: CallFact;
  forwarded: string[];
}

function reportDrop(ctx: Ctx, same: Drop[]): void {
  const [d, ...others] = same;
  const alsoIn = others.map((o) => `\`${o.hunk.path ?? 'a quoted hunk'}\``);
  ctx.report({
    side: 'new',
    at: { view: d.view, span: d.call.span, patch: d.hunk.patch, path: d.hunk.path },
    messageId: 'notPassed',
    data: { fn: d.fn.name, param: d.param, callee: d.call.callee, args: d.forwarded.join(', ') },
    // The group's identity, not the first member's: another definition joining it keeps it the same finding.
    key: `${d.fn.name}:${d.call.callee}:${d.param}`,
    explanation:
      explainDrop(d.fn, d.param, d.call, d.forwarded) +
      (alsoIn.length ? `\n\nThe definitions in ${alsoIn.join(', ')} drop it on their call of \`${d.call.callee}()\` the same way.` : ''),
  });
}

/** Each added parameter of one visible definition: passed on where the function delegates, or read at all. */
function checkDefinition(ctx: Ctx, hunk: HunkView, fn: FunctionFact, addedTypes: Set<string>, drops: Map<string, Drop[]>): void {
  for (const param of fn.params!) {
    if (!param.name || !addedTypes.has(param.type)) continue;
    const others = fn.params!.filter((p) => p !== param && p.name).map((p) => p.name!);
    let reported = false;
    for (const { call, view } of visibleCalls(ctx.series.hunks, hunk, fn)) {
      if (mentions(call.args.map((a) => a.text).join(' '), param.name) || call.guards.some((g) => mentions(g, param.name!))) continue;
      const forwarded = call.args.filter((a) => others.includes(a.text)).map((a) => a.text);
      if (forwarded.length < 2 || forwarded.length * 2 < others.length) continue;
      reported = true;
      const group = `${fn.name}\u0000${call.callee}\u0000${param.name}`;
      drops.set(group, [...(drops.get(group) ?? []), { hunk, view, fn, param: param.name, call, forwarded }]);
    }
    const body = hunk.new.image.textOf(fn.bodySpan!);
    if (!reported && fn.complete && !mentions(body, param.name)) {
      ctx.report({
        side: 'new',
        at: { view: hunk.new, span: param.span, patch: hunk.patch, path: hunk.path },
        messageId: 'unused',
        data: { fn: fn.name, param: param.name },
        key: `${fn.name}:${hunk.path}:unused:${param.name}`,
        explanation: `\`${fn.name}()\` now takes \`${param.text}\`, and its whole body is in this hunk, but nothing in it reads \`${param.name}\`. In a preparatory patch that is expected; otherwise the value is lost here.`,
      });
    }
  }
}

function mentions(text: string, name: string): boolean {
  return new RegExp(`\\b${name}\\b`).test(text);
}

/**
 * Calls inside the definition, plus calls in later hunks of the same file that git says are still in
 * this function (their section names it) and that come before any other definition in that hunk.
 */
function visibleCalls(hunks: HunkView[], home: HunkView, fn: FunctionFact): { call: CallFact; view: HunkView['new'] }[] {
  const out: { call: CallFact; view: HunkView['new'] }[] = [];
  const inside = (s: Span, body: Span): boolean =>
    (s.startRow > body.startRow || (s.startRow === body.startRow && s.startCol >= body.startCol)) &&
    (s.endRow < body.endRow || (s.endRow === body.endRow && s.endCol <= body.endCol));
  for (const call of home.new.facts.calls) if (call.enclosing === fn.name && inside(call.span, fn.bodySpan!)) out.push({ call, view: home.new });
  for (const h of hunks) {
    if (h === home || h.file !== home.file || sectionFunctionName(h.hunk.section) !== fn.name) continue;
    const firstDef = h.new.facts.functions.filter((f) => f.kind === 'definition').map((f) => f.nameSpan.startRow);
    const limit = firstDef.length ? Math.min(...firstDef) : Infinity;
    for (const call of h.new.facts.calls) if (call.enclosing === null && call.span.startRow < limit) out.push({ call, view: h.new });
  }
  return out;
}

function explainDrop(fn: FunctionFact, param: string, call: CallFact, forwarded: string[]): string {
  return [
    `\`${fn.name}()\` gained \`${param}\` in this series. On the path through \`${call.callee}(${call.args.map((a) => a.text).join(', ')})\` it hands on ${forwarded.map((a) => `\`${a}\``).join(', ')} but not \`${param}\`, so whatever \`${param}\` carries is lost there.`,
    '',
    'In a preparatory patch that only threads the parameter through, this is expected; a later patch should use it or pass it on.',
  ].join('\n');
}
