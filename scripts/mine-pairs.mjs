#!/usr/bin/env node
// Mines paired operations from a kernel tree's headers into server/src/core/kernel/mined-pairs.json, committed
// with its provenance (the tree's version and what each source gave). What is mined, and how, is the core's
// pair miner (server/src/core/kernel/pair-miner.ts, which the language server and CLI also run on the
// reviewer's tree); pairs the default table already names are left out. Only reads files; runs nothing in the tree.
//
//   npm run -s compile && node scripts/mine-pairs.mjs [TREE]   (default .cache/linux-source-6.12; npm run setup:e2e fetches it)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tree = resolve(process.argv[2] ?? join(root, '.cache/linux-source-6.12'));
const out = join(root, 'server/src/core/kernel/mined-pairs.json');
const require = createRequire(import.meta.url);
const { minePairs, coveredBy } = require(join(root, 'out/server/src/core/kernel/pair-miner.js'));
const { DEFAULT_PAIRS } = require(join(root, 'out/server/src/core/kernel/pairs.js'));
const { headerPaths, kernelVersion } = require(join(root, 'out/server/src/host/tree-pairs.js'));

const version = kernelVersion(readFileSync(join(tree, 'Makefile'), 'utf8'));
const { pairs, counts } = minePairs(
  headerPaths(tree).map((p) => readFileSync(join(tree, p), 'utf8')),
  coveredBy(DEFAULT_PAIRS),
);
const doc = {
  provenance: {
    about: 'Mined by scripts/mine-pairs.mjs from the headers of a kernel tree; pairs the default table names are left out.',
    tree: `linux ${version}`,
    headers: counts.headers,
    fromGuards: counts.guards,
    fromClasses: counts.classes,
    fromGetPutDeclarations: counts.getPut,
    fromAllocFreeDeclarations: counts.allocFree,
    fromLockAnnotations: counts.annotated,
  },
  pairs,
};
writeFileSync(out, JSON.stringify(doc, null, 1) + '\n');
console.log(
  `mine-pairs: ${pairs.length} pairs from ${counts.headers} headers of linux ${version} (${relative(root, tree)}): ${counts.guards} guards, ${counts.classes} classes, ${counts.getPut} get/put families, ${counts.allocFree} alloc/free and create/destroy families, ${counts.annotated} __acquires/__releases pairs → ${relative(root, out)}`,
);
