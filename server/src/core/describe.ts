/**
 * @file What to show for a position in a document: the findings there with their explanations; on a
 * name a finding is about (a batch constant), that finding's explanation; on a function name inside a
 * hunk, what the series changed about that function and which of its sites follow. Plain markdown; the
 * language server wraps it in a hover.
 */
import type { HunkView, ImageView } from './c/syntax/parsed';
import { prototypeHistories, sitesOf, standings } from './c/analysis/prototypes';
import type { Analysis } from './engine';
import type { Finding } from './findings';
import type { Pos, Range } from './ingest';
import { MODELS } from './models/registry';

export interface Description {
  markdown: string;
  range: Range;
}

const contains = (r: Range, p: Pos): boolean =>
  (p.line > r.start.line || (p.line === r.start.line && p.character >= r.start.character)) &&
  (p.line < r.end.line || (p.line === r.end.line && p.character <= r.end.character));

export function describeFindings(findings: Finding[], pos: Pos): Description | null {
  const here = findings.filter((f) => contains(f.range, pos));
  if (here.length === 0) return null;
  // Editors show the diagnostic's message next to the hover: the hover adds how it was reached.
  const markdown = here
    .map((f) => [`**${f.ruleId}** · ${f.severity}${f.origin === 'introduced' ? '' : ` · ${f.origin}`}`, '', f.explanation || f.message].join('\n').trim())
    .join('\n\n---\n\n');
  return { markdown, range: here[0].range };
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
  return { markdown: [`**${f.ruleId}** · \`${w.word}\``, '', f.explanation].join('\n'), range: w.range };
}

/** On a name a model speaks about (a function it models), in a hunk: what the model says. */
export function describeModelsAt(analysis: Analysis, pos: Pos): Description | null {
  const w = wordUnder(analysis, pos);
  if (!w) return null;
  const hunk = analysis.parsed!.hunks.find((h) => h.new === w.view || h.old === w.view);
  const said = MODELS.flatMap((m) => m.hover?.(w.word, { path: hunk?.path ?? null }) ?? []);
  return said.length ? { markdown: said.join('\n\n---\n\n'), range: w.range } : null;
}

export function describe(analysis: Analysis, findings: Finding[], pos: Pos): Description | null {
  const found = describeFindings(findings, pos) ?? describeNameAt(analysis, findings, pos);
  if (found) return found;
  const fn = describeFunctionAt(analysis, pos);
  const models = describeModelsAt(analysis, pos);
  if (fn && models) return { markdown: `${fn.markdown}\n\n---\n\n${models.markdown}`, range: fn.range };
  return fn ?? models;
}
