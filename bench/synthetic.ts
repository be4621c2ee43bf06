/**
 * @file A deterministic synthetic patch series shaped like kernel mm work: files of functions with locks,
 * allocations, error paths and comments; patches that rewrite blocks, add helpers and change prototypes
 * (header, definitions and callers together), as git format-patch would write them.
 */

export interface SyntheticSeries {
  text: string;
  patches: number;
  diffLines: number;
}

class Rng {
  constructor(private s: number) {}
  next(): number {
    this.s = (this.s * 1103515245 + 12345) & 0x7fffffff;
    return this.s / 0x7fffffff;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: T[]): T {
    return xs[this.int(xs.length)];
  }
}

const TYPES = ['struct page *', 'struct folio *', 'unsigned long ', 'int ', 'struct zone *', 'gfp_t ', 'struct vm_area_struct *', 'pgoff_t '];
const LOCKS = [
  ['spin_lock', 'spin_unlock'],
  ['mutex_lock', 'mutex_unlock'],
  ['rcu_read_lock', 'rcu_read_unlock'],
];
const CALLS = ['folio_get', 'folio_put', 'flush_tlb_range', 'lru_add_drain', 'count_vm_event', 'set_page_dirty', 'wake_up_all', 'zone_page_state'];

function statement(r: Rng, fn: string, i: number): string[] {
  switch (r.int(7)) {
    case 0:
      return [`\tif (!${fn}_ready(ctx, ${i}))`, `\t\treturn -EAGAIN;`];
    case 1:
      return [
        `\t/* Walk the ${r.pick(['range', 'zone', 'list', 'tree'])} and drop stale entries. */`,
        `\tfor (idx = 0; idx < nr; idx++)`,
        `\t\t${r.pick(CALLS)}(ctx->items[idx]);`,
      ];
    case 2:
      return [
        `\tpage = alloc_pages_node(ctx->nid, GFP_KERNEL | __GFP_ZERO, ${r.int(4)});`,
        `\tif (!page) {`,
        `\t\terr = -ENOMEM;`,
        `\t\tgoto out_unlock;`,
        `\t}`,
      ];
    case 3:
      return [`\tctx->stat[${r.int(16)}] += ${r.pick(['nr', 'idx', '1', 'folio_nr_pages(folio)'])};`];
    case 4:
      return [
        `\terr = ${fn}_commit(ctx, addr + (idx << PAGE_SHIFT), flags & ~${r.pick(['VM_WRITE', 'VM_SHARED', 'VM_LOCKED'])});`,
        `\tif (err)`,
        `\t\tgoto out_unlock;`,
      ];
    case 5:
      return [`\tpr_debug("%s: %lu pages at %lx\\n", __func__, nr, addr);`];
    default:
      return [`\t${r.pick(CALLS)}(${r.pick(['folio', 'page', 'ctx->zone', 'vma'])});`];
  }
}

function fileLines(r: Rng, prefix: string, nFunctions: number): string[] {
  const out = ['// SPDX-License-Identifier: GPL-2.0', `/* ${prefix}: synthetic benchmark file */`, '#include <linux/mm.h>', '#include <linux/slab.h>', ''];
  for (let f = 0; f < nFunctions; f++) {
    const name = `${prefix}_op${f}`;
    const [lock, unlock] = r.pick(LOCKS);
    out.push('/**', ` * ${name}() - synthetic operation ${f}`, ' * @ctx: context', ' */');
    out.push(`static int __meminit ${name}(struct ${prefix}_ctx *ctx, unsigned long addr,`, `\t\t${r.pick(TYPES)}arg${f}, unsigned long flags)`, '{');
    out.push('\tstruct page *page;', '\tunsigned long idx, nr = ctx->nr;', '\tint err = 0;', '');
    out.push(`\t${lock}(&ctx->lock);`);
    const n = 4 + r.int(6);
    for (let s = 0; s < n; s++) out.push(...statement(r, name, s));
    out.push('out_unlock:', `\t${unlock}(&ctx->lock);`, '\treturn err;', '}', '');
  }
  return out;
}

interface Change {
  at: number;
  remove: number;
  add: string[];
}

