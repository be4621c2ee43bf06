/**
 * @file What to show for a position in a document: the findings there with their explanations; on a
 * name a finding is about (a batch constant), that finding's explanation; on a function name inside a
 * hunk, what the series changed about that function and which of its sites follow. Plain markdown; the
 * language server wraps it in a hover.
 */
import type { HunkView, ImageView } from './c/syntax/parsed';
import { prototypeHistories, sitesOf, standings } from './c/analysis/prototypes';
import type { Analysis } from './engine';
import type { Finding, ModelRunArgs } from './findings';
import type { Pos, Range } from './ingest';
import { MODELS } from './models/registry';

export interface Description {
  markdown: string;
  range: Range;
  /**
   * What the editor may offer under the hover, each for a finding: its model's view, its whole explanation
   * (the hover shows the start), its rule's documentation. Editors that take command links render them.
   */
  links?: HoverLink[];
}

export type HoverLink =
  | { kind: 'model' | 'explanation'; key: string; title: string }
  | { kind: 'ruleDoc'; ruleId: string; title: string }
  /** A model run by name, not a finding's: the model behind a function a reviewer hovers. */
  | { kind: 'run'; run: ModelRunArgs; title: string };

/** A hover is read at a glance: about this many lines of explanation, the rest a link away. */
export const HOVER_LINES = 10;
/** How wide a hover's line is taken to be: a longer source line wraps into several. */
const HOVER_WIDTH = 100;
const shownLines = (line: string): number => Math.max(1, Math.ceil(line.length / HOVER_WIDTH));

/** The first `max` shown lines of a paragraph, ending in `…`. */
function cutToLines(lines: string[], max: number): string {
  const out: string[] = [];
  let left = max;
  for (const l of lines) {
    if (left <= 0) break;
    const n = shownLines(l);
    out.push(n <= left ? l : `${l.slice(0, left * HOVER_WIDTH).replace(/\s+\S*$/, '')}`);
    left -= n;
  }
  return `${out.join('\n')} …`;
}

/**
 * The start of an explanation that fits `max` lines: whole paragraphs in order, tables and code blocks left
 * for the full view; a first paragraph longer than that is cut. `cut`: something was left out.
 */
