/**
 * @file Mutations of a document, each the shape of a class of hostile or broken input: bytes flipped, lines
 * lost, doubled or swapped, truncation, quoting, hunk headers with absurd numbers, CRLF, NUL, invalid UTF-8,
 * megabyte lines, deep nesting, and C in the functions the models run that loops, recurses, shifts past the
 * width, divides by zero or jumps nowhere. Deterministic: a case is its seed.
 */

/** A small deterministic generator (a case is reproduced from its number). */
export class Random {
  constructor(private s: number) {
    this.s = s >>> 0 || 1;
  }
  next(): number {
    // xorshift32
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s / 0x100000000;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

export interface Mutation {
  name: string;
  apply(doc: Buffer, r: Random): Buffer;
}

const lines = (b: Buffer): string[] => b.toString('latin1').split('\n');
const join = (ls: string[]): Buffer => Buffer.from(ls.join('\n'), 'latin1');
/** Lines inside a function body that a patch adds or keeps (where C a model runs can go). */
const bodyLines = (ls: string[]): number[] => ls.flatMap((l, i) => (/^(?:[> ]*)[+ ]\t.*;\s*$/.test(l) ? [i] : []));
const prefixOf = (l: string): string => /^[> ]*[+ ]/.exec(l)?.[0] ?? '+';

/** C statements that no model can finish, or where C has no answer. */
const HOSTILE_C = [
  'for (;;);',
  'while (1)\n\t\tcpu_relax();',
  'for (;;) { if (x) continue; }',
  'again: goto again;',
  'x <<= 1000000000;',
  'x = 1 << 64;',
  'x = 1UL << -1;',
  'x /= 0;',
  'x %= 0;',
  'x = 0xffffffffffffffffffffffff;',
  'x = -9223372036854775807 - 1; x = x / -1;',
  'continue;',
  'break;',
  'goto nowhere;',
  'return RECURSE;',
  'do { x++; } while (x);',
  'switch (x) { case 0 ... 1000000000: x++; }',
];

const DEEP = (r: Random): string => {
  const n = r.pick([300, 2000, 10000]);
  const kind = r.int(4);
  if (kind === 0) return `x = ${'('.repeat(n)}1${')'.repeat(n)};`;
  if (kind === 1) return `x = ${Array.from({ length: n }, () => 'a').join(' + ')};`;
  if (kind === 2) return `${'{'.repeat(n)}x++;${'}'.repeat(n)}`;
  return `x = ${'a['.repeat(n)}0${']'.repeat(n)};`;
};

export const MUTATIONS: readonly Mutation[] = [
  {
    name: 'bytes flipped',
    apply: (d, r) => {
      const b = Buffer.from(d);
      for (let k = 1 + r.int(8); k > 0 && b.length; k--) b[r.int(b.length)] ^= 1 << r.int(8);
      return b;
    },
  },
  {
    name: 'lines deleted',
    apply: (d, r) => {
      const ls = lines(d);
      for (let k = 1 + r.int(5); k > 0 && ls.length; k--) ls.splice(r.int(ls.length), 1 + r.int(3));
      return join(ls);
    },
  },
  {
    name: 'lines duplicated',
    apply: (d, r) => {
      const ls = lines(d);
      const at = r.int(ls.length);
      ls.splice(at, 0, ...ls.slice(at, at + 1 + r.int(20)));
      return join(ls);
    },
  },
  {
    name: 'lines swapped',
    apply: (d, r) => {
      const ls = lines(d);
      for (let k = 1 + r.int(4); k > 0; k--) {
        const a = r.int(ls.length);
        const b = r.int(ls.length);
        [ls[a], ls[b]] = [ls[b], ls[a]];
      }
      return join(ls);
    },
  },
  { name: 'truncated', apply: (d, r) => d.subarray(0, r.int(d.length + 1)) },
  {
    name: 'quote prefixes',
    apply: (d, r) => {
      const ls = lines(d);
      const from = r.int(ls.length);
      const q = r.pick(['> ', '>', '>> ', '> > ', '>>>>>>>>', '| ', '> '.repeat(40)]);
      for (let i = from; i < Math.min(ls.length, from + 1 + r.int(200)); i++) ls[i] = q + ls[i];
      return join(ls);
    },
  },
  {
    name: 'hunk header numbers',
    apply: (d, r) => {
      const ls = lines(d);
      const hunks = ls.flatMap((l, i) => (/@@ -\d/.test(l) ? [i] : []));
      const at = hunks.length ? r.pick(hunks) : r.int(ls.length);
      const n = (): string => r.pick(['0', '-1', '-99999', '999999999', '4294967296', '18446744073709551616', '1e9', '', '00', String(r.int(100))]);
      ls[at] = (/^[> ]*/.exec(ls[at] ?? '')?.[0] ?? '') + `@@ -${n()},${n()} +${n()},${n()} @@${r.pick(['', ' int f(void)', ' @@'])}`;
      return join(ls);
    },
  },
  {
    name: 'CRLF',
    apply: (d, r) =>
      r.int(2)
        ? Buffer.from(d.toString('latin1').replace(/\n/g, '\r\n'), 'latin1')
        : Buffer.from(
            d.toString('latin1').replace(/\n/g, () => (r.int(3) ? '\n' : '\r\n')),
            'latin1',
          ),
  },
  {
    name: 'NUL bytes',
    apply: (d, r) => {
      const at = r.int(d.length + 1);
      return Buffer.concat([d.subarray(0, at), Buffer.alloc(1 + r.int(8)), d.subarray(at)]);
    },
  },
  {
    name: 'invalid UTF-8',
    apply: (d, r) => {
      const at = r.int(d.length + 1);
      const bad = r.pick([[0xff], [0xfe, 0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]);
      return Buffer.concat([d.subarray(0, at), Buffer.from(bad), d.subarray(at)]);
    },
  },
  {
    name: 'a 1 MB line',
    apply: (d, r) => {
      const ls = lines(d);
      const at = r.int(ls.length + 1);
      const unit = r.pick(['x', 'a + ', '(', '> ', '\t', 'foo(bar); ', '+']);
      ls.splice(at, 0, (r.int(2) ? '+' : '') + unit.repeat(Math.ceil((1 << 20) / unit.length)));
      return join(ls);
    },
  },
  {
    name: 'deep nesting',
    apply: (d, r) => {
      const ls = lines(d);
      const body = bodyLines(ls);
      const at = body.length ? r.pick(body) : r.int(ls.length);
      ls.splice(at + 1, 0, `${prefixOf(ls[at] ?? '+')}\t${DEEP(r)}`);
      return join(ls);
    },
  },
  {
    name: 'hostile C in a body',
    apply: (d, r) => {
      const ls = lines(d);
      const body = bodyLines(ls);
      if (!body.length) return d;
      for (let k = 1 + r.int(3); k > 0; k--) {
        const at = r.pick(body);
        // The enclosing function's name, for a call to itself.
        let name = 'f';
        for (let i = at; i >= 0; i--) {
          const m = /^[> ]*[+ ]?(?:static\s+)?(?:inline\s+)?[\w\s*]*?\b(\w+)\s*\(/.exec(ls[i]);
          if (m && !/^[> ]*[+ ]\t/.test(ls[i])) {
            name = m[1];
            break;
          }
        }
        const stmt = r.pick(HOSTILE_C).replace('RECURSE', `${name}(${r.pick(['', 'x', 'x, x', 'bo'])})`);
        const p = prefixOf(ls[at]);
        ls.splice(at + 1, 0, ...stmt.split('\n').map((s) => `${p}${s.startsWith('\t') ? s : '\t' + s}`));
      }
      return join(ls);
    },
  },
  {
    name: 'spliced from elsewhere',
    apply: (d, r) => {
      const ls = lines(d);
      const from = r.int(ls.length);
      const chunk = ls.slice(from, from + 1 + r.int(60));
      ls.splice(r.int(ls.length + 1), 0, ...chunk);
      return join(ls);
    },
  },
];

/** Case `index` of a run: a corpus document and one to five mutations, chosen by the case's own generator. */
export function makeCase<T extends { name: string; text: string }>(
  docs: readonly T[],
  runSeed: number,
  index: number,
): { doc: T; mutations: string[]; bytes: Buffer } {
  const r = new Random((runSeed * 2654435761) ^ (index * 40503 + 1));
  const doc = r.pick(docs);
  let bytes: Buffer = Buffer.from(doc.text, 'utf8');
  const mutations: string[] = [];
  for (let k = 1 + r.int(5); k > 0; k--) {
    const m = r.pick(MUTATIONS);
    bytes = m.apply(bytes, r);
    mutations.push(m.name);
  }
  return { doc, mutations, bytes };
}
