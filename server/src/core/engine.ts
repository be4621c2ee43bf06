/**
 * @file Runs the rules over a document: ingest, parse (cached by image text), check, then classify each
 * finding by comparing old and new images: introduced, pre-existing or fixed.
 */
import { createHash } from 'node:crypto';
import { AnalysisCache, ParsedSeries, type CacheStats } from './c/syntax/parsed';
import { NameIndex } from './c/syntax/name-index';
import type { CParser } from './c/syntax/parser';
import { SEVERITY_RANK, type Finding, type Severity } from './findings';
import { ingest, type DiffLine, type Hunk, type IngestCache, type Range, type Series } from './ingest';
import { defaultRules } from './rules';
import { canonicalRuleIds } from './rules/aliases';
import analysisLimit, { type LimitMessageId } from './rules/analysis-limit';
import { mergeTable, PairIndex, type PairTable } from './kernel/pairs';
import { seriesLifecycles, seriesPairs } from './kernel/series-pairs';
import { lockHelperPairs } from './c/analysis/lock-helpers';
import { type Report, type Rule } from './rules/rule';
import { formatMessage } from './message';
import { DEFAULT_FOOTPRINT, type AnalysisConfig } from './config';
import type { KernelTree } from './kernel/kernel-tree';
import { formatSize } from './models/bytes';
import { seriesParts, type DocumentPart } from './ingest/parts';
import { MAX_AST_DEPTH } from './c/syntax/ast';
import { MAX_C_LINE } from './c/syntax/mask';
import { Budget, BudgetExhausted, DEFAULT_BUDGET, type BudgetLimits } from './budget';
import { raisedFindings } from './raised';

export type RuleSetting = Severity | 'off';

export interface EngineOptions {
  /** Per-rule severity or `off`. */
  rules?: Record<string, RuleSetting>;
  /** Pairs and lifecycles added to (or replacing, by id) the default table. */
  pairs?: Partial<PairTable>;
  /** Documents longer than this (in UTF-16 units) get one finding instead of an analysis. */
  maxDocumentChars?: number;
  /**
   * `introduced`: only introduced findings will be shown; rules may then skip what only finds fixed
   * ones (pre-existing ones are still told apart). Default `all`.
   */
  findings?: 'introduced' | 'all';
  /** What per-CPU memory is counted for (batch-footprint): CPUs per machine, instances per CPU. */
  footprint?: { cpus?: number; pools?: number };
  /** The reviewer's kernel tree: rules then also check the sites the series does not show. */
  tree?: KernelTree;
  /** What the evaluators and models of one analysis may spend, together (default DEFAULT_BUDGET). */
  budget?: BudgetLimits;
  /** analyzeDocument(): documents longer than this are analysed in parts of about this size (default PART_CHARS). */
  partChars?: number;
}

export interface Analysis {
  series: Series;
  parsed: ParsedSeries | null;
  /** All findings, every origin, in document order. */
  findings: Finding[];
  stats: CacheStats & { ms: number };
}

export const DEFAULT_MAX_DOCUMENT_CHARS = 32 * 1024 * 1024;

/**
 * A turn for the event loop (messages, I/O) without a timer's delay: `setImmediate` where the host has it
 * (Node), else a zero timeout, which Node clamps to a millisecond (several per analysis of a long document).
 */
const yieldTurn = (): Promise<void> => new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));

/** Whether a hunk has a line too long to read as C, memoised on the hunk. */
const longLines = new WeakMap<Hunk, boolean>();
function hasLongLine(h: Hunk): boolean {
  let v = longLines.get(h);
  if (v === undefined) longLines.set(h, (v = h.lines.some((l) => l.text.length > MAX_C_LINE)));
  return v;
}

/** Documents longer than this are analysed in parts of whole series by analyzeDocument(). */
export const PART_CHARS = 2 * 1024 * 1024;

/** A one-shot analysis of a whole document: its findings (document positions) and how many patches it holds. */
export interface DocumentAnalysis {
  findings: Finding[];
  patches: number;
  /** How many parts it was analysed in (1: whole). */
  parts: number;
}

export interface AnalysisControl {
  /** Polled between slices of work: true abandons the analysis. */
  isCancelled?(): boolean;
  /** Between slices: images parsed so far, of how many announced. */
  onProgress?(done: number, total: number): void;
  /** The longest stretch of work between two yields to the event loop, in ms (default 15). */
  sliceMs?: number;
}

