/**
 * @file The model panel's page, apart from VS Code's API so it can be tested: the verdict, the form that
 * runs the model again, the picture, the model's markdown rendered; and the filter on what the page posts
 * back (only the form it was given: its model, its parameters, short strings).
 */
// What the server sends for the panel: the core's type, imported as a type only (nothing of the core is bundled).
import type { ModelPanel } from '../../server/src/core/models/model-panel';

export type { ModelPanel };

/** A message from the page, accepted only as the form it was given: its model, its parameters, strings. */
export function formRun(shown: ModelPanel, m: unknown): { model: string; args: Record<string, string> } | null {
  const form = shown.form;
  const o = m as { model?: unknown; args?: unknown } | null;
  if (!form || !o || o.model !== form.model || !o.args || typeof o.args !== 'object') return null;
  const args: Record<string, string> = {};
  for (const p of form.params) {
    const v = (o.args as Record<string, unknown>)[p.name];
    if (typeof v === 'string' && v.length <= 500) args[p.name] = v;
  }
  return { model: form.model, args };
}

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

/** The form that runs the model again: one field per parameter, the defaults as placeholders. */
function formHtml(model: ModelPanel): string {
  const form = model.form;
  if (!form) return '';
  const fields = form.params
    .map(
      (p) =>
        `<label title="${escapeHtml(p.description)}"><span>${escapeHtml(p.name)}</span><input name="${escapeHtml(p.name)}" value="${escapeHtml(p.value)}" placeholder="${escapeHtml(p.default ?? '')}"></label>`,
    )
    .join('\n');
  return `<form id="run" data-model="${escapeHtml(form.model)}">${fields}<button type="submit">Run ${escapeHtml(form.model)}</button></form>`;
}

/** The panel's page: only the form's script runs, nothing is fetched; the editor's theme colours through its CSS variables. */
export function modelPage(cspSource: string, model: ModelPanel, body: string, nonce: string): string {
  const csp = `default-src 'none'; style-src 'unsafe-inline' ${cspSource}; img-src ${cspSource} data:; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>${escapeHtml(model.title)}</title>
<style>
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); padding: 0 16px 24px; }
  .picture { margin: 12px 0 20px; }
  .picture svg { max-width: 100%; height: auto; }
  table { border-collapse: collapse; margin: 8px 0; }
  th, td { border: 1px solid var(--vscode-editorWidget-border, #8884); padding: 2px 8px; text-align: left; }
  code { font-family: var(--vscode-editor-font-family); }
  form { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: end; margin: 8px 0 12px; }
  label { display: flex; flex-direction: column; font-size: 0.9em; }
  input { background: var(--vscode-input-background); color: var(--vscode-input-foreground); border: 1px solid var(--vscode-input-border, #8884); padding: 2px 4px; width: 9em; }
  button { background: var(--vscode-button-background); color: var(--vscode-button-foreground); border: none; padding: 4px 12px; cursor: pointer; }
  .error { color: var(--vscode-errorForeground); }
</style>
</head>
<body>
<h1>${escapeHtml(model.title)}</h1>
${model.error ? `<p class="error">${escapeHtml(model.error)}</p>` : ''}
${formHtml(model)}
${model.svg ? `<div class="picture">${model.svg}</div>` : ''}
${body}
<script nonce="${nonce}">
  const vscode = acquireVsCodeApi();
  const form = document.getElementById('run');
  if (form) form.addEventListener('submit', (e) => {
    e.preventDefault();
    const args = {};
    for (const input of form.querySelectorAll('input')) if (input.value.trim()) args[input.name] = input.value.trim();
    vscode.postMessage({ model: form.dataset.model, args });
  });
</script>
</body>
</html>`;
}
