/**
 * @file The language server's analyses, kept apart from its protocol: one engine per open document, the
 * last analysis of each (for hovers), and the kernel trees they are checked against. It runs on a worker
 * thread (see host/analysis-worker.ts), so that no analysis, however long, delays the server's answers to
 * other requests; an edit cancels an analysis under way through a flag in shared memory, which the
 * analysis's budget reads every thousand steps. Messages in and out are plain data.
 */
import type { PairTable } from '../core/kernel/pairs';
import { AnalysisCache } from '../core/c/syntax/parsed';
import type { CParser } from '../core/c/syntax/parser';
import { describe, type Description } from '../core/describe';
import { runForPanel, type ModelPanel } from '../core/models/model-panel';
import { Engine, type Analysis, type EngineOptions, type RuleSetting } from '../core/engine';
import type { Finding, ModelRunArgs } from '../core/findings';
import type { Pos } from '../core/ingest';
import type { KernelTree } from '../core/kernel/kernel-tree';
import { defaultRules } from '../core/rules';

/** A kernel tree the host searches in the background. */
export interface HostKernelTree extends KernelTree {
  readonly searching: number;
  cancel(): void;
  /** Forgets what was found if the tree changed since (called before each check). */
  refresh(): void;
  /** Forgets what was found: files of the tree were edited, created or deleted. */
  forget(): void;
}

export interface ServiceHost {
  parser: CParser | Promise<CParser>;
  /** A kernel tree at a file: URI, searched in the background; null when the URI is not a directory. */
  openKernelTree?(uri: string, events: { started(): void; ready(): void }): HostKernelTree | null;
}

/** What an analysis is asked with: the engine's options as plain data, the tree by its root URI. */
export interface AnalyzeOptions {
  rules: Record<string, RuleSetting>;
  maxDocumentChars: number;
  pairs: Partial<PairTable>;
  findings: 'introduced' | 'all';
  footprint: { cpus: number; pools: number };
  treeRoot: string | null;
}

export interface AnalyzeRequest {
  kind: 'analyze';
  id: number;
  uri: string;
  text: string;
  options: AnalyzeOptions;
  /** Publish the rules that read no whole function first (a long document opened). */
  quickFirst: boolean;
  /**
   * A plain-text document: reviewed only when it holds a patch, a quoted fragment of one or C (a mail saved
   * as `.txt`); any other text file is left alone, with nothing published.
   */
  onlyIfCode: boolean;
  /** The slot of the shared cancellation flags this analysis reads. */
  slot: number;
}

/** What the editor needs of a patch: its code lens goes on its subject line. */
export interface LensPatch {
  index: number;
  anchorLine: number;
}

export interface AnalysisOutcome {
  /** False for a plain-text document with no patch and no C in it: nothing shown, nothing said. */
  reviewed: boolean;
  /** The findings shown (every origin when the settings say `all`, else the introduced ones). */
  shown: Finding[];
  patches: LensPatch[];
  ms: number;
}

export type ToService =
  | AnalyzeRequest
  | { kind: 'hover'; id: number; uri: string; position: Pos }
  | { kind: 'model'; id: number; uri: string; run: ModelRunArgs }
  | { kind: 'close'; uri: string }
  | { kind: 'tree'; op: 'refresh' | 'forget' | 'cancel'; root: string };

export type FromService =
  | { kind: 'progress'; id: number; done: number; total: number }
  | { kind: 'quick'; id: number; shown: Finding[] }
  | { kind: 'done'; id: number; outcome: AnalysisOutcome }
  | { kind: 'cancelled'; id: number }
  | { kind: 'failed'; id: number; message: string }
  | { kind: 'hover'; id: number; result: Description | null }
  | { kind: 'model'; id: number; result: ModelPanel }
  | { kind: 'treeStarted'; root: string }
  | { kind: 'treeReady'; root: string; searching: number };

interface DocumentState {
  engine: Engine;
  analysis: Analysis | null;
  shown: Finding[];
}

export class AnalysisService {
  private readonly documents = new Map<string, DocumentState>();
  /** Scans and facts by image text, shared by every open document. */
  private readonly cache = new AnalysisCache();
  private readonly trees = new Map<string, HostKernelTree | null>();

  constructor(
    private readonly host: ServiceHost,
    private readonly post: (message: FromService) => void,
    /** Whether the analysis using this slot was cancelled (an edit, a close, a cancelled request). */
    private readonly cancelled: (slot: number) => boolean,
  ) {}

  async handle(message: ToService): Promise<void> {
    switch (message.kind) {
      case 'analyze':
        return this.analyze(message);
      case 'hover':
        return this.post({ kind: 'hover', id: message.id, result: this.hover(message.uri, message.position) });
      case 'model':
        return this.post({ kind: 'model', id: message.id, result: await this.runModel(message.uri, message.run) });
      case 'close':
        this.documents.delete(message.uri);
        return;
      case 'tree':
        return this.treeOp(message.op, message.root);
    }
  }

