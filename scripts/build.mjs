// Builds dist/: the CLI bundle and, next to it, the two WASM files it loads. Also places the grammar
// in grammars/ after checking it is the file PROVENANCE.md names (by SHA-256).
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const runtimeDir = dirname(require.resolve('web-tree-sitter/web-tree-sitter.wasm'));
const grammarWasm = join(dirname(require.resolve('tree-sitter-c/package.json')), 'tree-sitter-c.wasm');

const provenance = readFileSync(join(root, 'grammars', 'PROVENANCE.md'), 'utf8');
for (const [file, path] of [
  ['tree-sitter-c.wasm', grammarWasm],
  ['web-tree-sitter.wasm', join(runtimeDir, 'web-tree-sitter.wasm')],
]) {
  const sha = createHash('sha256').update(readFileSync(path)).digest('hex');
  if (!provenance.includes(sha)) {
    console.error(`build: ${file} (${path}) has SHA-256 ${sha}, which grammars/PROVENANCE.md does not list`);
    process.exit(1);
  }
}

mkdirSync(join(root, 'dist'), { recursive: true });
copyFileSync(grammarWasm, join(root, 'grammars', 'tree-sitter-c.wasm'));
copyFileSync(grammarWasm, join(root, 'dist', 'tree-sitter-c.wasm'));
copyFileSync(join(runtimeDir, 'web-tree-sitter.wasm'), join(root, 'dist', 'web-tree-sitter.wasm'));

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // The ESM build of web-tree-sitter loses import.meta.url in a CommonJS bundle, silently.
  alias: { 'web-tree-sitter': join(runtimeDir, 'web-tree-sitter.cjs') },
};

// The rule documentation travels inside the bundles: the .vsix ships no docs folder.
const ruleDocs = {
  name: 'rule-docs',
  setup(b) {
    b.onResolve({ filter: /^mm-review-rule-docs$/ }, (a) => ({ path: a.path, namespace: 'rule-docs' }));
    b.onLoad({ filter: /.*/, namespace: 'rule-docs' }, () => {
      const dir = join(root, 'docs', 'rules');
      const docs = Object.fromEntries(
        readdirSync(dir)
          .filter((f) => f.endsWith('.md'))
          .map((f) => [f.slice(0, -3), readFileSync(join(dir, f), 'utf8')]),
      );
      return { contents: JSON.stringify(docs), loader: 'json' };
    });
  },
};

await Promise.all([
  // dist/cli.js is the launcher (a compile cache, WebAssembly flags); the command line is dist/cli-main.js.
  build({ ...common, plugins: [ruleDocs], entryPoints: [join(root, 'server/src/cli/cli-entry.ts')], outfile: join(root, 'dist/cli-main.js') }),
  build({ ...common, entryPoints: [join(root, 'server/src/cli/launcher.ts')], outfile: join(root, 'dist/cli.js'), banner: { js: '#!/usr/bin/env node' } }),
  build({ ...common, plugins: [ruleDocs], entryPoints: [join(root, 'server/src/lsp/server-entry.ts')], outfile: join(root, 'dist/server-main.js') }),
  build({ ...common, entryPoints: [join(root, 'server/src/lsp/server-launcher.ts')], outfile: join(root, 'dist/server.js') }),
  // The language server's analyses run on a worker thread, from their own bundle beside it.
  build({ ...common, entryPoints: [join(root, 'server/src/host/analysis-worker.ts')], outfile: join(root, 'dist/analysis-worker-main.js') }),
  build({ ...common, entryPoints: [join(root, 'server/src/host/worker-launcher.ts')], outfile: join(root, 'dist/analysis-worker.js') }),
  build({ ...common, entryPoints: [join(root, 'client/src/extension.ts')], outfile: join(root, 'dist/extension.js'), external: ['vscode'] }),
]);
chmodSync(join(root, 'dist/cli.js'), 0o755);