interface Raw {
  rule: Rule;
  report: Report;
}

/**
 * Analyses documents. Keep one engine per document for editing: it remembers the last version's
 * messages and images, so a re-check after an edit redoes only what the edit touched. An Analysis's
 * `series` and `parsed` are valid until the next analyze() call; its findings are plain copies.
 */
export class Engine {
  readonly cache: AnalysisCache;
  private readonly ingestCache: IngestCache = new Map();
  /** Which images name what, brought up to date by each analysis (see NameIndex). */
  private readonly names = new NameIndex();

  constructor(
    private readonly parser: CParser,
    readonly rules: Rule[] = defaultRules,
    cache?: AnalysisCache,
  ) {
    this.cache = cache ?? new AnalysisCache();
  }

  /**
   * One part of a long document, by an engine of its own: only its findings and patch count outlive it,
   * so what it parsed and cached is garbage before the next part starts (the caller may collect it).
   */
  private analyzePart(text: string, options: EngineOptions, part: DocumentPart): { findings: Finding[]; patches: number } {
    const a = new Engine(this.parser, this.rules).analyze(text, options, part);
    return { findings: a.findings, patches: a.series.patches.length };
  }

  /** `part`: only that part of the document (see analyzeDocument). */
  analyze(text: string, given: EngineOptions = {}, part?: DocumentPart): Analysis {
    const options = canonical(given);
    const started = this.start(text, options, {}, part);
    if ('done' in started) return started.done;
    const rules = this.finish(started.parsed, options, started.t0, this.seriesConfig(started.parsed, options));
    for (;;) {
      const r = rules.next();
      // Nothing cancels a synchronous analysis: it always ends with one.
      if (r.done) return r.value!;
    }
  }

  /**
   * The same analysis, with the parsing that rules announce done first in slices of at most
   * `control.sliceMs`, yielding to the event loop between them: a language server stays responsive,
   * reports progress and stops when cancelled (resolving to null).
   */
  async analyzeAsync(text: string, given: EngineOptions = {}, control: AnalysisControl = {}): Promise<Analysis | null> {
    const options = canonical(given);
    const started = this.start(text, options, control);
    if ('done' in started) return started.done;
    const config = this.seriesConfig(started.parsed, options);
    const work: (() => unknown)[] = [];
    for (const rule of this.rules) {
      if (options.rules?.[rule.id] === 'off' || !rule.prefetch) continue;
      try {
        for (const w of rule.prefetch(started.parsed, config)) work.push(w);
      } catch {
        /* check() will meet the same problem and report it */
      }
    }
    const slice = control.sliceMs ?? 15;
    // Progress counts the parsing work, then each rule as one more step.
    const total = work.length + this.rules.filter((r) => options.rules?.[r.id] !== 'off').length;
    // Reading the document can itself take a while: let the event loop in before parsing starts.
    control.onProgress?.(0, total);
    await yieldTurn();
    if (control.isCancelled?.()) return null;
    let sliceStart = performance.now();
    let done = 0;
    /** After each piece of work: once a slice is used up, progress and a turn for the event loop; false when cancelled. */
    const stepped = async (): Promise<boolean> => {
      done++;
      if (performance.now() - sliceStart <= slice) return true;
      control.onProgress?.(done, total);
      await yieldTurn();
      sliceStart = performance.now();
      return !control.isCancelled?.();
    };
    for (const w of work) {
      try {
        w();
      } catch {
        /* reported by check() */
      }
      if (!(await stepped())) return null;
    }
    if (control.isCancelled?.()) return null;
    // The rules, one at a time, yielding between them once a slice is used up: a rule itself is bounded
    // by the budget, and a cancellation stops the evaluators inside it.
    const rules = this.finish(started.parsed, options, started.t0, config);
    for (;;) {
      const r = rules.next();
      if (r.done) return r.value;
      if (!(await stepped())) return null;
    }
  }

