#!/usr/bin/env node
// Mines paired operations from a kernel tree's headers into server/src/core/kernel/mined-pairs.json (committed
// with its provenance: the tree's version and what each source gave):
//   - DEFINE_GUARD / DEFINE_LOCK_GUARD_0 / DEFINE_LOCK_GUARD_1: the lock and unlock a guard wraps (only
//     guards named for a lock: the others wrap toggles, like disable_irq/enable_irq);
//   - DEFINE_CLASS: the constructor and destructor a class wraps (the constructor's result is what is given back);
//   - `struct T *X_get*(...)` declared beside `void X_put*(struct T *...)`: a reference family (the get's
//     result is the reference when its first parameter is not a `struct T *`, else it takes one on that).
// Pairs the default table already names are left out. Only reads files; runs nothing in the tree.
//
//   node scripts/mine-pairs.mjs [TREE]   (default .cache/linux-source-6.12; npm run setup:e2e fetches it)
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tree = resolve(process.argv[2] ?? join(root, '.cache/linux-source-6.12'));
const out = join(root, 'server/src/core/kernel/mined-pairs.json');

function* headers(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    if (!st) continue;
    if (st.isDirectory()) yield* headers(p);
    else if (st.isFile() && name.endsWith('.h') && st.size < 4 * 1024 * 1024) yield p;
  }
}

/** The text of a macro invocation starting at `at` (up to its balanced closing parenthesis), lines joined. */
function invocation(text, at) {
  let depth = 0;
  for (let i = text.indexOf('(', at); i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0)
      return text
        .slice(at, i + 1)
        .replace(/\\\n/g, ' ')
        .replace(/\s+/g, ' ');
  }
  return null;
}

/** Top-level arguments of `NAME(a, b(c, d), e)`. */
function argsOf(call) {
  const inner = call.slice(call.indexOf('(') + 1, -1);
  const args = [];
  let depth = 0;
  let cur = '';
  for (const c of inner) {
    if (c === ',' && depth === 0) {
      args.push(cur.trim());
      cur = '';
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    cur += c;
  }
  if (cur.trim()) args.push(cur.trim());
  return args;
}

/** The function an expression like `mutex_lock(_T)` or `if (_T) put_device(_T)` calls. */
const calledIn = (expr) =>
  [...(expr ?? '').matchAll(/\b([A-Za-z_]\w*)\s*\(/g)]
    .map((m) => m[1])
    .filter((n) => !['if', 'sizeof', 'typeof', '__typeof__'].includes(n))
    .pop() ?? null;

const version = (() => {
  const mk = readFileSync(join(tree, 'Makefile'), 'utf8');
  const v = (k) => new RegExp(`^${k}[ \\t]*=[ \\t]*(\\S*)`, 'm').exec(mk)?.[1] ?? '';
  return `${v('VERSION')}.${v('PATCHLEVEL')}.${v('SUBLEVEL')}${v('EXTRAVERSION')}`;
})();

const known = new Set();
{
  // Names the default table already covers (exact names and glob prefixes), read from its source.
  const src = readFileSync(join(root, 'server/src/core/kernel/pairs.ts'), 'utf8');
  const table = src.slice(src.indexOf('DEFAULT_PAIRS'), src.indexOf('DEFAULT_LIFECYCLES'));
  for (const m of table.matchAll(/'([A-Za-z_]\w*\*?)'/g)) known.add(m[1]);
}
const isKnown = (name) => known.has(name) || [...known].some((k) => k.endsWith('*') && name.startsWith(k.slice(0, -1)));

const pairs = new Map();
const counts = { guards: 0, classes: 0, getPut: 0, headers: 0 };
const add = (source, pair) => {
  if (!pair.acquire[0] || !pair.release[0] || pair.acquire[0] === pair.release[0]) return;
  // Guards wrap toggles too (disable_irq/enable_irq, preempt_disable/enable): only locks pair on every path.
  if (source === 'guards' && !(/lock/.test(pair.acquire[0]) && /unlock/.test(pair.release[0]))) return;
  if (isKnown(pair.acquire[0]) || isKnown(pair.release[0])) return;
  const id = `mined:${pair.acquire[0]}`;
  if (pairs.has(id)) return;
  pairs.set(id, { id, ...pair });
  counts[source]++;
};

for (const file of headers(join(tree, 'include'))) {
  counts.headers++;
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*(DEFINE_GUARD|DEFINE_LOCK_GUARD_0|DEFINE_LOCK_GUARD_1|DEFINE_CLASS)\(/gm)) {
    const call = invocation(text, m.index + m[0].indexOf(m[1]));
    if (!call) continue;
    const a = argsOf(call);
    if (m[1] === 'DEFINE_GUARD') add('guards', { kind: 'lock', acquire: [calledIn(a[2])], release: [calledIn(a[3])] });
    else if (m[1] === 'DEFINE_LOCK_GUARD_1') add('guards', { kind: 'lock', acquire: [calledIn(a[2])], release: [calledIn(a[3])] });
    else if (m[1] === 'DEFINE_LOCK_GUARD_0') add('guards', { kind: 'lock', acquire: [calledIn(a[1])], release: [calledIn(a[2])] });
    else if (/\*/.test(a[1] ?? '')) add('classes', { kind: 'ref', acquire: [calledIn(a[3])], release: [calledIn(a[2])], key: 'result', success: 'valid' });
  }
  // Reference families declared in one header: `struct T *X_get(...)` and `void X_put(struct T *...)`.
  const gets = [...text.matchAll(/^(?:extern\s+|static\s+inline\s+)*struct\s+(\w+)\s*\*\s*(\w*_get(?:_\w+)?)\s*\(([^)]*)\)/gm)];
  for (const g of gets) {
    const [, type, name, params] = g;
    const put = name.replace(/_get(?=_|$)/, '_put');
    if (!new RegExp(`^(?:extern\\s+|static\\s+inline\\s+)*void\\s+${put}\\s*\\(\\s*(?:const\\s+)?struct\\s+${type}\\s*\\*`, 'm').test(text)) continue;
    const takesOne = new RegExp(`^\\s*(?:const\\s+)?struct\\s+${type}\\s*\\*`).test(params);
    add(
      'getPut',
      takesOne ? { kind: 'ref', acquire: [name], release: [put] } : { kind: 'ref', acquire: [name], release: [put], key: 'result', success: 'valid' },
    );
  }
}

const list = [...pairs.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
const doc = {
  provenance: {
    about: 'Mined by scripts/mine-pairs.mjs from the headers of a kernel tree; pairs the default table names are left out.',
    tree: `linux ${version}`,
    headers: counts.headers,
    fromGuards: counts.guards,
    fromClasses: counts.classes,
    fromGetPutDeclarations: counts.getPut,
  },
  pairs: list,
};
writeFileSync(out, JSON.stringify(doc, null, 1) + '\n');
console.log(
  `mine-pairs: ${list.length} pairs from ${counts.headers} headers of linux ${version} (${relative(root, tree)}): ${counts.guards} guards, ${counts.classes} classes, ${counts.getPut} get/put families → ${relative(root, out)}`,
);
