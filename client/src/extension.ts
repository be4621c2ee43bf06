/**
 * @file The VS Code extension: starts the language server (dist/server.js over IPC) for diffs, patch mail
 * and plain text (a list message saved as `.txt`, mail pasted into an untitled buffer: the server reviews
 * plain text that holds a patch or C, and leaves other text alone); adds commands, a status bar count, and
 * the rule docs. Everything it shows comes from the server.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { randomBytes } from 'node:crypto';
import { escapeHtml, formRun, modelPage, type ModelPanel } from './model-page';

const REQUESTS = {
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
};

/** A reply the server composed (see ComposedReply in server.ts). */
interface ComposedReply {
  subject: string;
  inReplyTo: string | null;
  text: string;
  keys: string[];
}

/** The language of reply documents: not one the server reviews (a reply quotes the patch it answers). */
const REPLY_LANGUAGE = 'mm-reply';
const STATUS = 'mmReview/status';
const DOC_SCHEME = 'mm-review-doc';
const SOURCE = 'mm-review';

let client: LanguageClient | undefined;

/** A finding's key as a file name for a preview's tab (the key itself travels in the query). */
const slug = (key: string): string => key.replace(/[^\w.-]+/g, '-').slice(0, 60);

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'diff' }, { language: 'mm-mail' }, { language: 'plaintext' }],
    synchronize: { configurationSection: 'mmReview' },
    // An untrusted workspace's .mm-review.json is not read; granting trust restarts the server to read it.
    // Hovers end in links to the extension's commands (model, full explanation, rule documentation).
    initializationOptions: () => ({ workspaceTrusted: vscode.workspace.isTrusted, commandLinks: true }),
    markdown: { isTrusted: { enabledCommands: ['mmReview.showModel', 'mmReview.runModel', 'mmReview.showExplanation', 'mmReview.showRuleDocumentation'] } },
  };
  client = new LanguageClient('mmReview', 'mm-review', serverOptions, clientOptions);
  await client.start();
  const c = client;
  context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void c.restart()));

  // Markdown the server gives, as documents the markdown preview shows: rule documentation under
  // mm-review-doc:/rules/<id>.md (the diagnostics' code links point there), a finding's whole explanation
  // under /explanation/… (the document and the finding in the query).
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(DOC_SCHEME, {
      provideTextDocumentContent: async (uri) => {
        if (uri.path.startsWith('/rules/')) {
          const id = uri.path.replace(/^\/rules\//, '').replace(/\.md$/, '');
          return ((await c.sendRequest(REQUESTS.ruleDoc, { id })) as string | null) ?? `# ${id}\n\nNo documentation for this rule.`;
        }
        const { uri: doc, key } = JSON.parse(uri.query) as { uri: string; key: string };
        const r = (await c.sendRequest(REQUESTS.explanation, { uri: doc, key })) as { title: string; markdown: string } | null;
        return r ? `# ${r.title}\n\n${r.markdown}` : '# Not available\n\nThe document was checked again since; hover the finding again.';
      },
    }),
  );
  // A link that opens one of those as text (a diagnostic's rule link) shows the preview instead.
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(async (editor) => {
      const uri = editor?.document.uri;
      if (uri?.scheme !== DOC_SCHEME) return;
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    }),
  );
  const preview = async (uri: vscode.Uri): Promise<void> => {
    try {
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    } catch {
      await vscode.window.showTextDocument(uri, { preview: true, viewColumn: vscode.ViewColumn.Beside });
    }
  };

  /** One of the ids a server request lists (rules, models), picked by the user with their summaries. */
  const pickId = async (request: string, placeHolder: string): Promise<string | undefined> => {
    const items = (await c.sendRequest(request, {})) as { id: string; summary: string }[];
    return (
      await vscode.window.showQuickPick(
        items.map((i) => ({ label: i.id, detail: i.summary })),
        { placeHolder },
      )
    )?.label;
  };

  /** The reply documents opened for each reviewed document (by its URI), for "Add to reply". */
  const openReplies = new Map<string, vscode.TextDocument[]>();
  /** A reply as a new, unsaved document beside the patch, for the reviewer to edit and save as .eml (From: mmReview.replyFrom). */
  const openReply = async (source: string, r: ComposedReply, preserveFocus: boolean): Promise<void> => {
    const reply = await vscode.workspace.openTextDocument({ language: REPLY_LANGUAGE, content: r.text });
    openReplies.set(source, [...(openReplies.get(source) ?? []).filter((d) => !d.isClosed), reply]);
    await vscode.window.showTextDocument(reply, { viewColumn: vscode.ViewColumn.Beside, preserveFocus, preview: false });
  };

  // Plain-text documents the server found a patch or C in (the others it leaves alone).
  const reviewedText = new Set<string>();

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  status.command = 'workbench.actions.view.problems';
  context.subscriptions.push(status);
  const refreshStatus = (): void => {
    const doc = vscode.window.activeTextEditor?.document;
    const ours = doc ? vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === SOURCE) : [];
    if (!doc || (!['diff', 'mm-mail'].includes(doc.languageId) && !reviewedText.has(doc.uri.toString()))) {
      status.hide();
      return;
    }
    const n = (s: vscode.DiagnosticSeverity): number => ours.filter((d) => d.severity === s).length;
    status.text = `mm-review $(error) ${n(vscode.DiagnosticSeverity.Error)} $(warning) ${n(vscode.DiagnosticSeverity.Warning)} $(info) ${n(vscode.DiagnosticSeverity.Information)}`;
    status.tooltip = 'mm-review findings in this document';
    status.show();
  };
  context.subscriptions.push(vscode.languages.onDidChangeDiagnostics(refreshStatus), vscode.window.onDidChangeActiveTextEditor(refreshStatus));
  context.subscriptions.push(
    c.onNotification(STATUS, (p: { uri: string; reviewed: boolean }) => {
      if (p.reviewed) reviewedText.add(p.uri);
      else reviewedText.delete(p.uri);
      refreshStatus();
    }),
  );
  refreshStatus();

  context.subscriptions.push(
    vscode.commands.registerCommand('mmReview.reviewFile', async () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc) return;
      const r = (await c.sendRequest(REQUESTS.review, { uri: doc.uri.toString() })) as { reviewed: boolean; summary: string; patches: number } | null;
      const message = !r
        ? 'mm-review: this document is not being reviewed (open a .patch, .diff, .mbox, .eml or a mail saved as text)'
        : !r.reviewed
          ? 'mm-review: no patch or C code found in this document'
          : `mm-review: ${r.summary} in ${r.patches} patch${r.patches === 1 ? '' : 'es'}`;
      void vscode.window.showInformationMessage(message);
    }),
    vscode.commands.registerCommand('mmReview.showRuleDocumentation', async (ruleId?: string) => {
      let id = typeof ruleId === 'string' ? ruleId : undefined;
      id ??= await pickId(REQUESTS.rules, 'Which rule?');
      if (!id) return;
      await preview(vscode.Uri.parse(`${DOC_SCHEME}:/rules/${id}.md`));
    }),
    vscode.commands.registerCommand('mmReview.copyFindings', async () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc) return;
      const text = (await c.sendRequest(REQUESTS.findingsText, { uri: doc.uri.toString() })) as string | null;
      if (text === null) return void vscode.window.showInformationMessage('mm-review: no findings for this document yet');
      await vscode.env.clipboard.writeText(text);
      void vscode.window.showInformationMessage('mm-review: findings copied');
    }),
    vscode.commands.registerCommand('mmReview.composeReply', async () => {
      const doc = vscode.window.activeTextEditor?.document;
      if (!doc) return;
      const replies = (await c.sendRequest(REQUESTS.composeReply, { uri: doc.uri.toString() })) as ComposedReply[] | null;
      if (replies === null)
        return void vscode.window.showInformationMessage('mm-review: this document has not been checked yet (or is being checked again); try again');
      if (!replies.length)
        return void vscode.window.showInformationMessage('mm-review: nothing to reply: no finding, or every one already raised in the thread');
      for (const [i, r] of replies.entries()) await openReply(doc.uri.toString(), r, i > 0);
    }),
    vscode.commands.registerCommand('mmReview.addToReply', async (uri: string, key: string) => {
      // The reply being written to the finding's message, if one is open; else a new one with this finding.
      for (const reply of openReplies.get(uri) ?? []) {
        if (reply.isClosed) continue;
        const text = (await c.sendRequest(REQUESTS.addToReply, { uri, key, reply: reply.getText() })) as string | null;
        if (text === null) continue;
        const edit = new vscode.WorkspaceEdit();
        edit.replace(reply.uri, new vscode.Range(reply.positionAt(0), reply.positionAt(reply.getText().length)), text);
        await vscode.workspace.applyEdit(edit);
        await vscode.window.showTextDocument(reply, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
        return;
      }
      const replies = (await c.sendRequest(REQUESTS.composeReply, { uri, keys: [key] })) as ComposedReply[] | null;
      if (!replies?.length) return void vscode.window.showInformationMessage('mm-review: the document was checked again since; try again');
      await openReply(uri, replies[0], false);
    }),
    vscode.commands.registerCommand('mmReview.showModel', async (uri: string, key: string) => {
      const model = (await c.sendRequest(REQUESTS.model, { uri, key })) as ModelPanel | null;
      if (!model) return void vscode.window.showInformationMessage('mm-review: the document was checked again since; use the lens again');
      await showModelPanel(c, uri, model);
    }),
    vscode.commands.registerCommand('mmReview.runModel', async (uri?: string, model?: string, args?: Record<string, string>) => {
      // From the palette: which model, on the active document (the models that read a patch read it).
      if (typeof uri !== 'string' || typeof model !== 'string') {
        model = await pickId(REQUESTS.models, 'Which model?');
        uri = vscode.window.activeTextEditor?.document.uri.toString() ?? '';
        args = {};
        if (!model) return;
      }
      const panel = (await c.sendRequest(REQUESTS.runModel, { uri, model, args: args ?? {} })) as ModelPanel | null;
      if (!panel) return void vscode.window.showInformationMessage('mm-review: the model could not run (the analysis restarted); try again');
      await showModelPanel(c, uri, panel);
    }),
    vscode.commands.registerCommand('mmReview.showExplanation', async (uri: string, key: string) => {
      await preview(vscode.Uri.from({ scheme: DOC_SCHEME, path: `/explanation/${slug(key)}.md`, query: JSON.stringify({ uri, key }) }));
    }),
  );
}