  /**
   * The analysis of a document that is not read (its file is over the size limit, checked before reading):
   * one finding saying so. `size` null: a stream that went past the limit.
   */
  refuse(what: string, size: number | null, limit: number): DocumentAnalysis {
    const finding =
      size === null
        ? this.limitFinding('streamTooLarge', { what, limit: formatSize(limit) })
        : this.limitFinding('tooLarge', { what, size: formatSize(size), limit: formatSize(limit) });
    return { findings: [finding], patches: 0, parts: 0 };
  }

  /**
   * A whole document for a one-shot check (the command line): one that is very large (over PART_CHARS, a
   * day of a list's traffic) is analysed in parts of whole series, one after another, each with caches of
   * its own, so time and memory grow with the document and no faster. Findings keep document positions;
   * patches are numbered across the document.
   */
  analyzeDocument(text: string, given: EngineOptions = {}, betweenParts?: () => void): DocumentAnalysis {
    const options = canonical(given);
    const limit = options.maxDocumentChars ?? DEFAULT_MAX_DOCUMENT_CHARS;
    const partChars = options.partChars ?? PART_CHARS;
    const parts = text.length > partChars && text.length <= limit ? seriesParts(text, partChars) : [];
    if (parts.length <= 1) {
      const a = this.analyze(text, options);
      return { findings: a.findings, patches: a.series.patches.length, parts: 1 };
    }
    const findings: Finding[] = [];
    let patches = 0;
    let nothing = 0;
    for (const part of parts) {
      const a = this.analyzePart(text, options, part);
      for (const f of a.findings) {
        if (f.key === 'analysis-limit:nothingToReview') {
          nothing++;
          continue;
        }
        findings.push(f.patch ? { ...f, patch: { ...f.patch, index: f.patch.index + patches } } : f);
      }
      patches += a.patches;
      betweenParts?.();
    }
    if (nothing === parts.length) findings.push({ ...this.limitFinding('nothingToReview', {}), severity: noteSeverity(options) });
    else if (options.rules?.['analysis-limit'] !== 'off') {
      const note = this.limitFinding('inParts', { size: formatSize(text.length), parts: String(parts.length) });
      findings.push({
        ...note,
        severity: noteSeverity(options),
        explanation: `${note.message}.\n\nEach part holds whole series (a part ends only where a message starts a new series), and is analysed on its own, so time and memory grow with the document, not faster. A prototype change is checked against the patches of its own part; everything else a rule reads is within one series anyway.`,
      });
    }
    findings.sort(byPosition);
    return { findings, patches, parts: parts.length };
  }

  private start(
    text: string,
    options: EngineOptions,
    control: AnalysisControl,
    part?: DocumentPart,
  ): { parsed: ParsedSeries; t0: number } | { done: Analysis } {
    const t0 = performance.now();
    this.cache.resetStats();
    const limit = options.maxDocumentChars ?? DEFAULT_MAX_DOCUMENT_CHARS;
    const empty: Series = { text: '', lines: [], messages: [], patches: [], fragments: [], snippets: [], problems: [] };
    const stop = (messageId: LimitMessageId, data: Record<string, string>): { done: Analysis } => ({
      done: { series: empty, parsed: null, findings: [this.limitFinding(messageId, data)], stats: { ...this.cache.stats, ms: performance.now() - t0 } },
    });
    if (text.length > limit) return stop('tooLarge', { what: 'document', size: formatSize(text.length), limit: formatSize(limit) });
    let series: Series;
    try {
      series = ingest(text, this.ingestCache, part);
    } catch (e) {
      return stop('unreadable', { reason: (e as Error).message });
    }
    const budget = new Budget(options.budget ?? DEFAULT_BUDGET, () => control.isCancelled?.() === true);
    // The rules that run declare what functions they will read: the first parse of an image converts it all
    // (a first look with only the quick rules converts nothing for the others).
    this.cache.setRuleFilters(this.rules.filter((r) => options.rules?.[r.id] !== 'off').flatMap((r) => r.meta.functionFilters ?? []));
    return { parsed: new ParsedSeries(series, this.parser, this.cache, options.tree ?? null, budget, this.names), t0 };
  }

  private configs = new Map<string, AnalysisConfig>();
  private pairIndexes = new Map<string, PairIndex>();

