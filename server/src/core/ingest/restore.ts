/**
 * @file Puts back blank context lines that a mail system dropped. The hunk header's counts say how many
 * are missing (the same number on both sides); where they were is inferred from kernel layout: git shows
 * three lines of context before and after a change, and blank lines sit after a closing brace, after local
 * declarations, before a comment block; never inside a statement, rarely after `{` or before `}`.
 */
import type { DiffLine } from './types';

const CONTEXT_WIDTH = 3;
const DECLARATION =
  /^(?:(?:static|const|unsigned|signed|struct|union|enum|volatile|register)\s+)*[A-Za-z_]\w*[\s*]+[A-Za-z_]\w*(?:\[[^\]]*\])?(?:\s*=.*)?(?:,\s*\**\s*[A-Za-z_]\w*)*;$/;

/** `int err; /* why *\/` reads as `int err;` for layout purposes. */
function stripTrailingComment(text: string): string {
  const t = text.trim();
  const stripped = t.replace(/(?<!\s)\s*\/\*(?:(?!\*\/)[^])*\*\/$/, '').replace(/(?<!\s)\s*\/\/[^]*$/, '');
  return stripped === '' ? t : stripped;
}

function gapScore(prev: DiffLine | undefined, next: DiffLine | undefined): number {
  const pt = prev && stripTrailingComment(prev.text);
  const nt = next && stripTrailingComment(next.text);
  if (pt === '' || nt === '') return -6;
  // Between two changed lines a context line would split one change into two.
  if (prev && next && prev.kind !== 'context' && next.kind !== 'context') return -6;
  let score = 0;
  if (pt !== undefined) {
    if (/(?:,|\(|\|\||&&|\\|[=+\-*/%]|\?|:)$/.test(pt) && !pt.endsWith('*/') && !/^[A-Za-z_]\w*:$/.test(pt) && !/^(?:case\b.*|default):$/.test(pt)) return -10;
    if (pt.endsWith('{')) return -8;
    if (/^(?:if|else if|for|while)\b.*\)$/.test(pt) || pt === 'else' || pt === 'do') return -8;
    if (/^\/?\*/.test(pt) && !pt.endsWith('*/') && nt !== undefined && /^\*/.test(nt)) return -8;
    if (/^#\s*if/.test(pt)) score -= 3;
    if (pt === '}' || pt === '};') score += 5;
    else if (DECLARATION.test(pt)) score += 3;
    else if (/^#\s*(?:endif|include)\b/.test(pt)) score += 1;
    else if (pt.endsWith(';') || pt.endsWith('*/')) score += 0.5;
  }
  if (nt !== undefined) {
    if (nt.startsWith('}')) return -8;
    if (nt === 'else' || nt.startsWith('else ')) return -8;
    if (/^#\s*(?:endif|else|elif)\b/.test(nt)) score -= 3;
    if (nt.startsWith('/*')) score += 2;
    else if (nt.startsWith('#') && !(pt ?? '').startsWith('#')) score += 1;
    else if (/^return\b/.test(nt) && (pt ?? '').endsWith(';')) score += 1;
    if (pt !== undefined && DECLARATION.test(pt) && DECLARATION.test(nt)) score -= 3;
  }
  return score;
}

/** Returns the lines with `missing` restored blank context lines inserted at the most plausible gaps. */
export function restoreBlankLines(lines: DiffLine[], missing: number, oldStart: number): DiffLine[] {
  if (missing <= 0) return lines;
  const n = lines.length;
  const scores = Array.from({ length: n + 1 }, (_, g) => gapScore(lines[g - 1], lines[g]));
  const room = contextRoom(lines, oldStart);
  const chosen = new Map<number, number>();
  const put = (g: number): void => {
    chosen.set(g, (chosen.get(g) ?? 0) + 1);
    room.left[room.region[g]]--;
  };
  const best = (filter: (g: number) => boolean, allowWeak: boolean): number => {
    let pick = -1;
    for (let g = 0; g <= n; g++) {
      const region = room.region[g];
      if (region === INSIDE_CHANGE || !filter(g) || chosen.has(g) || room.left[region] <= 0) continue;
      if (scores[g] <= HARD_NO || (!allowWeak && scores[g] < -5)) continue;
      if (pick < 0 || scores[g] > scores[pick]) pick = g;
    }
    return pick;
  };
  let left = missing;
  // git shows exactly CONTEXT_WIDTH lines before the first change and after the last: fill those first.
  for (const region of room.required) {
    while (left > 0 && room.left[region] > 0) {
      const g = best((x) => room.region[x] === region, true);
      if (g < 0) break;
      put(g);
      left--;
    }
  }
  while (left > 0) {
    const g = best(() => true, false);
    const h = g >= 0 ? g : best(() => true, true);
    if (h < 0) break;
    put(h);
    left--;
  }
  const out: DiffLine[] = [];
  for (let g = 0; g <= n; g++) {
    for (let c = chosen.get(g) ?? 0; c > 0; c--) out.push(restoredLine(lines[g] ?? lines[g - 1]));
    if (g < n) out.push(lines[g]);
  }
  // Nowhere plausible is left: put the rest at the end rather than lose the count.
  for (; left > 0; left--) out.push(restoredLine(lines[n - 1]));
  return out;
}

const HARD_NO = -10;
/** The region of a gap between two changed lines: no context line can go there. */
const INSIDE_CHANGE = -1;

/**
 * Splits the gaps into context regions (before the first change, between changes, after the last) and
 * says how many more lines each can hold: 3 before and after, 6 between (git merges closer changes).
 * When the visible context already exceeds that, the hunk was made with other settings: no limits.
 */
function contextRoom(lines: DiffLine[], oldStart: number): { region: number[]; left: number[]; required: number[] } {
  const n = lines.length;
  const region = new Array<number>(n + 1).fill(0);
  const runs: number[] = [0];
  let r = 0;
  let inContext = true;
  for (let g = 0; g <= n; g++) {
    region[g] = r;
    const l = lines[g];
    if (!l) break;
    if (l.kind === 'context') {
      if (!inContext) {
        r++;
        runs.push(0);
        region[g] = r;
        inContext = true;
      }
      runs[r]++;
    } else if (inContext) {
      inContext = false;
    }
  }
  // A hunk that ends on a change has an empty trailing context run: the gap after its last line.
  if (!inContext) {
    runs.push(0);
    region[n] = r + 1;
  }
  for (let g = 1; g < n; g++) {
    if (lines[g - 1].kind !== 'context' && lines[g].kind !== 'context') region[g] = INSIDE_CHANGE;
  }
  const last = runs.length - 1;
  const hasChange = lines.some((l) => l.kind !== 'context');
  const limits = runs.map((_, i) => (!hasChange ? Infinity : i === 0 || i === last ? CONTEXT_WIDTH : 2 * CONTEXT_WIDTH));
  const unlimited = !hasChange || runs.some((count, i) => count > limits[i]);
  const left = runs.map((count, i) => (unlimited ? Infinity : limits[i] - count));
  const required: number[] = [];
  if (!unlimited) {
    if (oldStart > 1) required.push(0);
    if (last > 0) required.push(last);
  }
  return { region, left, required };
}

function restoredLine(near: DiffLine | undefined): DiffLine {
  return {
    kind: 'context',
    text: '',
    docLine: near ? near.docLine : 0,
    segments: [],
    oldLine: null,
    newLine: null,
    restored: true,
  };
}
