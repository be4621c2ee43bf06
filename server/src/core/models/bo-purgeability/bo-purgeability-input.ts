/**
 * @file The xe BO purgeability model's input, read from a patch: the hunks of the files where the series
 * touches the mechanism or its events, the patches that change the mechanism, and the code of each world
 * (before and after the patch) as the model runs it, with where each piece came from.
 */
import type { Hunk } from '../../ingest';
import type { HunkView, ImageView, ParsedSeries } from '../../c/syntax/parsed';
import { programAt, type SideProgram } from '../../c/eval/program';
import { DEFAULT_BOUND, EVENT_FUNCTIONS, MECHANISM_FUNCTIONS, type CodePiece, type PurgeabilityInput, type WorldCode } from './bo-purgeability';

const MODEL_NAMES = new Set([...MECHANISM_FUNCTIONS, ...Object.values(EVENT_FUNCTIONS)]);

const mentions = (view: ImageView, names: Iterable<string>): boolean => {
  for (const n of names) if (view.scan.names.has(n)) return true;
  return false;
};

/** Per hunk (reused while its message's text is): whether it names the model's functions. */
const namesModel = new WeakMap<Hunk, boolean>();
const touchesModel = (h: HunkView): boolean => {
  let v = namesModel.get(h.hunk);
  if (v === undefined) namesModel.set(h.hunk, (v = mentions(h.old, MODEL_NAMES) || mentions(h.new, MODEL_NAMES)));
  return v;
};

/** The hunks of the files the model reads: those where the series touches the mechanism or its events. */
export function modelHunks(series: ParsedSeries): HunkView[] {
  const files = new Set<string>();
  for (const h of series.hunks) if (h.path && touchesModel(h)) files.add(h.path);
  return series.hunks.filter((h) => h.path && files.has(h.path));
}

/** Patches (indices) that change the mechanism itself. */
export function modelPatches(series: ParsedSeries, hunks: HunkView[]): number[] {
  const out = new Set<number>();
  for (const h of hunks) if (mentions(h.old, MECHANISM_FUNCTIONS) || mentions(h.new, MECHANISM_FUNCTIONS)) out.add(series.series.patches.indexOf(h.patch));
  return [...out].sort((a, b) => a - b);
}

/** The function the dma-buf ops' `.release` names, in the files that define dma-buf ops. */
function releaseOf(program: SideProgram): string | null {
  const opsFiles = new Set(program.views.filter((v) => v.view.image.text.includes('dma_buf_ops')).map((v) => v.hunk.path));
  for (const { hunk, view } of program.views) {
    if (!opsFiles.has(hunk.path)) continue;
    const m = /\.release\s*=\s*&?\s*([A-Za-z_]\w*)/.exec(view.image.text);
    if (m) return m[1];
  }
  return null;
}

export interface Origin {
  hunk: HunkView;
  view: ImageView;
}

function worldCode(program: SideProgram, origins: Origin[]): WorldCode {
  const functions = new Map<string, CodePiece[]>();
  for (const [name, pieces] of program.functions) {
    functions.set(
      name,
      pieces.map((p) => {
        const added = new Set<number>();
        p.view.image.rows.forEach((r, i) => r.kind !== 'context' && added.add(i));
        origins.push({ hunk: p.hunk, view: p.view });
        return { origin: origins.length - 1, fn: p.fn, added };
      }),
    );
  }
  return { functions, constants: program.constants, release: releaseOf(program) };
}

/** Where each event's code came from, for the explanation. */
export function sourcesOf(program: SideProgram, label: string): string[] {
  const out: string[] = [];
  for (const [event, name] of Object.entries(EVENT_FUNCTIONS)) {
    const pieces = program.functions.get(name);
    if (!pieces) continue;
    const where = pieces.map((p) => {
      const lines = p.view.image.rows
        .slice(Math.max(p.fn.span.startRow, 0), p.fn.span.endRow + 1)
        .map((r) => (p.view.side === 'new' ? r.newLine : r.oldLine))
        .filter((n): n is number => n !== null);
      return lines.length ? `${p.hunk.path}, lines ${lines[0]}–${lines[lines.length - 1]}` : (p.hunk.path ?? '');
    });
    const whole = pieces.length === 1 && pieces[0].fn.entryVisible && pieces[0].fn.endVisible;
    out.push(`${event}, ${label}: ${whole ? '' : 'the visible part of '}\`${name}()\` (${where.join(', ')})`);
  }
  return out;
}

/**
 * The programs are rebuilt on every check (their parses are cached by text); the exploration, the
 * expensive part, is cached by the texts of the hunks it read. Origins are numbered in the order the
 * programs list their pieces, the same for the same texts, so a cached result's anchors stay valid.
 */
export function inputOf(
  series: ParsedSeries,
  hunks: HunkView[],
  patchIndex: number,
  bound: number,
): { input: PurgeabilityInput; origins: Origin[]; newProgram: SideProgram; oldProgram: SideProgram } {
  const include = (h: HunkView): boolean => hunks.includes(h);
  const newProgram = programAt(series, patchIndex, 'new', include);
  const oldProgram = programAt(series, patchIndex, 'old', include);
  const origins: Origin[] = [];
  return { input: { new: worldCode(newProgram, origins), old: worldCode(oldProgram, origins), bound }, origins, newProgram, oldProgram };
}

/** The model's input for each patch of the series it applies to (what the benchmark times). */
export function purgeabilityInputs(series: ParsedSeries, bound = DEFAULT_BOUND): PurgeabilityInput[] {
  const hunks = modelHunks(series);
  return modelPatches(series, hunks).map((p) => inputOf(series, hunks, p, bound).input);
}