  /** The pair table for these options (merged once per distinct extension). */
  private config(options: EngineOptions): AnalysisConfig {
    // The table's identity in cache keys: a digest, never the table itself (50,000 entries are 7 MB of JSON,
    // and the keys are built per hunk and function).
    // A tree's own mined pairs replace the committed ones (the tree says which, by a key of its content).
    const mined = options.tree?.minedPairs?.() ?? null;
    const pairsKey = `${options.pairs ? tableDigest(options.pairs) : '{}'}${mined ? `+tree:${mined.key}` : ''}`;
    const findings = options.findings ?? 'all';
    const footprint = { cpus: options.footprint?.cpus ?? DEFAULT_FOOTPRINT.cpus, pools: options.footprint?.pools ?? DEFAULT_FOOTPRINT.pools };
    const key = `${pairsKey}\u0000${findings}\u0000${footprint.cpus}\u0000${footprint.pools}`;
    let c = this.configs.get(key);
    if (!c) {
      let pairs = this.pairIndexes.get(pairsKey);
      if (!pairs) this.pairIndexes.set(pairsKey, (pairs = new PairIndex(mergeTable(options.pairs, mined?.pairs))));
      c = { pairs, pairsKey, findings, footprint, mined };
      this.configs.set(key, c);
    }
    return c;
  }

  /**
   * The settings for one series: the options' table, with the pairs the series itself shows (kernel/series-pairs.ts)
   * and the lock helpers it defines (c/analysis/lock-helpers.ts).
   */
  private seriesConfig(parsed: ParsedSeries, options: EngineOptions): AnalysisConfig {
    const base = this.config(options);
    // No running rule reads the table (an editor's first look): the series' own pairs are not looked for.
    if (!this.rules.some((r) => r.meta.usesPairTable && options.rules?.[r.id] !== 'off')) return base;
    const shown = [...seriesPairs(parsed.allNames(), base.pairs, parsed.series.text), ...lockHelperPairs(parsed, base.pairs)];
    const defined = new Set<string>();
    for (const h of parsed.hunks) for (const n of h.new.scan.declarators.keys()) defined.add(n);
    const lifecycles = seriesLifecycles(defined, parsed.series.text);
    if (!shown.length && !lifecycles.length) return base;
    const pairsKey = `${base.pairsKey}+${tableDigest({ pairs: shown, lifecycles })}`;
    let pairs = this.pairIndexes.get(pairsKey);
    if (!pairs) {
      // One entry per distinct series table; documents are edited, so keep the cache from growing without end.
      if (this.pairIndexes.size > 64) this.pairIndexes.clear();
      this.pairIndexes.set(
        pairsKey,
        (pairs = new PairIndex(
          mergeTable(
            { ...options.pairs, pairs: [...(options.pairs?.pairs ?? []), ...shown], lifecycles: [...(options.pairs?.lifecycles ?? []), ...lifecycles] },
            base.mined?.pairs,
          ),
        )),
      );
    }
    return { ...base, pairs, pairsKey };
  }

  /** Runs the rules, yielding after each; ends with the analysis, or null when it was cancelled. */
  /** `config`: the series' settings (seriesConfig), computed once by the caller, which prefetches with them too. */
  private *finish(parsed: ParsedSeries, options: EngineOptions, t0: number, config: AnalysisConfig): Generator<void, Analysis | null> {
    const raws: Raw[] = [];
    const findings: Finding[] = [];
    const unfinished: Rule[] = [];
    parsed.budget.restart();
    for (const rule of this.rules) {
      const setting = options.rules?.[rule.id];
      if (setting === 'off') continue;
      try {
        const report = (r: Report): void => {
          // A report naming a message the rule does not define is the rule's bug: it fails loudly, as a crash.
          if (!Object.hasOwn(rule.meta.messages, r.messageId)) throw new Error(`reported message id '${r.messageId}', which its meta.messages does not define`);
          raws.push({ rule, report: r });
        };
        rule.check({ series: parsed, config, tree: options.tree ?? null, report });
      } catch (e) {
        // What the rule reported before the budget ran out stands; what it did not get to is named.
        if (e instanceof BudgetExhausted) {
          if (e.end === 'cancelled') return null;
          unfinished.push(rule);
        } else findings.push(this.crashFinding(rule, e as Error));
      }
      yield;
    }
    findings.push(...this.classify(raws, options));
    if (unfinished.length && options.rules?.['analysis-limit'] !== 'off') findings.push(this.unfinishedFinding(unfinished, parsed.budget, options));
    findings.push(...this.tooDeepFindings(parsed, options));
    findings.push(...this.longLineFindings(parsed.series, options));
    const s = parsed.series;
    // Said, not silently passed: a file with nothing this tool reads (not a patch, no C) was not reviewed.
    if (!findings.length && !s.patches.length && !s.fragments.length && !s.snippets.length && options.rules?.['analysis-limit'] !== 'off') {
      findings.push({ ...this.limitFinding('nothingToReview', {}), severity: noteSeverity(options) });
    }
    findings.sort(byPosition);
    for (const [f, raised] of raisedFindings(s, findings)) f.raised = raised;
    return { series: parsed.series, parsed, findings, stats: { ...this.cache.stats, ms: performance.now() - t0 } };
  }

