/**
 * @file Integer constants an image defines: enumerators (counted on from the last explicit value) and
 * object-like `#define NAME <integer>`. Read lexically, so an enum or define a hunk shows only in part
 * gives what it shows and nothing wrong.
 */

const COMMENTS = /\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;

function integer(text: string, known: ReadonlyMap<string, bigint>): bigint | null {
  const t = text
    .trim()
    .replace(/^\((.*)\)$/, '$1')
    .trim();
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
      // Trimmed first: a lazy value followed by `\s*$` would make the match quadratic in the item's length.
      const e = /^([A-Za-z_]\w*)\s*(?:=([^]*))?$/.exec(item.trim());
      if (!e) continue;
      const value: bigint | null = e[2] !== undefined ? integer(e[2].trim(), into) : next;
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

/** One `#define NAME <integer>` and the preprocessor condition it is under. */
export interface DefineAlternative {
  name: string;
  value: bigint;
  /** The enclosing conditions, outermost first (`defined(CONFIG_X)`, `!(defined(CONFIG_X))` in an `#else`). */
  conditions: string[];
  /** 0-based row in the text. */
  row: number;
}

/** Every integer `#define` of a text with the `#if`/`#ifdef`/`#else` it sits under. */
export function defineAlternatives(text: string): DefineAlternative[] {
  const out: DefineAlternative[] = [];
  const stack: string[] = [];
  const known = new Map<string, bigint>();
  text.split('\n').forEach((raw, row) => {
    const line = raw.replace(COMMENTS, ' ');
    const m = /^\s*#\s*(ifdef|ifndef|if|elif|else|endif|define)\b\s*(.*)$/.exec(line);
    if (!m) return;
    const [, directive, rest] = m;
    const cond = rest.trim();
    if (directive === 'ifdef') stack.push(`defined(${cond})`);
    else if (directive === 'ifndef') stack.push(`!defined(${cond})`);
    else if (directive === 'if') stack.push(cond);
    else if (directive === 'elif' && stack.length) stack[stack.length - 1] = `!(${stack[stack.length - 1]}) && ${cond}`;
    else if (directive === 'else' && stack.length) stack[stack.length - 1] = `!(${stack[stack.length - 1]})`;
    else if (directive === 'endif') stack.pop();
    else if (directive === 'define') {
      const d = /^([A-Za-z_]\w*)\s+(\S.*)$/.exec(cond);
      if (!d) return;
      const v = integer(d[2], known);
      if (v === null) return;
      known.set(d[1], v);
      out.push({ name: d[1], value: v, conditions: [...stack], row });
    }
  });
  return out;
}
