/**
 * @file LSP timings against the built server (dist/server.js over stdio) on a 10,000-line series:
 * didOpen → publishDiagnostics in a fresh server, and didChange (one line) → publishDiagnostics.
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
  for (let r = 0; r < runs; r++) {
    const client = new LspTestClient(process.execPath, [server, '--stdio']);
    await client.initialize();
    const uri = `file:///bench/series-${r}.mbox`;
    const published = client.diagnostics(uri);
    const t = performance.now();
    await client.open(uri, text, 'mm-mail');
    await published;
    open.push(performance.now() - t);
    await client.stop();
  }
  const client = new LspTestClient(process.execPath, [server, '--stdio']);
  await client.initialize();
  const uri = 'file:///bench/series-edit.mbox';
  const first = client.diagnostics(uri);
  await client.open(uri, text, 'mm-mail');
  await first;
  // A running server opening documents it has not seen: other series of the same size.
  const openWarm: number[] = [];
  for (let r = 0; r < runs; r++) {
    const other = syntheticSeries(40, 1000 + r).text;
    const u = `file:///bench/other-${r}.mbox`;
    const published = client.diagnostics(u);
    const t = performance.now();
    await client.open(u, other, 'mm-mail');
    await published;
    openWarm.push(performance.now() - t);
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
    didOpenRunningServerMedianMs: +median(openWarm).toFixed(1),
    didChangeToDiagnosticsMedianMs: +median(change).toFixed(1),
    didChangeToDiagnosticsMaxMs: +Math.max(...change).toFixed(1),
    runs,
    edits,
  };
}