/** One panel for models, reused: the verdict and the picture first, then how the model reached it. */
let modelPanel: { panel: vscode.WebviewPanel; uri: string; shown: ModelPanel } | undefined;

async function showModelPanel(c: LanguageClient, uri: string, model: ModelPanel): Promise<void> {
  // The built-in markdown extension renders as the preview does; its output goes into a page whose only
  // script is the form's own (a nonce), which posts the parameters back here.
  const body = ((await vscode.commands.executeCommand('markdown.api.render', model.markdown)) as string | undefined) ?? escapeHtml(model.markdown);
  if (!modelPanel) {
    const panel = vscode.window.createWebviewPanel(
      'mmReview.model',
      model.title,
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [] },
    );
    const state = { panel, uri, shown: model };
    modelPanel = state;
    panel.onDidDispose(() => (modelPanel = undefined));
    panel.webview.onDidReceiveMessage(async (m: unknown) => {
      const run = formRun(state.shown, m);
      if (!run) return;
      const next = (await c.sendRequest(REQUESTS.runModel, { uri: state.uri, model: run.model, args: run.args })) as ModelPanel | null;
      if (next) await showModelPanel(c, state.uri, next);
    });
  }
  modelPanel.uri = uri;
  modelPanel.shown = model;
  modelPanel.panel.title = model.title;
  modelPanel.panel.webview.html = modelPage(modelPanel.panel.webview.cspSource, model, body, randomBytes(16).toString('base64'));
  modelPanel.panel.reveal(vscode.ViewColumn.Beside, true);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