export function hoverExcerpt(markdown: string, max: number): { text: string; cut: boolean } {
  const blocks = markdown.split(/\n\s*\n/).filter((b) => b.trim());
  const kept: string[] = [];
  let used = 0;
  let cut = false;
  for (const b of blocks) {
    const lines = b.split('\n');
    const cost = lines.reduce((n, l) => n + shownLines(l), 0);
    if (/^\s*(?:\||```)/.test(lines[0]) || used >= max) {
      cut = true;
      continue;
    }
    if (used + cost > max) {
      // The first paragraph is the verdict: shown cut, never dropped.
      if (kept.length === 0) kept.push(cutToLines(lines, max));
      cut = true;
      used = max;
      continue;
    }
    kept.push(b);
    used += cost;
  }
  return { text: kept.join('\n\n'), cut };
}

const contains = (r: Range, p: Pos): boolean =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) &&
  (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

/**
 * The links under a finding's hover: its model, the rest of its explanation when the hover cut it (named by
 * rule when several findings share the hover), its rule's documentation.
 */
function findingLinks(f: Finding, cut: boolean, several: boolean): HoverLink[] {
  return [
    ...(f.model ? [{ kind: 'model' as const, key: f.key, title: `Show model: ${f.model.title}` }] : []),
    ...(cut ? [{ kind: 'explanation' as const, key: f.key, title: several ? `Full explanation (${f.ruleId})` : 'Full explanation' }] : []),
    { kind: 'ruleDoc', ruleId: f.ruleId, title: `Rule documentation (${f.ruleId})` },
  ];
}

export function describeFindings(findings: Finding[], pos: Pos): Description | null {
  const here = findings.filter((f) => contains(f.range, pos));
  if (here.length === 0) return null;
  // Editors show the diagnostic's message next to the hover: the hover adds how it was reached, briefly;
  // several findings share the lines.
  const budget = Math.max(3, Math.floor(HOVER_LINES / here.length));
  const links: HoverLink[] = [];
  const markdown = here
    .map((f) => {
      const { text, cut } = hoverExcerpt(f.explanation || f.message, budget);
      // One documentation link per rule, however many of its findings share the hover.
      for (const l of findingLinks(f, cut, here.length > 1))
        if (l.kind !== 'ruleDoc' || !links.some((x) => x.kind === 'ruleDoc' && x.ruleId === l.ruleId)) links.push(l);
      return [`**${f.ruleId}** · ${f.severity}${f.origin === 'introduced' ? '' : ` · ${f.origin}`}`, '', text].join('\n').trim();
    })
    .join('\n\n---\n\n');
  return { markdown, range: here[0].range, links };
}

/** The hunk image and column a document position falls in, if it is on a hunk line. */
function locate(hunks: HunkView[], pos: Pos): { view: ImageView; row: number; col: number } | null {
  for (const hunk of hunks) {
    if (pos.line <= hunk.hunk.headerLine || pos.line > hunk.hunk.endLine) continue;
    for (const view of [hunk.new, hunk.old]) {
      const rows = view.image.rows;
      for (let row = 0; row < rows.length; row++) {
        for (const seg of rows[row].segments) {
          if (seg.docLine === pos.line && pos.character >= seg.docCol && pos.character <= seg.docCol + seg.length) {
            return { view, row, col: seg.textStart + pos.character - seg.docCol };
          }
        }
      }
    }
  }
  return null;
}

function wordAt(text: string, col: number): { word: string; from: number; to: number } | null {
  let from = col;
  let to = col;
  while (from > 0 && /\w/.test(text[from - 1])) from--;
  while (to < text.length && /\w/.test(text[to])) to++;
  return to > from && /^[A-Za-z_]/.test(text[from]) ? { word: text.slice(from, to), from, to } : null;
}

/** The identifier under a document position on a hunk line, and where it is. */
function wordUnder(analysis: Analysis, pos: Pos): { view: ImageView; row: number; word: string; from: number; to: number; range: Range } | null {
  const at = analysis.parsed ? locate(analysis.parsed.hunks, pos) : null;
  const w = at && wordAt(at.view.image.rows[at.row].text, at.col);
  if (!at || !w) return null;
  return { view: at.view, row: at.row, ...w, range: { start: at.view.image.toDoc(at.row, w.from), end: at.view.image.toDoc(at.row, w.to) } };
}

/** On a function name the series changed: its old and new prototype and where its sites stand. */
export function describeFunctionAt(analysis: Analysis, pos: Pos): Description | null {
  const parsed = analysis.parsed;
  const w = wordUnder(analysis, pos);
  if (!parsed || !w) return null;
  const history = prototypeHistories(parsed).get(w.word);
  if (!history) return null;
  const sites = sitesOf(parsed, history.name, history.scopePath);
  const all = standings(history, sites.functions, sites.calls);
  const sig = (params: { text: string }[], variadic: boolean): string =>
    `${history.name}(${[...params.map((p) => p.text), ...(variadic ? ['...'] : [])].join(', ') || 'void'})`;
  const lines = [`**${history.name}()**: what this series changed`, ''];
  for (const c of history.changes) {
    const n = c.patch.number;
    lines.push(
      `- ${c.path ?? 'a quoted hunk'} (patch ${n ? `${n.n}/${n.total}` : c.patch.index}):`,
      `  - before: \`${sig(c.before, c.beforeVariadic)}\``,
      `  - after: \`${sig(c.after, c.afterVariadic)}\``,
    );
  }
  const ok = all.filter((s) => s.problem === null);
  const bad = all.filter((s) => s.problem !== null);
  lines.push('', `**Updated** (${ok.length}): ${ok.map((s) => s.label).join(', ') || 'none'}`);
  lines.push('', `**Not updated** (${bad.length}): ${bad.map((s) => `${s.label}: ${s.problem}`).join('; ') || 'none'}`);
  lines.push(
    '',
    history.scopePath
      ? `A static function: only sites in ${history.scopePath} are its sites.`
      : 'Sites outside this series are not visible without a kernel tree.',
  );
  return { markdown: lines.join('\n'), range: w.range };
}

/** On a name a finding is about (a constant a model reasons about), anywhere: that finding's explanation. */
export function describeNameAt(analysis: Analysis, findings: Finding[], pos: Pos): Description | null {
  const about = findings.filter((f) => f.about?.length);
  const w = about.length ? wordUnder(analysis, pos) : null;
  const f = w && about.find((x) => x.about!.includes(w.word));
  if (!w || !f) return null;
  const { text, cut } = hoverExcerpt(f.explanation, HOVER_LINES);
  return { markdown: [`**${f.ruleId}** · \`${w.word}\``, '', text].join('\n'), range: w.range, links: findingLinks(f, cut, false) };
}

/** On a name a model speaks about (a function it models), in a hunk: what the model says. */
export function describeModelsAt(analysis: Analysis, pos: Pos): Description | null {
  const w = wordUnder(analysis, pos);
  if (!w) return null;
  const hunk = analysis.parsed!.hunks.find((h) => h.new === w.view || h.old === w.view);
  const said = MODELS.flatMap((m) => {
    const h = m.hover?.(w.word, { path: hunk?.path ?? null });
    return h ? [{ ...h, model: m.id }] : [];
  });
  if (!said.length) return null;
  const links: HoverLink[] = said.map((h) => ({ kind: 'run', run: { model: h.model, args: h.args }, title: `Show model: ${h.model}` }));
  // The start of what each model says; the rest, with its picture, is in the panel its link opens.
  const budget = Math.max(4, Math.floor(HOVER_LINES / said.length));
  return { markdown: said.map((h) => hoverExcerpt(h.markdown, budget).text).join('\n\n---\n\n'), range: w.range, links };
}

export function describe(analysis: Analysis, findings: Finding[], pos: Pos): Description | null {
  const found = describeFindings(findings, pos) ?? describeNameAt(analysis, findings, pos);
  if (found) return found;
  const fn = describeFunctionAt(analysis, pos);
  const models = describeModelsAt(analysis, pos);
  if (fn && models) return { markdown: `${fn.markdown}\n\n---\n\n${models.markdown}`, range: fn.range, links: models.links };
  return fn ?? models;
}