  private async analyze(req: AnalyzeRequest): Promise<void> {
    const parser = await this.host.parser;
    let doc = this.documents.get(req.uri);
    if (!doc) this.documents.set(req.uri, (doc = { engine: new Engine(parser, undefined, this.cache), analysis: null, shown: [] }));
    // Polled between slices and, inside a rule, every thousand steps of its models: the last progress is
    // sent again from there (at most ten times a second), so a long rule still shows the editor it runs.
    let lastProgress = { done: 0, at: performance.now() };
    const isCancelled = (): boolean => {
      const now = performance.now();
      if (now - lastProgress.at > 100) {
        lastProgress = { done: lastProgress.done, at: now };
        this.post({ kind: 'progress', id: req.id, done: lastProgress.done, total: 1000 });
      }
      return this.cancelled(req.slot);
    };
    const tree = req.options.treeRoot ? this.tree(req.options.treeRoot) : null;
    tree?.refresh();
    const o = req.options;
    const options: EngineOptions = {
      rules: o.rules,
      maxDocumentChars: o.maxDocumentChars,
      pairs: o.pairs,
      findings: o.findings,
      footprint: o.footprint,
      ...(tree ? { tree } : {}),
    };
    const show = (fs: Finding[]): Finding[] => fs.filter((f) => o.findings === 'all' || f.origin === 'introduced');
    // With two looks, the first fills the progress bar's first half.
    let scale = { from: 0, to: req.quickFirst ? 0.5 : 1 };
    const control = {
      isCancelled,
      onProgress: (done: number, total: number) => {
        lastProgress = { done: Math.round((scale.from + (total ? ((scale.to - scale.from) * done) / total : 0)) * 1000), at: performance.now() };
        this.post({ kind: 'progress', id: req.id, done: lastProgress.done, total: 1000 });
      },
    };
    const t0 = performance.now();
    try {
      if (req.quickFirst) {
        const quick: Record<string, RuleSetting> = { ...o.rules };
        for (const r of defaultRules) if (r.meta.readsFunctions) quick[r.id] = 'off';
        const first = await doc.engine.analyzeAsync(req.text, { ...options, rules: quick }, control);
        if (!first) return this.post({ kind: 'cancelled', id: req.id });
        this.post({ kind: 'quick', id: req.id, shown: show(first.findings) });
        scale = { from: 0.5, to: 1 };
      }
      const analysis = await doc.engine.analyzeAsync(req.text, options, control);
      if (!analysis || isCancelled()) return this.post({ kind: 'cancelled', id: req.id });
      const series = analysis.series;
      const reviewed = !req.onlyIfCode || series.patches.length > 0 || series.fragments.length > 0 || series.snippets.length > 0;
      doc.analysis = reviewed ? analysis : null;
      doc.shown = reviewed ? show(analysis.findings) : [];
      this.post({
        kind: 'done',
        id: req.id,
        outcome: {
          reviewed,
          shown: doc.shown,
          patches: reviewed ? series.patches.map((p) => ({ index: p.index, anchorLine: p.anchorLine })) : [],
          ms: performance.now() - t0,
        },
      });
    } catch (e) {
      // The engine reports what fails inside a rule; anything else must not take the server down.
      this.post({ kind: 'failed', id: req.id, message: (e as Error).stack ?? String(e) });
    }
  }

  /** The hover for a position of a document's last analysis (the caller knows it matches the text shown). */
  hover(uri: string, position: Pos): Description | null {
    const doc = this.documents.get(uri);
    if (!doc?.analysis) return null;
    return describe(doc.analysis, doc.shown, position);
  }

  /** A model run from the panel, on the document's last analysis when the model reads the patch. */
  async runModel(uri: string, run: ModelRunArgs): Promise<ModelPanel> {
    return runForPanel(run, { parser: await this.host.parser, document: this.documents.get(uri)?.analysis?.parsed ?? null });
  }

  private tree(root: string): HostKernelTree | null {
    if (!this.trees.has(root)) {
      const tree =
        this.host.openKernelTree?.(root, {
          started: () => this.post({ kind: 'treeStarted', root }),
          ready: () => this.post({ kind: 'treeReady', root, searching: this.trees.get(root)?.searching ?? 0 }),
        }) ?? null;
      this.trees.set(root, tree);
    }
    return this.trees.get(root) ?? null;
  }

  private treeOp(op: 'refresh' | 'forget' | 'cancel', root: string): void {
    const tree = this.trees.get(root);
    if (!tree) return;
    if (op === 'refresh') tree.refresh();
    else if (op === 'forget') tree.forget();
    else tree.cancel();
  }
}
