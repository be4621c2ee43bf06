/**
 * A real kernel tree for the tree-aware end-to-end tests (Debian's linux-source-6.12, which
 * scripts/setup-e2e.sh fetches into the git-ignored .cache/, or the tree MM_REVIEW_KERNEL_TREE names), and
 * patches written against it at test time: the hunks are cut from the tree's own lines, so they apply, and
 * the `index` lines carry the tree's real blob ids. Nothing of the tree is committed, and no test fetches it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gitBlobId } from '../server/src/core/kernel/kernel-tree';
import { repoRoot } from '../test/helpers';

/** The tree's root, or null when it is not there. */
export function kernelTree(): string | null {
  const candidates = [process.env.MM_REVIEW_KERNEL_TREE, path.join(repoRoot, '.cache', 'linux-source-6.12')];
  return candidates.find((c): c is string => !!c && fs.existsSync(path.join(c, 'MAINTAINERS'))) ?? null;
}

/** Why the tree tests cannot run (node:test's `skip`), or false. */
export function kernelTreeSkip(): string | false {
  return kernelTree() ? false : 'needs linux-source-6.12 in .cache/ (npm run setup:e2e) or MM_REVIEW_KERNEL_TREE';
}

export interface LineEdit {
  /** Path in the tree. */
  path: string;
  /** The first line (1-based) whose text matches is replaced; `replace` gives its new text (lines joined by `\n`). */
  match: RegExp;
  /** Only lines from the first one matching this on are considered. */
  after?: RegExp;
  replace: (line: string) => string;
}

/** One file's diff: the matching line replaced, three lines of context each side, real blob ids. */
function fileDiff(root: string, edit: LineEdit, index?: string): string {
  const text = fs.readFileSync(path.join(root, edit.path), 'utf8');
  const lines = text.split('\n');
  const start = edit.after ? lines.findIndex((l) => edit.after!.test(l)) : 0;
  const at = start < 0 ? -1 : lines.findIndex((l, i) => i >= start && edit.match.test(l));
  if (at < 0) throw new Error(`${edit.path}: no line matches ${edit.match}`);
  const from = Math.max(0, at - 3);
  const to = Math.min(lines.length, at + 4);
  const replaced = edit.replace(lines[at]).split('\n');
  const after = [...lines.slice(0, at), ...replaced, ...lines.slice(at + 1)].join('\n');
  const hunk = [
    `@@ -${from + 1},${to - from} +${from + 1},${to - from - 1 + replaced.length} @@`,
    ...lines.slice(from, at).map((l) => ` ${l}`),
    `-${lines[at]}`,
    ...replaced.map((l) => `+${l}`),
    ...lines.slice(at + 1, to).map((l) => ` ${l}`),
  ];
  const ids = index ?? `${gitBlobId(text).slice(0, 12)}..${gitBlobId(after).slice(0, 12)}`;
  return [`diff --git a/${edit.path} b/${edit.path}`, `index ${ids} 100644`, `--- a/${edit.path}`, `+++ b/${edit.path}`, ...hunk].join('\n');
}

/** A format-patch mail of the edits; `index` overrides a file's index line (a tree that is not the base). */
export function treePatch(root: string, subject: string, edits: LineEdit[], index: Record<string, string> = {}): string {
  return [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    'From: A Developer <dev@example.org>',
    'Date: Mon, 2 Mar 2026 10:00:00 +0000',
    `Subject: [PATCH] ${subject}`,
    '',
    'Written at test time against the tree it is checked with.',
    '',
    '---',
    ...edits.map((e) => fileDiff(root, e, index[e.path])),
    '-- ',
    '2.43.0',
    '',
  ].join('\n');
}

const addPgmap = (l: string): string => l.replace('struct vmem_altmap *altmap', 'struct vmem_altmap *altmap, struct dev_pagemap *pgmap');

/** Every architecture's vmemmap_populate() definition in 6.12, the declaration and the one call. */
export const VMEMMAP_SITES: LineEdit[] = [
  { path: 'include/linux/mm.h', after: /^int vmemmap_populate\(/, match: /^\s+struct vmem_altmap \*altmap\);$/, replace: addPgmap },
  ...[
    'arch/x86/mm/init_64.c',
    'arch/arm64/mm/mmu.c',
    'arch/s390/mm/vmem.c',
    'arch/loongarch/mm/init.c',
    'arch/powerpc/mm/init_64.c',
    'arch/sparc/mm/init_64.c',
    'arch/riscv/mm/init.c',
  ].map((p) => ({
    path: p,
    after: /^int __meminit vmemmap_populate\(/,
    match: /^\s+(?:int node, )?struct vmem_altmap \*altmap\)$/,
    replace: addPgmap,
  })),
  { path: 'mm/sparse-vmemmap.c', match: /r = vmemmap_populate\(start, end, nid, altmap\);/, replace: (l) => l.replace('nid, altmap)', 'nid, altmap, pgmap)') },
];
