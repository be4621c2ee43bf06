/**
 * @file LSP wiring only: documents in, diagnostics, hovers, code actions and code lenses out. All analysis
 * is the core's, run by a backend the host provides (on Node, a worker thread), so no analysis delays the
 * answer to another request; this file schedules analyses (at once; an edit cancels the one under way,
 * inside a model if need be; progress for slow documents), keeps the findings of each open document, and
 * converts.
 */
import {
  CodeLensRefreshRequest,
  ErrorCodes,
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
  LSPErrorCodes,
  ResponseError,
  TextDocuments,
  TextDocumentSyncKind,
  type Disposable,
  type GlobPattern,
  type CancellationToken,
  type ClientCapabilities,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
  type WorkDoneProgressServerReporter,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { combinePairTables, parsePairConfig } from '../core/kernel/pair-config';
import type { PairTable } from '../core/kernel/pairs';
import type { Finding, ModelView } from '../core/findings';
import { panelForm, type ModelPanel } from '../core/models/model-panel';
import { MODELS } from '../core/models/registry';
import type { AnalysisBackend } from './analysis-backend';
import type { AnalyzeOptions, LensPatch } from './analysis-service';
import { codeActions, codeLenses, countsText, hoverLinks, toDiagnostic } from './convert';
import { DEFAULT_SETTINGS, readSettingsWithProblems, type Settings } from './settings';
import { toText } from '../core/output/text';
import { addToReply, composeReplies } from '../core/output/reply';
import { ingest } from '../core/ingest';
import { defaultRules } from '../core/rules';
import { TOOL_NAME, TOOL_VERSION } from '../core/version';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface ServerHost {
  /** Where analyses run (a worker thread on Node): trees are opened and searched there too. */
  backend: AnalysisBackend;
  /** Rule documentation by rule id (markdown), served to clients on request. */
  ruleDocs: Record<string, string>;
  /** A workspace file's text by URI; null when there is none. Without it, `.mm-review.json` is not read. */
  readFile?(uri: string): Promise<string | null>;
  /** The directory at this file: URI looks like a Linux tree (MAINTAINERS, Kconfig, mm/, arch/). */
  looksLikeKernelTree?(uri: string): boolean;
  /** The directory a file: URI names, its symlinks resolved, as a file: URI (how the editor reports its files). */
  realUri?(uri: string): string | null;
}

/** A kernel tree in use: the documents checked against it, and the progress of its searches. */
interface TreeEntry {
  /** The tree's root, and its real location, as file: URIs ending in `/`. */
  prefixes: string[];
  users: Set<string>;
  progress: Promise<WorkDoneProgressServerReporter | null> | null;
  /** The watcher on the tree's sources while a document uses it. */
  watch: Promise<Disposable> | null;
}

/** The tree's sources, watched in clients that can: an edit the tree's revision does not show (a file edited
 * in place, not committed, in a tree that is not a git checkout) still makes its searches stale. Only under
 * the tree, only while it is in use: a client answers a watcher by walking what it covers (eglot takes
 * seconds over a folder with node_modules). */
const SOURCE_GLOB = '**/*.{c,h}';

/** The file a workspace extends the pair table with, at the root of each workspace folder. */
export const CONFIG_FILE = '.mm-review.json';

/** Requests beyond the protocol, used by the VS Code extension's commands. */
export const REQUESTS = {
  explanation: 'mmReview/explanation',
  rules: 'mmReview/rules',
  ruleDoc: 'mmReview/ruleDoc',
  findingsText: 'mmReview/findingsText',
  review: 'mmReview/review',
  model: 'mmReview/model',
  runModel: 'mmReview/runModel',
  models: 'mmReview/models',
  composeReply: 'mmReview/composeReply',
  addToReply: 'mmReview/addToReply',
} as const;

/** A reply composed for the client to open: its mail text, and the findings it comments on (by key). */
export interface ComposedReply {
  subject: string;
  inReplyTo: string | null;
  text: string;
  keys: string[];
}

/** Language ids (VS Code's and other editors') of documents that are patches or mail: always reviewed. */
const PATCH_LANGUAGES = new Set(['diff', 'patch', 'mm-mail', 'mail']);

/** Notifications beyond the protocol: whether a document is reviewed (a plain-text one may not be). */
export const NOTIFICATIONS = {
  status: 'mmReview/status',
} as const;

/**
 * On opening a document this long, the findings of rules that read no whole function are
 * published first, and completed when the others finish: a reader sees most of them at once.
 */
const FIRST_LOOK_LINES = 2000;

/** Analyses slower than this show work-done progress. */
const PROGRESS_AFTER_MS = 200;

interface DocState {
  /** False: a plain-text document found to hold no patch and no C (not reviewed, nothing shown). */
  reviewed: boolean;
  /** The findings shown for the version analysed last, and its patches (null: not analysed yet). */
  shown: Finding[];
  patches: LensPatch[] | null;
  version: number;
  running: { cancelled: boolean; cancel(): void } | null;
}

export class MmReviewServer {
  private readonly documents = new TextDocuments(TextDocument);
  private readonly states = new Map<string, DocState>();
  private readonly backend: AnalysisBackend;
  private client: ClientCapabilities = {};
  private settingsByUri = new Map<string, Promise<Settings>>();
  private pushedSettings: Settings = DEFAULT_SETTINGS;
  /** The client runs the extension's commands from links in hovers (VS Code says so in its initialization options). */
  private commandLinks = false;
  /** Workspace folder URIs, each ending in `/`. */
  private folders: string[] = [];
  /** The client says the workspace is trusted (VS Code's workspace trust); other clients are trusted. */
  private trusted = true;
  private workspacePairs = new Map<string, Promise<Partial<PairTable>>>();
  /** Kernel trees by root URI, and the documents checked against each. */
  private trees = new Map<string, TreeEntry>();
  private warned = new Set<string>();

  constructor(
    private readonly connection: Connection,
    private readonly host: ServerHost,
  ) {
    this.backend = host.backend;
    this.backend.onTree({ started: (root) => this.treeSearchStarted(root), ready: (root, searching) => this.treeSearchDone(root, searching) });
  }

  static capabilities(): ServerCapabilities {
    return {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      hoverProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix'] },
      codeLensProvider: { resolveProvider: false },
    };
  }

  async initialize(params: InitializeParams): Promise<InitializeResult> {
    this.client = params.capabilities;
    const options = params.initializationOptions as { settings?: unknown; workspaceTrusted?: unknown; commandLinks?: unknown } | undefined;
    if (options) this.pushedSettings = this.readSettings(options.settings ?? options);
    this.trusted = options?.workspaceTrusted !== false;
    this.commandLinks = options?.commandLinks === true;
    const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    this.folders = folders.map((f) => (f.endsWith('/') ? f : f + '/'));
    return { capabilities: MmReviewServer.capabilities(), serverInfo: { name: TOOL_NAME, version: TOOL_VERSION } };
  }

  register(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => {
      // Editing .mm-review.json re-checks the open documents, and editing a C file of a kernel tree re-checks
      // the documents checked against it, in any client that can watch files for us.
      if (this.client.workspace?.didChangeWatchedFiles?.dynamicRegistration && this.folders.length) {
        void c.client.register(DidChangeWatchedFilesNotification.type, { watchers: this.folders.map((f) => ({ globPattern: this.under(f, CONFIG_FILE) })) });
      }
    });
    c.onDidChangeWatchedFiles((e) => {
      if (e.changes.some((ch) => ch.uri.endsWith('/' + CONFIG_FILE))) {
        this.workspacePairs.clear();
        for (const uri of this.states.keys()) this.schedule(uri, 'settings');
      }
      this.treeFilesChanged(e.changes.map((ch) => ch.uri).filter((u) => /\.[ch]$/.test(u)));
    });
    c.onDidChangeConfiguration((change) => {
      const pushed = (change.settings as { mmReview?: unknown } | null)?.mmReview;
      if (pushed !== undefined) this.pushedSettings = this.readSettings(pushed);
      this.settingsByUri.clear();
      for (const uri of this.states.keys()) this.schedule(uri, 'settings');
    });
    this.documents.onDidChangeContent((e) => this.schedule(e.document.uri, this.states.has(e.document.uri) ? 'change' : 'open'));
    this.documents.onDidSave((e) => this.schedule(e.document.uri, 'save'));
    this.documents.onDidClose((e) => {
      const s = this.states.get(e.document.uri);
      s?.running?.cancel();
      this.states.delete(e.document.uri);
      this.backend.close(e.document.uri);
      this.settingsByUri.delete(e.document.uri);
      this.releaseTrees(e.document.uri);
      void c.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    });
    c.onHover(async (params, token) => {
      // Only on the text last analysed: a hover on an analysis of older text would point at the wrong lines.
      const s = this.current(params.textDocument.uri);
      if (!s?.patches || token.isCancellationRequested) return null;
      const d = await this.backend.hover(params.textDocument.uri, params.position);
      if (!d || this.current(params.textDocument.uri) !== s) return null;
      const links = this.commandLinks && d.links?.length ? `\n\n${hoverLinks(d.links, params.textDocument.uri)}` : '';
      return { contents: { kind: 'markdown', value: d.markdown + links }, range: d.range };
    });
    c.onCodeAction((params, token) => {
      const s = this.current(params.textDocument.uri);
      if (!s || token.isCancellationRequested) return [];
      return codeActions(s.shown, params.textDocument.uri, params.range, this.commandLinks);
    });
    c.onCodeLens((params, token) => {
      const s = this.current(params.textDocument.uri);
      if (!s?.patches || token.isCancellationRequested) return [];
      return codeLenses(s.patches, s.shown, params.textDocument.uri);
    });
    c.onRequest(REQUESTS.rules, () => defaultRules.map((r) => ({ id: r.id, severity: r.meta.defaultSeverity, summary: r.meta.summary })));
    c.onRequest(REQUESTS.ruleDoc, (raw: unknown) => {
      const { id } = stringParams(raw, ['id']);
      return Object.hasOwn(this.host.ruleDocs, id) ? this.host.ruleDocs[id] : null;
    });
    c.onRequest(REQUESTS.findingsText, (raw: unknown) => {
      const p = stringParams(raw, ['uri']);
      const s = this.current(p.uri);
      if (!s?.patches) return null;
      return toText([{ path: displayPath(p.uri), findings: s.shown }], s.patches.length);
    });
    // A finding's model view, with the form that runs its model again when it can be.
    c.onRequest(REQUESTS.model, (raw: unknown): (ModelView & Pick<ModelPanel, 'form'>) | null => {
      const p = stringParams(raw, ['uri', 'key']);
      const view = this.states.get(p.uri)?.shown.find((f) => f.key === p.key)?.model;
      if (!view) return null;
      const form = view.run ? panelForm(view.run) : null;
      return { ...view, ...(form ? { form } : {}) };
    });
    c.onRequest(REQUESTS.models, () => MODELS.map((m) => ({ id: m.id, summary: m.summary })));
    c.onRequest(REQUESTS.runModel, async (raw: unknown) => {
      const p = stringParams(raw, ['uri', 'model']);
      const args = (raw as { args?: unknown }).args;
      const given = args && typeof args === 'object' ? Object.entries(args).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
      return this.backend.runModel(p.uri, { model: p.model, args: Object.fromEntries(given) });
    });
    c.onRequest(REQUESTS.explanation, (raw: unknown) => {
      const p = stringParams(raw, ['uri', 'key']);
      const f = this.states.get(p.uri)?.shown.find((x) => x.key === p.key);
      return f ? { title: `${f.ruleId}: ${f.message}`, markdown: f.explanation || f.message } : null;
    });
    // The review reply, composed from the findings shown (all introduced ones not raised in the thread,
    // or those `keys` names): null while the document's last analysis is not of its current text.
    c.onRequest(REQUESTS.composeReply, async (raw: unknown): Promise<ComposedReply[] | null> => {
      const p = stringParams(raw, ['uri']);
      const o = raw as { keys?: unknown; from?: unknown };
      const keys = Array.isArray(o.keys) ? new Set(o.keys.filter((k): k is string => typeof k === 'string')) : null;
      // The reviewer's address: given with the request, else the mmReview.replyFrom setting (made one line by the reply).
      const from = (typeof o.from === 'string' ? o.from : (await this.settingsFor(p.uri)).replyFrom) || undefined;
      const s = this.current(p.uri);
      const doc = this.documents.get(p.uri);
      if (!s?.patches || !doc) return null;
      const findings = s.shown.filter((f) => f.origin === 'introduced' && (!keys || keys.has(f.key)));
      // Named findings go in even when the thread raised them: the reviewer asked for them.
      return composeReplies(ingest(doc.getText()), findings, { from, includeRaised: keys !== null }).map((r) => ({
        subject: r.subject,
        inReplyTo: r.inReplyTo,
        text: r.text,
        keys: r.findings.map((f) => f.key),
      }));
    });
    // One more finding in a reply the reviewer is editing: its new text, or null when it is not that reply's.
    c.onRequest(REQUESTS.addToReply, (raw: unknown): string | null => {
      const p = stringParams(raw, ['uri', 'key', 'reply']);
      const s = this.current(p.uri);
      const doc = this.documents.get(p.uri);
      const f = s?.shown.find((x) => x.key === p.key);
      if (!f || !doc) return null;
      return addToReply(p.reply, ingest(doc.getText()), f);
    });
    c.onRequest(REQUESTS.review, async (raw: unknown, token: CancellationToken) => {
      const p = stringParams(raw, ['uri']);
      await this.run(p.uri, token);
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'review cancelled');
      const s = this.states.get(p.uri);
      if (!s?.patches) return null;
      return { reviewed: s.reviewed, summary: countsText(s.shown), findings: s.shown.length, patches: s.patches.length };
    });
    this.documents.listen(c);
  }

  /** The state of a document whose last analysis matches its current text. */
  private current(uri: string): DocState | undefined {
    const s = this.states.get(uri);
    const doc = this.documents.get(uri);
    return s && doc && s.version === doc.version ? s : undefined;
  }

  private state(uri: string): DocState {
    let s = this.states.get(uri);
    if (!s) {
      s = { reviewed: false, shown: [], patches: null, version: -1, running: null };
      this.states.set(uri, s);
    }
    return s;
  }

  private settingsFor(uri: string): Promise<Settings> {
    if (!this.client.workspace?.configuration) return Promise.resolve(this.pushedSettings);
    let p = this.settingsByUri.get(uri);
    if (!p) {
      p = this.connection.workspace.getConfiguration({ scopeUri: uri, section: 'mmReview' }).then(
        (raw: unknown) => (raw ? this.readSettings(raw) : this.pushedSettings),
        () => this.pushedSettings,
      );
      this.settingsByUri.set(uri, p);
    }
    return p;
  }

  /** Settings as the client sent them; what was wrong is shown to the user, once. */
  private readSettings(raw: unknown): Settings {
    const { settings, problems } = readSettingsWithProblems(raw);
    this.warn(problems);
    return settings;
  }

  private warn(problems: string[]): void {
    if (!problems.length) return;
    const text = `mm-review left out what it could not read:\n${problems.join('\n')}`;
    if (this.warned.has(text)) return;
    this.warned.add(text);
    void this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: text });
  }

  /** The innermost workspace folder holding `uri`. */
  private folderOf(uri: string): string | undefined {
    return this.folders.filter((f) => uri.startsWith(f)).sort((a, b) => b.length - a.length)[0];
  }

  /** The `.mm-review.json` of the workspace folder holding `uri` (none in an untrusted workspace). */
  private workspacePairsFor(uri: string): Promise<Partial<PairTable>> {
    const folder = this.folderOf(uri);
    if (!folder || !this.trusted || !this.host.readFile) return Promise.resolve({});
    let p = this.workspacePairs.get(folder);
    if (!p) {
      const file = folder + CONFIG_FILE;
      p = this.host.readFile(file).then(
        (text) => {
          if (text === null) return {};
          const { table, problems } = parsePairConfig(text, displayPath(file));
          this.warn(problems);
          return table;
        },
        (e: Error) => {
          this.warn([`${displayPath(file)} is not read: ${e.message}`]);
          return {};
        },
      );
      this.workspacePairs.set(folder, p);
    }
    return p;
  }

  /**
   * The kernel tree a document is checked against: the `kernelTree` setting's directory, or by default
   * the workspace folder holding the document when it looks like a Linux tree (and the workspace is
   * trusted). Its searches run in the background with progress; when one finishes, the documents that
   * use the tree are checked again.
   */
  private treeFor(uri: string, settings: Settings): string | null {
    if (settings.kernelTree === 'off' || !this.trusted) return null;
    let root: string | null = null;
    if (settings.kernelTree) root = /^[a-z][\w+.-]*:/i.test(settings.kernelTree) ? settings.kernelTree : pathToFileURL(settings.kernelTree).href;
    else {
      const folder = this.folderOf(uri) ?? (this.folders.length === 1 ? this.folders[0] : undefined);
      if (folder && this.host.looksLikeKernelTree?.(folder)) root = folder;
    }
    if (!root) return null;
    let entry = this.trees.get(root);
    if (!entry) {
      const real = this.host.realUri?.(root);
      entry = {
        prefixes: [...new Set([root, ...(real ? [real] : [])])].map((r) => (r.endsWith('/') ? r : r + '/')),
        users: new Set(),
        progress: null,
        watch: null,
      };
      this.trees.set(root, entry);
    }
    entry.users.add(uri);
    if (!entry.watch && this.client.workspace?.didChangeWatchedFiles?.dynamicRegistration)
      entry.watch = this.connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: this.under(entry.prefixes[0], SOURCE_GLOB) }],
      });
    return root;
  }

  /**
   * A glob for `pattern` under the folder `base` (a URI ending in `/`): relative to it where the client takes
   * relative patterns, else the folder's path written into the glob.
   */
  private under(base: string, pattern: string): GlobPattern {
    if (this.client.workspace?.didChangeWatchedFiles?.relativePatternSupport) return { baseUri: base, pattern };
    const dir = base.startsWith('file:') ? fileURLToPath(base) : base;
    return `${dir.replace(/[/\\]$/, '')}/${pattern}`;
  }

  private treeSearchStarted(root: string): void {
    const entry = this.trees.get(root);
    if (!entry || entry.progress || this.client.window?.workDoneProgress !== true) return;
    entry.progress = this.connection.window.createWorkDoneProgress().then(
      (p) => (p.begin('mm-review', undefined, `searching the kernel tree ${displayPath(root)}`, false), p),
      () => null,
    );
  }

  /** A search is done: progress ends when none is left, and the documents using the tree are checked again. */
  private treeSearchDone(root: string, searching: number): void {
    const entry = this.trees.get(root);
    if (!entry) return;
    if (searching === 0 && entry.progress) {
      void entry.progress.then((p) => p?.done());
      entry.progress = null;
    }
    for (const user of entry.users) this.schedule(user, 'settings');
  }

  /** C files changed: each tree holding one forgets its searches, and its documents are checked again. */
  private treeFilesChanged(uris: string[]): void {
    if (!uris.length) return;
    for (const [root, entry] of this.trees) {
      if (!uris.some((u) => entry.prefixes.some((p) => u.startsWith(p)))) continue;
      this.backend.tree('forget', root);
      for (const user of entry.users) this.schedule(user, 'settings');
    }
  }

  /** A closed document no longer wants its tree: with no document left, its searches stop. */
  private releaseTrees(uri: string): void {
    for (const [root, entry] of this.trees) {
      if (!entry.users.delete(uri) || entry.users.size) continue;
      this.backend.tree('cancel', root);
      // A client that fails the unregistration leaves a watcher behind: nothing to do about it here.
      void entry.watch?.then(
        (d) => Promise.resolve(d.dispose()).catch(() => undefined),
        () => undefined,
      );
      entry.watch = null;
      void entry.progress?.then((p) => p?.done());
      entry.progress = null;
    }
  }

  private schedule(uri: string, reason: 'open' | 'change' | 'save' | 'settings'): void {
    this.state(uri);
    // No wait for typing to pause, not even a timer's turn: a re-check redoes only the images an edit
    // changed (the engine's caches), and the run of the next edit cancels this one (see run()).
    void this.settingsFor(uri).then((settings) => {
      if (reason === 'change' && settings.run === 'onSave') return;
      void this.run(uri);
    });
  }

  /** Analyses the document's current text and publishes; a newer run cancels an older one. */
  private async run(uri: string, token?: CancellationToken): Promise<void> {
    const doc = this.documents.get(uri);
    if (!doc) return;
    const s = this.state(uri);
    s.running?.cancel();
    const run = { cancelled: false, cancel: (): void => void (run.cancelled = true) };
    s.running = run;
    const settings = await this.settingsFor(uri);
    const pairs = combinePairTables(await this.workspacePairsFor(uri), { pairs: settings.pairs, lifecycles: settings.lifecycles });
    if (run.cancelled) return;
    const t0 = performance.now();
    const ui: { progress: WorkDoneProgressServerReporter | null; creating: boolean; finished: boolean } = { progress: null, creating: false, finished: false };
    const supportsProgress = this.client.window?.workDoneProgress === true;
    const treeRoot = this.treeFor(uri, settings);
    const options: AnalyzeOptions = {
      rules: settings.rules,
      maxDocumentChars: Math.floor(settings.maxDocumentSizeMiB * 1024 * 1024),
      pairs,
      findings: settings.findings,
      footprint: { cpus: settings.footprintCpus, pools: settings.footprintPools },
      treeRoot,
    };
    // A document in another language than a patch's or a mail's (plain text: a mail saved as .txt, or any
    // other text) is reviewed if it holds a patch or C, and otherwise left alone.
    const onlyIfCode = !PATCH_LANGUAGES.has(doc.languageId);
    const quickFirst = s.patches === null && doc.lineCount > FIRST_LOOK_LINES && !onlyIfCode;
    const version = doc.version;
    const analysis = this.backend.analyze(
      uri,
      doc.getText(),
      options,
      { quickFirst, onlyIfCode },
      {
        progress: (fraction) => {
          const percentage = Math.round(fraction * 100);
          if (ui.progress) ui.progress.report(percentage);
          else if (!ui.creating && supportsProgress && performance.now() - t0 > PROGRESS_AFTER_MS) {
            ui.creating = true;
            void this.connection.window.createWorkDoneProgress().then((p) => {
              // The analysis may have ended while the client was creating the token.
              if (ui.finished) return void p.done();
              ui.progress = p;
              p.begin('mm-review', percentage, `reviewing ${displayPath(uri)}`, true);
            });
          }
          if (token?.isCancellationRequested || ui.progress?.token.isCancellationRequested) run.cancel();
        },
        quick: (shown) => {
          if (run.cancelled || this.states.get(uri) !== s) return;
          void this.connection.sendDiagnostics({ uri, version, diagnostics: shown.map((f) => toDiagnostic(f, uri)) });
        },
      },
    );
    // A cancellation from an edit, the client or the progress bar reaches the analysis at once.
    run.cancel = (): void => {
      run.cancelled = true;
      analysis.cancel();
    };
    const cancelWatch = token?.onCancellationRequested(() => run.cancel());
    let outcome: Awaited<typeof analysis.result>;
    try {
      outcome = await analysis.result;
    } catch (e) {
      this.warn([`an analysis of ${displayPath(uri)} failed: ${(e as Error).message.split('\n')[0]}`]);
      outcome = null;
    } finally {
      cancelWatch?.dispose();
      ui.finished = true;
      ui.progress?.done();
      if (s.running === run) s.running = null;
    }
    if (!outcome || run.cancelled || this.states.get(uri) !== s) return;
    s.reviewed = outcome.reviewed;
    s.shown = outcome.shown;
    s.patches = outcome.patches;
    s.version = version;
    await this.connection.sendDiagnostics({ uri, version, diagnostics: s.shown.map((f) => toDiagnostic(f, uri)) });
    void this.connection.sendNotification(NOTIFICATIONS.status, { uri, reviewed: s.reviewed });
    if (this.client.workspace?.codeLens?.refreshSupport) void this.connection.sendRequest(CodeLensRefreshRequest.type);
  }
}

/** The named string members of a request's params; anything else is invalid params, not an internal error. */
function stringParams<K extends string>(raw: unknown, keys: K[]): Record<K, string> {
  const o = raw as Record<string, unknown> | null;
  const bad = !o || typeof o !== 'object' || Array.isArray(o) ? keys : keys.filter((k) => typeof o[k] !== 'string');
  if (bad.length) throw new ResponseError(ErrorCodes.InvalidParams, `expected params with string ${bad.join(', ')}`);
  return o as Record<K, string>;
}

function displayPath(uri: string): string {
  return uri.startsWith('file://') ? decodeURIComponent(uri.slice('file://'.length)) : uri;
}
