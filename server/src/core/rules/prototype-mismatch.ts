/**
 * @file When a series changes a function's parameter list, every definition, declaration and call of that
 * function in the series must agree with the new prototype: parameter count and types, argument count.
 * Known false positives: calls through a macro of the same name (skipped when the series defines one);
 * a function that really has different prototypes under different configurations (#ifdef variants).
 */
import type { FunctionFact, ParamFact } from '../c/analysis/facts';
import type { ImageView } from '../c/syntax/parsed';
import { sectionFunctionName } from '../c/syntax/parsed';
import type { Span } from '../c/syntax/image';
import {
  alignParams,
  candidateImages,
  macroNames,
  prototypeHistories,
  sitesOf,
  standings,
  type CallSite,
  type FunctionSite,
  type Prototype,
  type PrototypeChange,
  type PrototypeHistory,
} from '../c/analysis/prototypes';
import type { Fix, RelatedInfo } from '../findings';
import { editHunkLine } from './support/edits';
import { patchLabel } from './support/labels';
import type { KernelTree } from '../kernel/kernel-tree';
import { defineRule, type RuleContext } from './rule';
import { MAX_TREE_FILES, checkTreeSites, type TreeSite } from './support/tree-prototypes';
import { plural } from './support/plural';

const MESSAGES = {
  missingParam: '`{{fn}}()` is missing parameter {{params}}, which the prototype {{where}} takes',
  extraParam: '`{{fn}}()` has parameter {{params}}, which the prototype {{where}} does not take',
  paramType: 'parameter {{index}} of `{{fn}}()` is `{{got}}`, but the prototype {{where}} declares `{{want}}`',
  argCount: '`{{fn}}()` is called with {{got}} arguments, but the prototype {{where}} takes {{want}}{{detail}}',
  treeSite: '{{site}} still {{does}} `{{fn}}()` with {{count}}; the prototype {{where}} takes {{want}}',
} as const;
type Ctx = RuleContext<keyof typeof MESSAGES>;

export default defineRule({
  id: 'prototype-mismatch',
  meta: {
    summary: 'Definitions, declarations and calls must match a prototype the series changed',
    defaultSeverity: 'error',
    confidence: 'high',
    messages: MESSAGES,
    knownFalsePositives: [
      'A call through a function-like macro of the same name that supplies arguments (skipped when the series defines the macro).',
      'Configuration variants: an `#ifdef` branch that deliberately declares the function differently.',
    ],
  },
  prefetch: (series) => candidateImages(series).map((v) => () => v.facts),
  check(ctx) {
    const macros = macroNames(ctx.series);
    const histories = prototypeHistories(ctx.series);
    const treeNames = [...histories.keys()].filter((n) => !macros.has(n));
    for (const history of histories.values()) {
      if (macros.has(history.name)) continue;
      const sites = sitesOf(ctx.series, history.name, history.scopePath);
      const summary = siteSummary(history, sites.functions, sites.calls);
      for (const site of sites.functions) checkFunction(ctx, history, site, summary);
      for (const site of sites.calls) checkCall(ctx, history, site, summary);
      if (ctx.tree) checkTree(ctx, ctx.tree, history, treeNames);
    }
  },
});

