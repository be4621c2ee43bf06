/**
 * @file LSP timings against the built server (dist/server.js over stdio) on a 10,000-line series:
 * didOpen → publishDiagnostics in a fresh server and in a running one, and didChange (one line) →
 * publishDiagnostics. A document this long is published twice on opening: first without the
 * rules that read whole functions, then complete; both times are reported.
 */
import * as path from 'node:path';
import { LspTestClient } from '../test/lsp/client';
import { median } from './stats';
import { syntheticSeries } from './synthetic';

export async function lspTimings(repo: string, runs = 5, edits = 30): Promise<object> {
  const s = syntheticSeries(40);
  const text = s.text;
  const lines = text.split('\n');
  const server = path.join(repo, 'dist', 'server.js');
  const open: number[] = [];
  const openComplete: number[] = [];
  /** Opens a document; resolves with the times to its first and to its complete diagnostics. */
  const timeOpen = async (client: LspTestClient, uri: string, body: string): Promise<[number, number]> => {
    let count = 0;
    const first = client.diagnostics(uri);
    const complete = client.diagnostics(uri, () => ++count === 2);
    const t = performance.now();
    await client.open(uri, body, 'mm-mail');
    await first;
    const firstMs = performance.now() - t;
    await complete;
    return [firstMs, performance.now() - t];
  };
  for (let r = 0; r < runs; r++) {
    const client = new LspTestClient(process.execPath, [server, '--stdio']);
    await client.initialize();
    const [firstMs, completeMs] = await timeOpen(client, `file:///bench/series-${r}.mbox`, text);
    open.push(firstMs);
    openComplete.push(completeMs);
    await client.stop();
  }
  const client = new LspTestClient(process.execPath, [server, '--stdio']);
  await client.initialize();
  const uri = 'file:///bench/series-edit.mbox';
  await timeOpen(client, uri, text);
  // A running server opening documents it has not seen: other series of the same size.
  const openWarm: number[] = [];
  const openWarmComplete: number[] = [];
  for (let r = 0; r < runs; r++) {
    const [firstMs, completeMs] = await timeOpen(client, `file:///bench/other-${r}.mbox`, syntheticSeries(40, 1000 + r).text);
    openWarm.push(firstMs);
    openWarmComplete.push(completeMs);
  }
  const editable = lines.map((l, i) => (l.startsWith('+\t') ? i : -1)).filter((i) => i >= 0);
  const change: number[] = [];
  for (let k = 0; k < edits; k++) {
    const at = editable[Math.floor((k + 0.5) * (editable.length / edits))];
    const version = k + 2;
    const published = client.diagnostics(uri, (p) => p.version === version);
    const t = performance.now();
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: at, character: lines[at].length }, end: { line: at, character: lines[at].length } }, text: ' /* edited */' }],
    });
    await published;
    change.push(performance.now() - t);
  }
  await client.stop();
  return {
    series: { patches: s.patches, diffLines: s.diffLines, documentLines: lines.length },
    didOpenFreshServerMedianMs: +median(open).toFixed(1),
    didOpenFreshServerMaxMs: +Math.max(...open).toFixed(1),
    didOpenFreshServerCompleteMedianMs: +median(openComplete).toFixed(1),
    didOpenRunningServerMedianMs: +median(openWarm).toFixed(1),
    didOpenRunningServerCompleteMedianMs: +median(openWarmComplete).toFixed(1),
    didChangeToDiagnosticsMedianMs: +median(change).toFixed(1),
    didChangeToDiagnosticsP95Ms: +[...change].sort((a, b) => a - b)[Math.ceil(change.length * 0.95) - 1].toFixed(1),
    didChangeToDiagnosticsMaxMs: +Math.max(...change).toFixed(1),
    runs,
    edits,
  };
}