  /** Old-side and new-side findings with the same rule and key cancel out into pre-existing ones. */
  private classify(raws: Raw[], options: EngineOptions): Finding[] {
    const out: Finding[] = [];
    const groups = new Map<string, { old: Raw[]; new: Raw[] }>();
    for (const raw of raws) {
      if (raw.rule.meta.differential === false) {
        out.push(this.toFinding(raw, 'introduced', options));
        continue;
      }
      // Old and new images of the same patch are compared; a later patch's old side is not this patch's.
      const k = `${raw.rule.id}\u0000${raw.report.at.patch?.index ?? 0}\u0000${raw.report.key}`;
      const g = groups.get(k) ?? { old: [], new: [] };
      g[raw.report.side].push(raw);
      groups.set(k, g);
    }
    for (const g of groups.values()) {
      const both = Math.min(g.old.length, g.new.length);
      g.new.forEach((raw, i) => out.push(this.toFinding(raw, i < both ? 'pre-existing' : 'introduced', options)));
      g.old.slice(both).forEach((raw) => out.push(this.toFinding(raw, 'fixed', options)));
    }
    return out;
  }

  private toFinding({ rule, report }: Raw, origin: Finding['origin'], options: EngineOptions): Finding {
    const setting = options.rules?.[rule.id];
    const severity: Severity = origin !== 'introduced' ? 'hint' : setting && setting !== 'off' ? setting : (report.severity ?? rule.meta.defaultSeverity);
    const at = report.at;
    let range: Range;
    let fileLine: number | null;
    if ('view' in at) {
      range = at.view.image.spanToDoc(at.span);
      const row = at.view.image.lineAt(at.span.startRow);
      fileLine = row ? (at.view.side === 'old' ? row.oldLine : row.newLine) : null;
    } else {
      range = at.range;
      fileLine = at.fileLine;
    }
    return {
      ruleId: rule.id,
      messageId: report.messageId,
      severity,
      origin,
      message: formatMessage(rule.meta.messages[report.messageId], report.data),
      range,
      file: at.path,
      fileLine,
      patch: at.patch ? { index: at.patch.index, subject: at.patch.subject } : null,
      explanation: report.explanation ?? '',
      fixes: origin === 'introduced' ? (report.fixes ?? []) : [],
      related: report.related ?? [],
      key: report.key,
      ...(report.model ? { model: report.model } : {}),
      ...(report.about ? { about: report.about } : {}),
    };
  }

  /** Lines of the code the rules read that are too long to be read as C: one note each (the first twenty). */
  private longLineFindings(series: Series, options: EngineOptions): Finding[] {
    if (options.rules?.['analysis-limit'] === 'off') return [];
    const out: Finding[] = [];
    const seen = new Set<number>();
    const consider = (l: DiffLine): void => {
      if (l.text.length <= MAX_C_LINE || l.docLine === null || seen.has(l.docLine) || out.length >= 20) return;
      seen.add(l.docLine);
      const f = this.limitFinding('longLine', { length: l.text.length.toLocaleString('en-US'), limit: MAX_C_LINE.toLocaleString('en-US') });
      out.push({
        ...f,
        severity: noteSeverity(options),
        range: { start: { line: l.docLine, character: 0 }, end: { line: l.docLine, character: 0 } },
        key: `analysis-limit:longLine:${l.docLine}`,
      });
    };
    // Walked in place: this runs on every analysis, and a large series has tens of thousands of lines; a
    // hunk known to have no long line (an unchanged patch keeps its hunks) is not walked again.
    for (const p of series.patches)
      for (const f of p.files)
        for (const h of f.hunks) {
          if (hasLongLine(h)) h.lines.forEach(consider);
        }
    for (const f of series.fragments) for (const l of f.lines) consider(l);
    for (const f of series.snippets) for (const l of f.lines) consider(l);
    return out;
  }