/** The sites in the reviewer's tree that the series does not update, each on the line that changes the prototype. */
function checkTree(ctx: Ctx, tree: KernelTree, history: PrototypeHistory, names: string[]): void {
  const result = checkTreeSites(ctx.series, tree, history, names);
  if (result.pending || !result.stale.length) return;
  const last = history.changes[history.changes.length - 1];
  const proto = history.at(last.patchPos, 'new');
  const want = plural(last.after.length, 'parameter');
  const summary = `In the kernel tree (${tree.root}), outside the series' hunks: ${plural(result.following, 'site')} follow the new prototype and ${plural(result.stale.length, 'site')} do not, in ${plural(result.files, 'file')} that name \`${history.name}\`${result.truncated ? ` (only the first ${MAX_TREE_FILES} candidate files were read)` : ''}.${result.unjudged.length ? ` Not judged, because a hunk of the series does not apply to them (the tree has another version): ${result.unjudged.join(', ')}.` : ''}`;
  const span = changedLineSpan(last.site.view, last.site.fn);
  const list = result.stale.map((t) => `- \`${t.path}:${t.line}\` ${does(t)} it with ${countOf(t)}`).join('\n');
  for (const t of result.stale) {
    const site = `${t.path}:${t.line}`;
    ctx.report({
      side: 'new',
      at: { view: last.site.view, span, patch: last.patch, path: last.path },
      messageId: 'treeSite',
      data: { site, does: does(t), fn: history.name, count: countOf(t), where: where(proto), want },
      key: `tree:${t.kind}:${history.name}:${t.path}:${t.line}`,
      related: [
        {
          range: { start: { line: t.line - 1, character: t.col }, end: { line: t.line - 1, character: t.endCol } },
          message: `still ${does(t)} ${history.name}() with ${countOf(t)}`,
          file: { root: tree.root, path: t.path },
        },
      ],
      explanation: explain(
        history,
        proto,
        `The series does not update \`${site}\`, which ${does(t)} \`${history.name}()\` with ${countOf(t)}${t.params ? `: \`${signature(history.name, t.params, false)}\`` : ''}.`,
        `${summary}\n\n${list}`,
      ),
    });
  }
}

/** The added line of the declarator that changed (its text, indentation left out), else the function's name. */
function changedLineSpan(view: ImageView, fn: FunctionFact): Span {
  for (let row = fn.nameSpan.startRow; row <= fn.paramsSpan.endRow; row++) {
    const line = view.image.lineAt(row);
    if (line?.kind !== 'add') continue;
    const start = line.text.length - line.text.trimStart().length;
    return { startRow: row, startCol: start, endRow: row, endCol: line.text.trimEnd().length };
  }
  return fn.nameSpan;
}

const does = (t: TreeSite): string => (t.kind === 'definition' ? 'defines' : t.kind === 'declaration' ? 'declares' : 'calls');
const countOf = (t: TreeSite): string => plural(t.count, t.kind === 'call' ? 'argument' : 'parameter');

const quoteParams = (ps: ParamFact[]): string => ps.map((p) => `\`${p.text}\``).join(', ');

function place(change: PrototypeChange): string {
  return `${change.path ?? 'a quoted hunk'} (${patchLabel(change.patch)})`;
}

/** `changed in include/linux/mm.h (patch 4/49)`, or for sites that precede it, `as it was before ...`. */
function where(proto: Prototype): string {
  return proto.phase === 'after' ? `changed in ${place(proto.change)}` : `as it was before ${place(proto.change)}`;
}

function signature(name: string, params: ParamFact[], variadic: boolean): string {
  const list = params.map((p) => p.text).concat(variadic ? ['...'] : []);
  return `${name}(${list.length ? list.join(', ') : 'void'})`;
}

function checkFunction(ctx: Ctx, history: PrototypeHistory, site: FunctionSite, summary: string): void {
  const { fn, view, hunk } = site;
  if (fn.params === null || fn.hasError) return;
  const proto = history.at(site.patchPos, view.side);
  const align = alignParams(fn.params, proto.params);
  const base = {
    side: view.side,
    related: relatedTo(proto.change),
    explanation: explain(
      history,
      proto,
      `This ${fn.kind} in ${hunk.path ?? 'the quoted hunk'} reads \`${signature(fn.name, fn.params, fn.variadic)}\`.`,
      summary,
    ),
  };
  const at = (span: Span) => ({ view, span, patch: hunk.patch, path: hunk.path });
  const keyBase = `${fn.kind}:${fn.name}:${hunk.path}:${fn.params.map((p) => p.type).join(',')}`;
  // Same count: position by position. Otherwise pair each removed parameter with the added one nearest
  // its position as a type change, and report what is left over as missing or extra.
  const pairs: { site: ParamFact; proto: ParamFact; index: number }[] = [...align.mismatched];
  const missing = align.mismatched.length ? [] : [...align.missing];
  const extra: ParamFact[] = [];
  if (!align.mismatched.length) {
    for (const e of align.extra) {
      const index = fn.params.indexOf(e);
      let best = -1;
      missing.forEach((m, k) => {
        if (best < 0 || Math.abs(m.index - index) < Math.abs(missing[best].index - index)) best = k;
      });
      if (best < 0) extra.push(e);
      else pairs.push({ site: e, proto: missing.splice(best, 1)[0].param, index });
    }
  }
  for (const m of pairs) {
    ctx.report({
      ...base,
      at: at(m.site.span),
      messageId: 'paramType',
      data: { fn: fn.name, index: m.index + 1, got: m.site.text, want: m.proto.text, where: where(proto) },
      key: `${keyBase}:type${m.index}`,
    });
  }
  if (missing.length > 0) {
    // Past the end of the site's list it belongs after the site's last parameter, whatever that pairs with.
    const last = fn.params[fn.params.length - 1];
    const anchor = missing[0].index >= fn.params.length && last ? last : (missing[0].after ?? missing[0].before);
    ctx.report({
      ...base,
      at: at(anchor ? anchor.span : fn.paramsSpan),
      messageId: 'missingParam',
      data: { fn: fn.name, params: quoteParams(missing.map((m) => m.param)), where: where(proto) },
      key: `${keyBase}:missing`,
      fixes: pairs.length === 0 ? missingParamFix(ctx, site, missing, proto) : [],
    });
  }
  if (extra.length > 0) {
    ctx.report({
      ...base,
      at: at(extra[0].span),
      messageId: 'extraParam',
      data: { fn: fn.name, params: quoteParams(extra), where: where(proto) },
      key: `${keyBase}:extra`,
    });
  }
}

function checkCall(ctx: Ctx, history: PrototypeHistory, site: CallSite, summary: string): void {
  const { call, view, hunk } = site;
  if (!call.reliable) return;
  const proto = history.at(site.patchPos, view.side);
  const want = proto.params.length;
  const got = call.args.length;
  if (proto.variadic ? got >= want : got === want) return;
  const before = proto.change.before;
  const added = alignParams(before, proto.params).missing.map((m) => m.param);
  const detail = proto.phase === 'after' && got === before.length && added.length > 0 ? ` (${quoteParams(added)} was added)` : '';
  ctx.report({
    side: view.side,
    at: { view, span: call.span, patch: hunk.patch, path: hunk.path },
    messageId: 'argCount',
    data: { fn: call.callee, got, want: proto.variadic ? `at least ${want}` : want, where: where(proto), detail },
    key: `call:${call.callee}:${hunk.path}:${call.args.map((a) => a.text).join(',')}`,
    related: relatedTo(proto.change),
    explanation: explain(
      history,
      proto,
      `This call in ${hunk.path ?? 'the quoted hunk'} passes ${plural(got, 'argument')}: \`${call.callee}(${call.args.map((a) => a.text).join(', ')})\`.`,
      summary,
    ),
    fixes: got < want && !proto.variadic ? missingArgFix(ctx, site, proto.params.slice(got)) : [],
  });
}

function relatedTo(change: PrototypeChange): RelatedInfo[] {
  return [{ range: change.site.view.image.spanToDoc(change.site.fn.nameSpan), message: `prototype of ${change.name}() changed here` }];
}

/** How the series' sites stand against the newest prototype, for the hover. */
function siteSummary(history: PrototypeHistory, functions: FunctionSite[], calls: CallSite[]): string {
  const all = standings(history, functions, calls);
  const count = (call: boolean, ok: boolean): number => all.filter((s) => 'call' in s.site === call && (s.problem === null) === ok).length;
  const last = history.changes[history.changes.length - 1];
  return `In this series after ${place(last)}: ${plural(count(false, true), 'declaration or definition')} and ${plural(count(true, true), 'call')} follow the new prototype; ${plural(count(false, false), 'declaration or definition')} and ${plural(count(true, false), 'call')} do not. Sites outside the series are not checked without a kernel tree.`;
}

function explain(history: PrototypeHistory, proto: Prototype, here: string, summary: string): string {
  const c = proto.change;
  return [
    `**${history.name}()**: the parameter list changed in ${place(c)}.`,
    '',
    `- before: \`${signature(history.name, c.before, c.beforeVariadic)}\``,
    `- after: \`${signature(history.name, c.after, c.afterVariadic)}\``,
    '',
    here,
    '',
    summary,
  ].join('\n');
}

function missingParamFix(ctx: Ctx, site: FunctionSite, missing: { param: ParamFact; after: ParamFact | null }[], proto: Prototype): Fix[] {
  // Only the common case: parameters missing at the end of the list, inserted after the last one.
  const last = site.fn.params![site.fn.params!.length - 1];
  if (!last || missing.some((m) => m.after !== last) || missing.length !== proto.params.length - site.fn.params!.length) return [];
  const row = site.view.image.lineAt(last.span.endRow);
  if (!row || last.span.startRow !== last.span.endRow) return [];
  const text = missing.map((m) => `, ${m.param.text}`).join('');
  const edits = editHunkLine(ctx.series.series.lines, row, last.span.endCol, last.span.endCol, text);
  return edits ? [{ title: `Add parameter ${missing.map((m) => `\`${m.param.text}\``).join(', ')}`, edits }] : [];
}

function missingArgFix(ctx: Ctx, site: CallSite, params: ParamFact[]): Fix[] {
  const close = site.call.argsSpan;
  const row = site.view.image.lineAt(close.endRow);
  if (!row) return [];
  const callerParams = callerParameters(site);
  const args = params.map((p) => (p.name && callerParams.some((c) => c.name === p.name && c.type === p.type) ? p.name : p.type.includes('*') ? 'NULL' : '0'));
  const separator = site.call.args.length > 0 ? ', ' : '';
  const edits = editHunkLine(ctx.series.series.lines, row, close.endCol - 1, close.endCol - 1, separator + args.join(', '));
  return edits ? [{ title: `Pass ${args.map((a) => `\`${a}\``).join(', ')} for ${params.map((p) => `\`${p.name ?? p.type}\``).join(', ')}`, edits }] : [];
}

/** Parameters of the function the call sits in, when its definition is visible in the same image. */
function callerParameters(site: CallSite): ParamFact[] {
  const name = site.call.enclosing ?? sectionFunctionName(site.hunk.hunk.section);
  if (!name) return [];
  const def = site.view.facts.functions.find((f) => f.kind === 'definition' && f.name === name && f.params);
  if (def?.params) return def.params;
  const inHunk = site.hunk.new.facts.functions.find((f) => f.name === name && f.params);
  return inHunk?.params ?? [];
}
