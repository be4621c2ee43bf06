/**
 * @file A completion callback set on one element of a request array (`acomp_request_set_callback(
 * ctx->req[0], …)`) while the array holds more: the other requests get no callback, so whoever submits
 * them can only wait for them by polling. Information: a batching design may intend exactly that; a
 * reviewer should know it is so.
 * Known false positives: callbacks set on the other elements somewhere the hunks do not show.
 */
import type { CallFact } from '../c/analysis/facts';
import type { HunkView } from '../c/syntax/parsed';
import { arrayMembers, defineValues, largestValue } from '../c/analysis/structs';
import { describeCondition } from './support/labels';
import { defineRule, type RuleContext } from './rule';

const MESSAGES = {
  oneElement: '`{{call}}()` sets a completion callback on `{{element}}` only; {{rest}} (the array holds {{size}}) can only be completed by polling',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

const SET_CALLBACK = /_set_callback$/;
/** `ctx->req[0]`: the base, the member and the index. */
const ELEMENT = /^(.+?)(?:->|\.)([A-Za-z_]\w*)\[([^\]]+)\]$/;

function check(ctx: Ctx): void {
  const members = arrayMembers(ctx.series);
  if (!members.size) return;
  for (const hunk of ctx.series.hunks) {
    if (![...hunk.new.scan.names].some((n) => SET_CALLBACK.test(n))) continue;
    const calls = hunk.new.facts.calls.filter((c) => SET_CALLBACK.test(c.callee) && c.args.length > 0);
    for (const call of calls) {
      const m = ELEMENT.exec(call.args[0].text.replace(/\s+/g, ''));
      if (!m || !/^\d+$/.test(m[3])) continue;
      const [, base, member, index] = m;
      const decl = members.get(member)?.[0];
      if (!decl || decl.dims.length !== 1) continue;
      // Callbacks set on other elements of the same array, in the same function, cover them.
      const others = calls.filter(
        (c) => c !== call && c.enclosing === call.enclosing && ELEMENT.exec(c.args[0].text.replace(/\s+/g, ''))?.slice(1, 3).join() === [base, member].join(),
      );
      if (others.length) continue;
      const dim = decl.dims[0];
      const size = /^\d+$/.test(dim) ? { value: BigInt(dim), when: null } : largestValue(defineValues(ctx.series, dim));
      if (!size || size.value <= 1n) continue;
      report(ctx, hunk, call, { base, member, index, dim, size: size.value, when: size.when, struct: decl.struct });
    }
  }
}

function report(
  ctx: Ctx,
  hunk: HunkView,
  call: CallFact,
  d: { base: string; member: string; index: string; dim: string; size: bigint; when: string | null; struct: string },
): void {
  const n = d.size;
  const rest = n === 2n ? `\`${d.member}[1]\`` : `\`${d.member}[1]\`…\`${d.member}[${n - 1n}]\``;
  const sized = /^\d+$/.test(d.dim) ? `${n}` : `\`${d.dim}\`, ${n}${d.when ? ` ${describeCondition(d.when)}` : ''}`;
  ctx.report({
    side: 'new',
    at: { view: hunk.new, span: call.span, patch: hunk.patch, path: hunk.path },
    messageId: 'oneElement',
    data: { call: call.callee, element: `${d.member}[${d.index}]`, rest, size: sized },
    key: `shared-completion:${hunk.path}:${call.enclosing ?? ''}:${d.base}->${d.member}`,
    explanation: [
      `\`${call.callee}()\` gives \`${d.base}->${d.member}[${d.index}]\` a completion callback. \`${d.member}\` in \`struct ${d.struct}\` holds ${sized} requests; no callback is set on ${rest} in \`${call.enclosing ?? 'this function'}()\`.`,
      '',
      'A request without a callback cannot wake a waiter when it completes: code that submits it must poll for its completion. That may be the design (batched submission with polling); if any path waits on those requests instead, it waits forever.',
    ].join('\n'),
  });
}

export default defineRule({
  id: 'shared-completion',
  meta: {
    summary: 'A completion callback is set on one element of a request array while the others exist',
    defaultSeverity: 'information',
    confidence: 'medium',
    messages: MESSAGES,
    knownFalsePositives: ['Callbacks set on the other elements in code the hunks do not show.'],
  },
  check,
});
