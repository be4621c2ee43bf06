/**
 * @file Integer constants an image defines: enumerators (counted on from the last explicit value) and
 * object-like `#define NAME <integer>`. Read lexically, so an enum or define a hunk shows only in part
 * gives what it shows and nothing wrong.
 */

const COMMENTS = /\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;

function integer(text: string, known: ReadonlyMap<string, bigint>): bigint | null {
  const t = text.trim().replace(/^\((.*)\)$/, '$1').trim();
  const m = /^(-?)(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)[uUlL]*$/.exec(t);
  if (m) {
    const digits = m[2];
    const v = /^0[0-7]+$/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
    return m[1] ? -v : v;
  }
  const shift = /^(\w+)\s*<<\s*(\w+)$/.exec(t);
  if (shift) {
    const a = integer(shift[1], known);
    const b = integer(shift[2], known);
    return a !== null && b !== null ? a << b : null;
  }
  return known.get(t) ?? null;
}

/** Constants defined in `text`, added to (and able to refer to) `into`. */
export function constantsOf(text: string, into: Map<string, bigint> = new Map()): Map<string, bigint> {
  const code = text.replace(COMMENTS, ' ');
  for (const m of code.matchAll(/\benum\b[^{};()]*\{([^{}]*)\}/g)) {
    let next: bigint | null = 0n;
    for (const item of m[1].split(',')) {
      const e = /^\s*([A-Za-z_]\w*)\s*(?:=\s*([^]*?))?\s*$/.exec(item);
      if (!e) continue;
      const value: bigint | null = e[2] !== undefined ? integer(e[2], into) : next;
      if (value !== null) into.set(e[1], value);
      next = value === null ? null : value + 1n;
    }
  }
  for (const m of code.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([^\n]+)$/gm)) {
    const v = integer(m[2], into);
    if (v !== null) into.set(m[1], v);
  }
  return into;
}
