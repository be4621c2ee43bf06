/** Neovim (Debian's, 0.7), headless, with its built-in LSP client, receives the server's diagnostics. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readmeBlock, repoRoot, seedsSkip, staleCallSeed } from '../test/helpers';
import { missing } from './setup';

/** The README's configuration for Neovim 0.7, pointed at this checkout's server. */
function readmeConfig(): string {
  const block = readmeBlock('lua', 'start_client');
  const command = "cmd = { 'mm-review', 'lsp', '--stdio' }";
  assert.ok(block.includes(command));
  return block.replace(command, "cmd = { vim.env.MM_NODE, vim.env.MM_CLI, 'lsp', '--stdio' }");
}

/** Waits for the diagnostics of the buffer the configuration attached to, and writes them out. */
const DUMP = `
local bufnr = vim.api.nvim_get_current_buf()
vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
local out = {}
for _, d in ipairs(vim.diagnostic.get(bufnr)) do
  local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or ''
  table.insert(out, string.format('%d:%d:%d:%s:%s', d.lnum + 1, d.col + 1, d.severity, code, d.message))
end
table.sort(out, function(a, b) return tonumber(a:match('^%d+')) < tonumber(b:match('^%d+')) end)
vim.fn.writefile(out, vim.env.MM_OUT)
vim.cmd('qa!')
`;

for (const ext of ['.patch', '.mbox', '.eml', '.txt']) {
  test(`Neovim, configured as the README says, receives the diagnostics for a patch saved as ${ext}`, async (t) => {
    const skip = seedsSkip() || missing(['nvim']);
    if (skip) return t.skip(skip);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mm-review-nvim-'));
    const patch = path.join(dir, `stale-call${ext}`);
    fs.writeFileSync(patch, staleCallSeed());
    fs.writeFileSync(path.join(dir, 'init.lua'), readmeConfig());
    fs.writeFileSync(path.join(dir, 'dump.lua'), DUMP);
    const out = path.join(dir, 'diagnostics.txt');
    // -u init.lua: only the README's configuration; its autocommand attaches the server.
    const r = spawnSync('nvim', ['--headless', '-u', path.join(dir, 'init.lua'), '-i', 'NONE', patch, '-c', `luafile ${path.join(dir, 'dump.lua')}`], {
      env: { ...process.env, MM_NODE: process.execPath, MM_CLI: path.join(repoRoot, 'dist', 'cli.js'), MM_OUT: out },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    const got = fs.readFileSync(out, 'utf8').trim().split('\n');
    // nvim severities: 1 error, 3 information.
    assert.deepEqual(
      got.map((l) => l.split(':').slice(0, 4).join(':')),
      ['135:8:3:parameter-dropped', '241:3:1:prototype-mismatch', '264:8:3:parameter-dropped'],
    );
    assert.match(got[1], /`vmemmap_populate\(\)` is called with 4 arguments/);
  });
}