  /** One note naming the rules the budget cut short, and the budget. */
  private unfinishedFinding(rules: Rule[], budget: Budget, options: EngineOptions): Finding {
    const limits = budget.limits;
    const why = budget.ended === 'time' ? `its time (${limits.ms / 1000} s)` : `its ${limits.steps.toLocaleString('en-US')} steps`;
    const f = this.limitFinding('unfinished', { budget: why, rules: rules.map((r) => r.id).join(', '), whose: rules.length > 1 ? 'their' : 'its' });
    const explanation = `${f.message}.\n\nOne analysis of one document may run ${limits.steps.toLocaleString('en-US')} statements of the patch's code in its evaluators and models, and take ${limits.ms / 1000} s; every rule shares that budget. These rules ran out of it, and what they would have found after that point is missing:\n\n${rules.map((r) => `- \`${r.id}\`: ${r.meta.summary}`).join('\n')}\n\nThe cause is usually code the models cannot finish: a loop that does not end, a deep recursion, or a very large series.`;
    return { ...f, severity: noteSeverity(options), explanation };
  }

  /** Code the rules met but could not read for its depth: one note per line, never a silent gap. */
  private tooDeepFindings(parsed: ParsedSeries, options: EngineOptions): Finding[] {
    if (options.rules?.['analysis-limit'] === 'off') return [];
    const lines = new Map<number, Finding>();
    for (const { view, span } of parsed.tooDeep.values()) {
      const range = view.image.spanToDoc(span);
      if (lines.has(range.start.line)) continue;
      const f = this.limitFinding('tooDeep', { limit: String(MAX_AST_DEPTH) });
      lines.set(range.start.line, {
        ...f,
        severity: noteSeverity(options),
        range: { start: range.start, end: range.start.line === range.end.line ? range.end : range.start },
        key: `analysis-limit:tooDeep:${range.start.line}`,
      });
    }
    return [...lines.values()];
  }

  /** A finding of the analysis-limit rule, which the engine reports itself (its messages are in its meta). */
  private limitFinding(messageId: LimitMessageId, data: Record<string, string>): Finding {
    const message = formatMessage(analysisLimit.meta.messages[messageId], data);
    return documentNote('analysis-limit', messageId, analysisLimit.meta.defaultSeverity, message, message, `analysis-limit:${messageId}`);
  }

  private crashFinding(rule: Rule, e: Error): Finding {
    const message = `rule ${rule.id} failed on this document (${e.message}); its findings are missing`;
    return documentNote(rule.id, 'crash', 'information', message, '```\n' + (e.stack ?? e.message) + '\n```', `${rule.id}:crash`);
  }
}

/** A finding about the document as a whole, at its start: a limit the analysis met, a rule that failed. */
function documentNote(ruleId: string, messageId: string, severity: Severity, message: string, explanation: string, key: string): Finding {
  const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return {
    ruleId,
    messageId,
    severity,
    origin: 'introduced',
    message,
    range,
    file: null,
    fileLine: null,
    patch: null,
    explanation,
    fixes: [],
    related: [],
    key,
  };
}

/** The options with renamed rule ids mapped to the ids now (rules/aliases.ts). */
function canonical(options: EngineOptions): EngineOptions {
  return options.rules ? { ...options, rules: canonicalRuleIds(options.rules).settings } : options;
}

/** A short, stable name for a user's pair table. */
function tableDigest(pairs: Partial<PairTable>): string {
  return createHash('sha256').update(JSON.stringify(pairs)).digest('hex').slice(0, 24);
}

/** Findings in document order, then by rule. */
function byPosition(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.ruleId.localeCompare(b.ruleId);
}

/** The analysis-limit notes (not the size refusals) are information unless the user set the rule's severity. */
function noteSeverity(options: EngineOptions): Severity {
  const s = options.rules?.['analysis-limit'];
  return s && s !== 'off' ? s : 'information';
}

export function atLeast(severity: Severity, threshold: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold];
}