function hunks(pre: string[], changes: Change[]): { lines: string[]; count: number } {
  const out: string[] = [];
  let count = 0;
  const sorted = changes.sort((a, b) => a.at - b.at);
  const groups: Change[][] = [];
  for (const c of sorted) {
    const g = groups[groups.length - 1];
    const last = g?.[g.length - 1];
    if (last && c.at - (last.at + last.remove) <= 6) g.push(c);
    else groups.push([c]);
  }
  let shift = 0;
  for (const g of groups) {
    const start = Math.max(0, g[0].at - 3);
    const end = Math.min(pre.length, g[g.length - 1].at + g[g.length - 1].remove + 3);
    const body: string[] = [];
    let oldN = 0;
    let newN = 0;
    let i = start;
    for (const c of g) {
      for (; i < c.at; i++, oldN++, newN++) body.push(' ' + pre[i]);
      for (let k = 0; k < c.remove; k++, i++, oldN++) body.push('-' + pre[i]);
      for (const a of c.add) {
        body.push('+' + a);
        newN++;
      }
    }
    for (; i < end; i++, oldN++, newN++) body.push(' ' + pre[i]);
    out.push(`@@ -${start + 1},${oldN} +${start + 1 + shift},${newN} @@`);
    out.push(...body);
    count += body.length + 1;
    shift += newN - oldN;
  }
  return { lines: out, count };
}

export function syntheticSeries(patches = 200, seed = 20261121): SyntheticSeries {
  const r = new Rng(seed);
  const parts: string[] = [];
  let diffLines = 0;
  for (let p = 1; p <= patches; p++) {
    const body: string[] = [];
    const nFiles = 1 + r.int(3);
    const prototypeChange = p % 10 === 0;
    const prefix = `mmb${p}`;
    if (prototypeChange) {
      // A prototype gains a parameter: header, definition and a caller, all updated.
      const h = [
        `diff --git a/include/linux/${prefix}.h b/include/linux/${prefix}.h`,
        `--- a/include/linux/${prefix}.h`,
        `+++ b/include/linux/${prefix}.h`,
        '@@ -10,3 +10,4 @@ struct ' + prefix + '_ctx;',
        ` int ${prefix}_init(struct ${prefix}_ctx *ctx);`,
        `-int ${prefix}_shrink(struct ${prefix}_ctx *ctx, unsigned long nr);`,
        `+int ${prefix}_shrink(struct ${prefix}_ctx *ctx, unsigned long nr,`,
        `+\t\t gfp_t gfp);`,
        ` void ${prefix}_exit(struct ${prefix}_ctx *ctx);`,
      ];
      body.push(...h);
      diffLines += h.length;
    }
    for (let f = 0; f < nFiles; f++) {
      const pre = fileLines(r, `${prefix}f${f}`, 14);
      const changes: Change[] = [];
      const nChanges = 5 + r.int(5);
      const used = new Set<number>();
      for (let c = 0; c < nChanges; c++) {
        let at = 6 + r.int(pre.length - 20);
        while (used.has(Math.floor(at / 30))) at = 6 + r.int(pre.length - 20);
        used.add(Math.floor(at / 30));
        const add: string[] = [];
        const nAdd = 2 + r.int(12);
        while (add.length < nAdd) add.push(...statement(r, `${prefix}f${f}`, c));
        changes.push({ at, remove: r.int(8), add });
      }
      if (prototypeChange && f === 0) {
        const def = pre.length;
        pre.push(
          '',
          `int ${prefix}_shrink(struct ${prefix}_ctx *ctx, unsigned long nr)`,
          '{',
          '\treturn 0;',
          '}',
          `static int ${prefix}_scan(struct ${prefix}_ctx *ctx)`,
          '{',
          `\treturn ${prefix}_shrink(ctx, ctx->nr);`,
          '}',
        );
        changes.push({ at: def + 1, remove: 1, add: [`int ${prefix}_shrink(struct ${prefix}_ctx *ctx, unsigned long nr,`, '\t\t gfp_t gfp)'] });
        changes.push({ at: def + 7, remove: 1, add: [`\treturn ${prefix}_shrink(ctx, ctx->nr, GFP_KERNEL);`] });
      }
      const path = `mm/${prefix}/file${f}.c`;
      const h = hunks(pre, changes);
      body.push(
        `diff --git a/${path} b/${path}`,
        `index ${(p * 7919 + f).toString(16).padStart(12, '0')}..${(p * 7927 + f).toString(16).padStart(12, '0')} 100644`,
        `--- a/${path}`,
        `+++ b/${path}`,
        ...h.lines,
      );
      diffLines += h.count + 4;
    }
    parts.push(
      [
        `From ${p.toString(16).padStart(40, '0')} Mon Sep 17 00:00:00 2001`,
        'From: Bench Developer <bench@example.org>',
        `Date: Mon, 2 Nov 2026 10:${String(p % 60).padStart(2, '0')}:00 +0100`,
        `Subject: [PATCH ${p}/${patches}] mm/${prefix}: synthetic change ${p}`,
        '',
        `Synthetic change number ${p}.`,
        '',
        'Signed-off-by: Bench Developer <bench@example.org>',
        '---',
        ...body,
        '-- ',
        '2.43.0',
        '',
      ].join('\n'),
    );
  }
  return { text: parts.join(''), patches, diffLines };
}
