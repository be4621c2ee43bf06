/**
 * @file Kernel annotations that the C grammar does not know (`int __meminit f(...)`, `__acquires(x)`) make
 * tree-sitter wrap the whole declaration in an ERROR node. They are blanked out with spaces of the same
 * length before parsing, so every position in the tree is still a position in the original text. Lines too
 * long to be C anyone wrote (MAX_C_LINE) are emptied instead: even a megabyte of blanks costs tree-sitter a
 * second a parse. Rows stay rows; nothing of the tree lies on such a line, so no position changes meaning.
 */

const ANNOTATIONS = [
  '__init',
  '__exit',
  '__meminit',
  '__meminitdata',
  '__initdata',
  '__initconst',
  '__exitdata',
  '__ref',
  '__refdata',
  '__weak',
  '__always_inline',
  '__noinline',
  'noinline',
  '__cold',
  '__hot',
  '__must_check',
  '__maybe_unused',
  '__always_unused',
  '__used',
  '__pure',
  '__noreturn',
  '__sched',
  '__iomem',
  '__user',
  '__kernel',
  '__rcu',
  '__percpu',
  '__force',
  '__bitwise',
  '__private',
  '__visible',
  '__latent_entropy',
  '__randomize_layout',
  '__ro_after_init',
  '__read_mostly',
  '__cacheline_aligned',
  '__cacheline_aligned_in_smp',
  '__packed',
  '__nonstring',
  '__cpuidle',
  '__flatten',
  '__naked',
  '__no_kcsan',
  '__no_sanitize_address',
  'asmlinkage',
  'notrace',
  'noinstr',
  '__init_or_module',
  '__devinit',
  '__cpuinit',
  'fastcall',
  '__section_aligned',
];
const WITH_ARGS = [
  '__acquires',
  '__releases',
  '__must_hold',
  '__printf',
  '__scanf',
  '__aligned',
  '__section',
  '__counted_by',
  '__alloc_size',
  '__malloc',
  '__assume_aligned',
  '__cond_acquires',
  '__cond_releases',
  '__free',
  '__cleanup',
  '__diagnose_as',
  '__nocfi',
  '__attribute_const__',
];

const BARE = new RegExp(`\\b(?:${ANNOTATIONS.join('|')})\\b(?!\\s*\\()`, 'g');
const CALL_LIKE = new RegExp(`\\b(?:${WITH_ARGS.join('|')})\\s*\\(`, 'g');

const blank = (s: string): string => s.replace(/[^\n]/g, ' ');

/** Longer lines are not read as C (kernel style stops at 100 columns; generated tables stay far below this). */
export const MAX_C_LINE = 4096;

/** Empties every line longer than MAX_C_LINE (the engine says which, in a note). */
export function blankOverlongLines(text: string): string {
  if (text.length <= MAX_C_LINE) return text;
  let out = '';
  let from = 0;
  let changed = false;
  for (let at = 0; at <= text.length;) {
    let nl = text.indexOf('\n', at);
    if (nl < 0) nl = text.length;
    if (nl - at > MAX_C_LINE) {
      out += text.slice(from, at);
      from = nl;
      changed = true;
    }
    at = nl + 1;
  }
  return changed ? out + text.slice(from) : text;
}

export function maskKernelAnnotations(text: string): string {
  const t = blankCutInitializer(blankCutConditionals(blankCutComments(blankOverlongLines(text))));
  if (!t.includes('__') && !/\b(?:asmlinkage|notrace|noinstr|noinline|fastcall)\b/.test(t)) return t;
  return blankCallLike(t.replace(BARE, blank));
}

/** A line with code on it: not blank, not a comment line (`//`, `/*`, or a block comment's `*` line). */
export const isCodeLine = (line: string): boolean => /\S/.test(line) && !/^\s*(?:\/\/|\/\*|\*)/.test(line);

/**
 * A hunk that starts inside a designated initializer (`.remove = foo_remove,` … `};`) shows the tail of a
 * declaration, which no wrapper makes C: it is blanked up to the `};` that ends it, so what follows reads
 * as the top-level code it is.
 */
export function blankCutInitializer(text: string): string {
  const lines = text.split('\n');
  const first = lines.findIndex(isCodeLine);
  if (first < 0 || !/^\s*\.[A-Za-z_]\w*\s*=/.test(lines[first])) return text;
  let depth = 0;
  for (let i = first; i < lines.length; i++) {
    for (const c of lines[i].replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '')) depth += c === '{' ? 1 : c === '}' ? -1 : 0;
    if (depth < 0 && /^\s*}\s*;\s*$/.test(lines[i])) {
      for (let j = 0; j <= i; j++) lines[j] = blank(lines[j]);
      return lines.join('\n');
    }
  }
  return text;
}

/**
 * Blanks the conditional directives whose `#if` is above the hunk: an `#endif`, `#else` or `#elif` with no
 * opener in the image. The parser would otherwise read the stray directive as an error swallowing the code
 * around it.
 */
export function blankCutConditionals(text: string): string {
  if (!text.includes('#')) return text;
  const lines = text.split('\n');
  const stray: number[] = [];
  const open: { at: number; arms: number[] }[] = [];
  lines.forEach((line, i) => {
    const d = /^\s*#\s*(if|ifdef|ifndef|elif|elifdef|elifndef|else|endif)\b/.exec(line)?.[1];
    if (!d) return;
    if (d.startsWith('if')) open.push({ at: i, arms: [] });
    else if (d === 'endif') {
      if (!open.pop()) stray.push(i);
    } else if (open.length) open[open.length - 1].arms.push(i);
    else stray.push(i);
  });
  // An #if still open at the end is left for the parser, which closes it there: what follows it stays
  // conditional (a `return` under it is one path, not the only one).
  if (!stray.length) return text;
  for (const i of stray) lines[i] = blank(lines[i]);
  return lines.join('\n');
}

/** Blanks the comment a hunk starts or ends inside of (the rest of it is outside the hunk). */
export function blankCutComments(text: string): string {
  return blankTrailingOpenComment(blankLeadingCommentTail(text));
}

/**
 * A hunk that starts inside a block comment shows its tail (`* text`, `*\/`) before any opener; the
 * parser would read the comment's words as code. Everything up to that first `*\/` is blanked.
 */
function blankLeadingCommentTail(text: string): string {
  const close = text.indexOf('*/');
  if (close < 0) return text;
  const open = text.indexOf('/*');
  if (open >= 0 && open < close) return text;
  return blank(text.slice(0, close + 2)) + text.slice(close + 2);
}

/** A hunk that ends inside a block comment: the unclosed comment is blanked to the end. */
function blankTrailingOpenComment(text: string): string {
  const open = text.lastIndexOf('/*');
  if (open < 0 || text.indexOf('*/', open + 2) >= 0) return text;
  return text.slice(0, open) + blank(text.slice(open));
}

/** Blanks `__acquires(x)` and the like through the balanced closing parenthesis, within one line. */
function blankCallLike(text: string): string {
  const cuts: [number, number][] = [];
  for (const m of text.matchAll(CALL_LIKE)) {
    const start = m.index ?? 0;
    let depth = 0;
    let i = start + m[0].length - 1;
    for (; i < text.length && text[i] !== '\n'; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')' && --depth === 0) break;
    }
    if (depth === 0) cuts.push([start, i + 1]);
  }
  if (cuts.length === 0) return text;
  let out = '';
  let at = 0;
  for (const [from, to] of cuts) {
    out += text.slice(at, from) + ' '.repeat(to - from);
    at = to;
  }
  return out + text.slice(at);
}
