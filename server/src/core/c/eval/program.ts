/**
 * @file The code a model runs for one patch of a series, on one side: every function the series shows,
 * in the version in effect at that patch. The patch's own images first (its old side is the code before
 * it, its new side the code after it); then, for functions it does not show, the latest version an
 * earlier patch left, and failing that the version a later patch starts from (untouched in between).
 */
import type { FunctionAst } from '../syntax/ast';
import { constantsOf } from './constants';
import type { Side } from '../syntax/image';
import type { HunkView, ImageView, ParsedSeries } from '../syntax/parsed';

/** A function as one image shows it: whole, or the part a hunk holds. */
export interface FunctionPiece {
  fn: FunctionAst;
  hunk: HunkView;
  view: ImageView;
  /** Read whole from the kernel tree (lines no hunk shows are tree rows). */
  fromTree?: boolean;
}

export interface SideProgram {
  /** By name, the pieces of one version of each function, in file order. */
  functions: Map<string, FunctionPiece[]>;
  /** Enumerators and `#define`d integers of the images the program was read from. */
  constants: Map<string, bigint>;
  /** The images the program was read from. */
  views: { hunk: HunkView; view: ImageView }[];
}

export const isWhole = (fn: FunctionAst): boolean => fn.entryVisible && fn.endVisible;

function piecesOf(series: ParsedSeries, hunks: HunkView[], side: Side, whole: boolean): Map<string, FunctionPiece[]> {
  const out = new Map<string, FunctionPiece[]>();
  for (const hunk of hunks) {
    // With a kernel tree, hunks that touch the same functions are read once, through the first of them.
    const reading = whole ? series.readingOf(hunk) : null;
    if (reading && reading.hunks[0] !== hunk) continue;
    const view = reading ? reading[side] : side === 'old' ? hunk.old : hunk.new;
    for (const fn of reading ? series.functionsIn(view, reading.section) : series.functionsOf(hunk, view)) {
      const list = out.get(fn.name) ?? [];
      list.push({ fn, hunk, view, fromTree: reading?.whole });
      out.set(fn.name, list);
    }
  }
  const start = (p: FunctionPiece): number => (side === 'old' ? p.hunk.hunk.oldStart : p.hunk.hunk.newStart);
  for (const [name, list] of out) {
    // A wholly visible definition is the function; otherwise its visible parts in file order, the
    // parts one file shows read together (a switch one hunk opens, the next continues).
    const whole = list.find((p) => isWhole(p.fn));
    if (whole) {
      out.set(name, [whole]);
      continue;
    }
    list.sort((a, b) => start(a) - start(b));
    const pieces: FunctionPiece[] = [];
    for (let i = 0; i < list.length;) {
      let j = i + 1;
      while (j < list.length && list[j].hunk.path === list[i].hunk.path && list[j].hunk.file === list[i].hunk.file) j++;
      if (j - i === 1) pieces.push(list[i]);
      else {
        const view = series.stitchedView(
          list.slice(i, j).map((p) => p.hunk),
          side,
        );
        const fn = series.functionsIn(view, name).find((f) => f.name === name);
        if (fn) pieces.push({ fn, hunk: list[i].hunk, view });
        else pieces.push(...list.slice(i, j));
      }
      i = j;
    }
    out.set(name, pieces);
  }
  return out;
}

/**
 * The program in effect on `side` of patch number `patchIndex` (an index into series.patches), read
 * from the hunks `include` accepts (all by default: a model narrows it to the files it is about, so a
 * long unrelated series is not parsed for it). `whole`: functions the kernel tree has are read whole
 * from it (a model that runs them must then cope with code no hunk shows).
 */
export function programAt(series: ParsedSeries, patchIndex: number, side: Side, include: (h: HunkView) => boolean = () => true, whole = false): SideProgram {
  const byPatch = new Map<number, HunkView[]>();
  for (const h of series.hunks) {
    if (!include(h)) continue;
    const i = series.series.patches.indexOf(h.patch);
    const list = byPatch.get(i) ?? [];
    list.push(h);
    byPatch.set(i, list);
  }
  const functions = new Map<string, FunctionPiece[]>();
  const views: SideProgram['views'] = [];
  const take = (hunks: HunkView[] | undefined, s: Side): void => {
    if (!hunks) return;
    for (const [name, pieces] of piecesOf(series, hunks, s, whole)) if (!functions.has(name)) functions.set(name, pieces);
    for (const hunk of hunks) views.push({ hunk, view: s === 'old' ? hunk.old : hunk.new });
  };
  take(byPatch.get(patchIndex), side);
  for (let i = patchIndex - 1; i >= 0; i--) take(byPatch.get(i), 'new');
  for (let i = patchIndex + 1; i < series.series.patches.length; i++) take(byPatch.get(i), 'old');
  // Constants in the reverse order of precedence: the patch's own side is read last and wins.
  const constants = new Map<string, bigint>();
  for (const { view } of [...views].reverse()) constantsOf(view.image.text, constants);
  return { functions, constants, views };
}
