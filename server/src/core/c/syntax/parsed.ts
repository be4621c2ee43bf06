/**
 * @file The parsed series that rules read: for every hunk its old and new image, for every quoted fragment
 * its image. Each image has a lexical scan (cheap, always available) and facts from tree-sitter, parsed
 * only when a rule asks for them. Both are cached by image text, so re-checking a document after an edit
 * scans and parses only the images whose text changed, and images no rule needs are never parsed.
 */
import type { Node } from 'web-tree-sitter';
import type { DiffLine, FileDiff, Fragment, Hunk, Patch, Series } from '../../ingest';
import type { FunctionAst, Stmt } from './ast';
import { extractFacts, type ImageFacts } from '../analysis/facts';
import { definitionsOfImage, type ImageDefinition } from './functions';
import { Image, type Side, type Span } from './image';
import { Budget } from '../../budget';
import { singleEdit } from './edit';
import { blankCutComments, maskKernelAnnotations } from './mask';
import type { CParser } from './parser';
import type { KernelTree } from '../../kernel/kernel-tree';
import { wholeGroups, type WholeGroup } from './whole-functions';
import { definitionStartName, openDefinition, scanImage, type Scan } from './scan';
import { readSnippet } from './snippet-reader';
import { NameIndex } from './name-index';

export interface CacheStats {
  /** Images parsed from scratch. */
  parses: number;
  /** Images parsed incrementally from their other side. */
  incrementalParses: number;
  /** Images whose facts came from the cache. */
  hits: number;
  /** Images scanned lexically (not from the cache). */
  scans: number;
  /** Images read for their functions (parsed and converted to ASTs; not from the cache). */
  functionReads: number;
}

/** Which definitions of an image a reader wants, by their text; `key` names it in caches. */
export interface FunctionFilter {
  key: string;
  want: (definitionText: string) => boolean;
}

/** Recent readers remembered besides the rules' own (the pair tables of the last few series). */
const MAX_READERS = 16;

interface Entry {
  scan?: Scan;
  facts?: ImageFacts;
  /** Other results computed from the image text, by what they are (`functions:<section>`, ...). */
  derived?: Map<string, unknown>;
}

/**
 * Scans and facts by image text, oldest first out past a size budget; the images of each hunk, so a
 * message the ingest cache reused keeps its images (and their memoised scans and facts). Survives
 * across analyses.
 */
export class AnalysisCache {
  private readonly map = new Map<string, Entry>();
  private chars = 0;
  readonly images = new WeakMap<Hunk, { old: Image; new: Image }>();
  readonly stats: CacheStats = { parses: 0, incrementalParses: 0, hits: 0, scans: 0, functionReads: 0 };

  constructor(private readonly maxChars = 64 * 1024 * 1024) {}

  /**
   * The filters the running rules declare (set per analysis), and those functions were read with lately,
   * by key (bounded: a series' pair table has its own).
   */
  private ruleFilters = new Map<string, FunctionFilter['want']>();
  private readonly recent = new Map<string, FunctionFilter['want']>();

  /** The filters the rules of this analysis declare (meta.functionFilters). */
  setRuleFilters(filters: readonly FunctionFilter[]): void {
    this.ruleFilters = new Map(filters.map((f) => [f.key, f.want]));
  }

  /** A filter functions are read with: a first reading of an image converts what it wants too, for a while. */
  noteReader(filter: FunctionFilter): void {
    if (this.ruleFilters.has(filter.key) || this.recent.get(filter.key) === filter.want) return;
    this.recent.delete(filter.key);
    this.recent.set(filter.key, filter.want);
    if (this.recent.size > MAX_READERS) this.recent.delete(this.recent.keys().next().value!);
  }

  readerFilters(): FunctionFilter['want'][] {
    return [...this.ruleFilters.values(), ...this.recent.values()];
  }

  entry(text: string): Entry {
    let e = this.map.get(text);
    if (e) return e;
    e = {};
    this.map.set(text, e);
    this.chars += text.length;
    for (const [k] of this.map) {
      if (this.chars <= this.maxChars) break;
      this.map.delete(k);
      this.chars -= k.length;
    }
    return e;
  }

  /** A result derived from an image's text, computed once per text and kind. */
  derive<T>(text: string, kind: string, compute: () => T): T {
    const e = this.entry(text);
    e.derived ??= new Map();
    if (e.derived.has(kind)) return e.derived.get(kind) as T;
    const v = compute();
    e.derived.set(kind, v);
    return v;
  }

  imagesOf(hunk: Hunk): { old: Image; new: Image } {
    let pair = this.images.get(hunk);
    if (!pair) {
      pair = { old: Image.of(hunk.lines, 'old'), new: Image.of(hunk.lines, 'new') };
      this.images.set(hunk, pair);
    }
    return pair;
  }

  resetStats(): void {
    this.stats.parses = this.stats.incrementalParses = this.stats.hits = this.stats.scans = this.stats.functionReads = 0;
  }
}

export interface ImageView {
  readonly side: Side;
  readonly image: Image;
  /** Lexical scan: which names are called or declared. Cheap. */
  readonly scan: Scan;
  /** Parsed facts. Parses the image (and its sibling) on first access. */
  readonly facts: ImageFacts;
}

export interface HunkView {
  readonly patch: Patch;
  readonly file: FileDiff;
  readonly hunk: Hunk;
  /** The kernel path: the new path, or the old one for a deleted file; null in a headerless quote. */
  readonly path: string | null;
  readonly old: ImageView;
  readonly new: ImageView;
}

export interface FragmentView {
  readonly fragment: Fragment;
  readonly view: ImageView;
}

/** A snippet from the prose of a mail that parsed as C: its statements, spans in its image's rows. */
export interface SnippetView extends FragmentView {
  readonly stmts: Stmt[];
}

/**
 * How rules that follow paths read a hunk: alone, or, with a kernel tree, together with the other hunks of
 * its patch and file that touch the same functions, those functions whole.
 */
export interface Reading {
  /** In file order; the first leads (findings name its patch and file). */
  hunks: HunkView[];
  old: ImageView;
  new: ImageView;
  /** The function the images start inside (the hunk header's); null when they start at top level. */
  section: string | null;
  /** Read from the kernel tree: its rows outside the hunks are tree rows. */
  whole: boolean;
}

/** An image of a hunk, with its hunk. */
export interface HunkImage {
  hunk: HunkView;
  view: ImageView;
}

export class ParsedSeries {
  readonly hunks: HunkView[] = [];
  readonly fragments: FragmentView[] = [];
  private confirmed: SnippetView[] | null = null;
  private readonly byName = new Map<string, HunkImage[]>();
  private namesCurrent = false;
  private positions: Map<Image, HunkImage & { order: number }> | null = null;
  private readings: Map<HunkView, Reading> | null = null;
  /** The images of files that hold no C (documentation, scripts, Rust): no functions are read in them. */
  private readonly notC = new WeakSet<ImageView>();

  constructor(
    readonly series: Series,
    private readonly parser: CParser,
    private readonly cache: AnalysisCache,
    /** The reviewer's kernel tree: functions the hunks touch are then read whole from it. */
    readonly tree: KernelTree | null = null,
    /** The analysis's budget: every evaluator and model the rules run spends from it. */
    readonly budget: Budget = Budget.unlimited(),
    /** The document's name index, kept across its analyses (see NameIndex). */
    private readonly names: NameIndex = new NameIndex(),
  ) {
    for (const patch of series.patches) {
      for (const file of patch.files) {
        for (const hunk of file.hunks) {
          const view = this.hunkView(patch, file, hunk);
          this.hunks.push(view);
          if (!holdsC(view.path)) [view.old, view.new].forEach((v) => this.notC.add(v));
        }
      }
    }
    for (const fragment of series.fragments) {
      const image = Image.of(fragment.lines, 'new');
      this.fragments.push({ fragment, view: new LazyImageView('new', image, this.cache, { compute: () => this.computeSingle(image) }) });
    }
  }

  /**
   * The candidate snippets of the mail (ingest's lexical judgement) that parse as C statements, read on
   * first use; each candidate's reading is cached by its text.
   */
  get snippets(): SnippetView[] {
    if (this.confirmed) return this.confirmed;
    this.confirmed = [];
    for (const fragment of this.series.snippets) {
      const stmts = this.cache.derive(fragment.text, 'snippet', () => readSnippet(this.parser, fragment.text));
      if (!stmts) continue;
      const image = Image.of(fragment.lines, 'new');
      this.confirmed.push({ fragment, stmts, view: new LazyImageView('new', image, this.cache, { compute: () => this.computeSingle(image) }) });
    }
    return this.confirmed;
  }

  /**
   * The functions an image shows (whole or in part), as ASTs; cached by image text. `only` keeps those
   * whose text it accepts (the others are not converted); `key` names it for the cache.
   */
  functionsOf(hunk: HunkView, view: ImageView, only?: FunctionFilter): FunctionAst[] {
    return this.functionsIn(view, sectionFunctionName(hunk.hunk.section), only);
  }

  /**
   * The functions an image shows, the one it starts inside named `section`. An image is parsed again only
   * for a reader that wants a definition no earlier reading converted (see readDefinitions).
   */
  functionsIn(view: ImageView, section: string | null, only?: FunctionFilter): FunctionAst[] {
    if (this.notC.has(view)) return [];
    const fns = this.derive(view, `functions:${section ?? ''}${only ? ':' + only.key : ''}`, () => {
      if (only) this.cache.noteReader(only);
      const want = only?.want ?? null;
      const wanted = (d: ImageDefinition): boolean => want === null || want(d.text);
      const defs = this.derive(view, `definitions:${section ?? ''}`, () => ({ list: null as ImageDefinition[] | null }));
      if (!defs.list || defs.list.some((d) => !d.fn && wanted(d))) defs.list = this.readDefinitions(view, section, want, defs.list);
      return defs.list.flatMap((d) => (d.fn && wanted(d) ? [d.fn] : []));
    });
    for (const fn of fns) for (const span of fn.tooDeep ?? []) this.noteTooDeep(view, span);
    return fns;
  }

  /** Code the rules could not read because it nests too deeply, by document position: reported as notes. */
  readonly tooDeep = new Map<string, { view: ImageView; span: Span }>();

  private noteTooDeep(view: ImageView, span: Span): void {
    const at = view.image.spanToDoc(span).start;
    this.tooDeep.set(`${at.line}:${at.character}`, { view, span });
  }

  /**
   * One parse of an image converts what this reader wants and what the cache's other readers want (the
   * filters of the rules this analysis runs, and those functions were read with lately: see
   * AnalysisCache.readerFilters), so the readers after it find their definitions converted.
   */
  private readDefinitions(view: ImageView, section: string | null, want: FunctionFilter['want'] | null, earlier: ImageDefinition[] | null): ImageDefinition[] {
    this.cache.stats.functionReads++;
    const readers = this.cache.readerFilters();
    // What an earlier reading converted is not converted again: its ASTs are kept (rules may hold them).
    const done = new Set(earlier?.flatMap((d) => (d.fn ? [d.text] : [])));
    const any = (text: string): boolean => !done.has(text) && (want === null || want(text) || readers.some((r) => r(text)));
    const list = definitionsOfImage(this.parser, view.image.text, section, any);
    if (earlier && earlier.length === list.length)
      list.forEach((d, i) => {
        if (earlier[i].fn && earlier[i].text === d.text) d.fn = earlier[i].fn;
      });
    return list;
  }

  /** How a hunk is read by rules that follow paths (see Reading). */
  readingOf(hunk: HunkView): Reading {
    if (!this.readings) this.readings = this.makeReadings();
    let r = this.readings.get(hunk);
    if (!r) this.readings.set(hunk, (r = { hunks: [hunk], old: hunk.old, new: hunk.new, section: sectionFunctionName(hunk.hunk.section), whole: false }));
    return r;
  }

  private makeReadings(): Map<HunkView, Reading> {
    const out = new Map<HunkView, Reading>();
    if (!this.tree) {
      // Without a tree, the hunks of one function read as one, with their gaps marked (see functionRuns).
      for (const run of functionRuns(this.hunks)) {
        // A hunk alone is read through its own images (readingOf).
        if (run.length < 2) continue;
        const r: Reading = {
          hunks: run,
          old: this.gappedView(run, 'old'),
          new: this.gappedView(run, 'new'),
          section: sectionFunctionName(run[0].hunk.section),
          whole: false,
        };
        for (const h of run) out.set(h, r);
      }
      return out;
    }
    let groups: Map<HunkView, WholeGroup>;
    try {
      groups = wholeGroups(this.series, this.hunks, this.tree);
    } catch {
      // A tree file that cannot be read whole leaves its hunks read alone.
      return out;
    }
    const byGroup = new Map<WholeGroup, Reading>();
    for (const [hunk, g] of groups) {
      let r = byGroup.get(g);
      if (!r) {
        const view = (image: Image): ImageView => new LazyImageView(image.side, image, this.cache, { compute: () => this.computeSingle(image) });
        byGroup.set(g, (r = { hunks: g.hunks, old: view(g.old), new: view(g.new), section: null, whole: true }));
      }
      out.set(hunk, r);
    }
    return out;
  }

  /**
   * One image of several hunks of a file, in order, with a row for each gap between them (`gap`: its text):
   * a function the hunks show in parts reads as one. A comment a hunk ends or starts inside of is blanked
   * in its own hunk, so it cannot swallow the next hunk's code.
   */
  stitchedView(hunks: HunkView[], side: Side, gap = ''): ImageView {
    const rows: DiffLine[] = [];
    hunks.forEach((h, i) => {
      const image = side === 'old' ? h.old.image : h.new.image;
      const masked = blankCutComments(image.text).split('\n');
      if (i > 0) rows.push({ kind: 'context', text: gap, docLine: image.rows[0]?.docLine ?? 0, segments: [], oldLine: null, newLine: null, restored: false });
      image.rows.forEach((r, j) => rows.push(masked[j] === r.text ? r : { ...r, text: masked[j] ?? r.text }));
    });
    const image = new Image(side, rows);
    const view = new LazyImageView(side, image, this.cache, { compute: () => this.computeSingle(image) });
    if (!holdsC(hunks[0]?.path ?? null)) this.notC.add(view);
    return view;
  }

  /**
   * The images of hunks of one function with the gap rows reading `GAP_CALL();`: code the path analyses take
   * as able to do anything with what is held (so a leak is judged only on paths that do not cross it).
   */
  gappedView(hunks: HunkView[], side: Side): ImageView {
    return this.stitchedView(hunks, side, `${GAP_CALL}();`);
  }

  /** A result read from an image's own parse tree (annotations masked), cached by image text and `kind`. */
  fromTree<T>(view: ImageView, kind: string, read: (root: Node, text: string) => T): T {
    return this.cache.derive(view.image.text, kind, () => {
      const masked = maskKernelAnnotations(view.image.text);
      const tree = this.parser.parse(masked);
      try {
        return read(tree.rootNode, masked);
      } finally {
        tree.delete();
      }
    });
  }

  /**
   * A result derived from an image (and the functions it shows), cached by image text and `kind`, and
   * memoised on the image: an unchanged hunk keeps its Image across re-checks, and a lookup on it is much
   * cheaper than hashing the text again (rules ask this of every image on every check).
   */
  derive<T>(view: ImageView, kind: string, compute: () => T): T {
    const memo = (view.image.memo.derived ??= new Map());
    const known = memo.get(kind);
    if (known !== undefined || memo.has(kind)) return known as T;
    const v = this.cache.derive(view.image.text, kind, compute);
    memo.set(kind, v);
    return v;
  }

  /** A result derived from several images' texts together (a model's run), cached by those texts and `kind`. */
  deriveFromTexts<T>(texts: string[], kind: string, compute: () => T): T {
    return this.cache.derive(texts.join('\u0001'), kind, compute);
  }

  /**
   * Hunk images in which `name` is called, declared or defined (from the lexical scans), in document
   * order; from the document's name index (see NameIndex), brought up to date on the first question.
   */
  imagesNaming(name: string): HunkImage[] {
    const known = this.byName.get(name);
    if (known) return known;
    const list: (HunkImage & { order: number })[] = [];
    const positions = this.hunkImages();
    for (const image of this.allNames().imagesNaming(name) ?? []) {
      const at = positions.get(image);
      if (at) list.push(at);
    }
    list.sort((x, y) => x.order - y.order);
    this.byName.set(name, list);
    return list;
  }

  /** Every name the series' hunks and quoted fragments have (an index: `has` and iteration). */
  allNames(): NameIndex {
    if (!this.namesCurrent) {
      this.names.update(this.imagesWithNames());
      this.namesCurrent = true;
    }
    return this.names;
  }

  private *imagesWithNames(): Generator<readonly [Image, ReadonlySet<string>]> {
    for (const h of this.hunks) {
      yield [h.old.image, h.old.scan.names];
      yield [h.new.image, h.new.scan.names];
    }
    for (const f of this.fragments) yield [f.view.image, f.view.scan.names];
  }

  /** Each hunk image by its Image, with its place in document order. */
  private hunkImages(): Map<Image, HunkImage & { order: number }> {
    if (!this.positions) {
      this.positions = new Map();
      this.hunks.forEach((hunk, i) => {
        this.positions!.set(hunk.old.image, { hunk, view: hunk.old, order: 2 * i });
        this.positions!.set(hunk.new.image, { hunk, view: hunk.new, order: 2 * i + 1 });
      });
    }
    return this.positions;
  }

  private hunkView(patch: Patch, file: FileDiff, hunk: Hunk): HunkView {
    const images = this.cache.imagesOf(hunk);
    const pair = new ImagePair(this, images.old, images.new);
    return {
      patch,
      file,
      hunk,
      path: file.newPath ?? file.oldPath,
      old: new LazyImageView('old', images.old, this.cache, pair),
      new: new LazyImageView('new', images.new, this.cache, pair),
    };
  }

  /** Facts of both images of a hunk, parsed together (the new one incrementally), memoised on the images. */
  computePair(oldImage: Image, newImage: Image): void {
    if (oldImage.memo.facts && newImage.memo.facts) return;
    const pair = this.factsForPair(oldImage.text, newImage.text);
    oldImage.memo.facts = pair.old;
    newImage.memo.facts = pair.new;
  }

  /** Facts of a whole C file (from the kernel tree), cached by its text. */
  factsOfText(text: string): ImageFacts {
    return this.factsFor(text);
  }

  /** Facts of a lone image (a fragment). */
  computeSingle(image: Image): void {
    image.memo.facts ??= this.factsFor(image.text);
  }

  private factsFor(text: string): ImageFacts {
    const e = this.cache.entry(text);
    if (e.facts) {
      this.cache.stats.hits++;
      return e.facts;
    }
    const tree = this.parser.parse(maskKernelAnnotations(text));
    try {
      e.facts = extractFacts(tree, this.parser.language);
      this.cache.stats.parses++;
      return e.facts;
    } finally {
      tree.delete();
    }
  }

  /** The new image is the old one with one edited region: parse it incrementally from the old tree. */
  private factsForPair(oldText: string, newText: string): { old: ImageFacts; new: ImageFacts } {
    const oldEntry = this.cache.entry(oldText);
    const newEntry = this.cache.entry(newText);
    if (oldEntry.facts || newEntry.facts || oldText === newText) {
      return { old: this.factsFor(oldText), new: this.factsFor(newText) };
    }
    const oldMasked = maskKernelAnnotations(oldText);
    const newMasked = maskKernelAnnotations(newText);
    const oldTree = this.parser.parse(oldMasked);
    let newTree = null;
    try {
      oldEntry.facts = extractFacts(oldTree, this.parser.language);
      this.cache.stats.parses++;
      oldTree.edit(singleEdit(oldMasked, newMasked));
      newTree = this.parser.parse(newMasked, oldTree);
      newEntry.facts = extractFacts(newTree, this.parser.language);
      this.cache.stats.incrementalParses++;
      return { old: oldEntry.facts, new: newEntry.facts };
    } finally {
      oldTree.delete();
      newTree?.delete();
    }
  }
}

class ImagePair {
  constructor(
    private readonly series: ParsedSeries,
    private readonly oldImage: Image,
    private readonly newImage: Image,
  ) {}

  compute(): void {
    this.series.computePair(this.oldImage, this.newImage);
  }
}

/** An image with its scan and facts computed on first access (prototype getters: no closures per view). */
class LazyImageView implements ImageView {
  constructor(
    readonly side: Side,
    readonly image: Image,
    private readonly cache: AnalysisCache,
    private readonly source: { compute(): void },
  ) {}

  get scan(): Scan {
    const memo = this.image.memo;
    if (memo.scan) return memo.scan as Scan;
    const e = this.cache.entry(this.image.text);
    if (!e.scan) {
      e.scan = scanImage(this.image.text);
      this.cache.stats.scans++;
    }
    return (memo.scan = e.scan);
  }

  get facts(): ImageFacts {
    if (!this.image.memo.facts) this.source.compute();
    return this.image.memo.facts as ImageFacts;
  }
}

const readingKinds = new Map<string, Map<string, Map<string, string>>>();

/**
 * The kind (see ParsedSeries.derive) of a result about a reading: `prefix:section:suffix`, made once per
 * distinct parts. Rules ask one per image on every check, and a key built afresh is hashed afresh.
 */
export function readingKind(prefix: string, section: string | null, suffix: string): string {
  let bySuffix = readingKinds.get(prefix);
  if (!bySuffix) readingKinds.set(prefix, (bySuffix = new Map()));
  let bySection = bySuffix.get(suffix);
  if (!bySection) {
    // A suffix is a pair table's digest: a long editing session meets a few dozen.
    if (bySuffix.size > 64) bySuffix.clear();
    bySuffix.set(suffix, (bySection = new Map()));
  }
  const s = section ?? '';
  let kind = bySection.get(s);
  if (kind === undefined) bySection.set(s, (kind = `${prefix}:${s}:${suffix}`));
  return kind;
}

/** The call that stands for lines between two hunks of one function (see gappedView). */
export const GAP_CALL = '__mmr_lines_not_shown';

/**
 * The function still open at the end of a hunk's new image: the last one it starts, or the one it starts
 * inside. Memoised on the hunk, which an unchanged patch keeps across re-checks.
 */
const openAtEnd = new WeakMap<Hunk, string | null>();
function openFunctionAtEnd(hunk: HunkView): string | null {
  const known = openAtEnd.get(hunk.hunk);
  if (known !== undefined) return known;
  const lines = hunk.new.image.text.split('\n');
  const at = openDefinition(lines);
  const open = at === null ? sectionFunctionName(hunk.hunk.section) : at === 'closed' ? null : definitionStartName(lines[at]);
  openAtEnd.set(hunk.hunk, open);
  return open;
}

/**
 * Consecutive hunks of one file of one patch that show parts of the same function: the next hunk's section
 * names the function the previous one leaves open. Every hunk belongs to exactly one run.
 */
export function functionRuns(hunks: readonly HunkView[]): HunkView[][] {
  const runs: HunkView[][] = [];
  for (const h of hunks) {
    const last = runs[runs.length - 1];
    const prev = last?.[last.length - 1];
    const open = prev && prev.file === h.file && prev.patch === h.patch ? openFunctionAtEnd(prev) : null;
    const joins = open !== null && open === sectionFunctionName(h.hunk.section);
    if (joins) last.push(h);
    else runs.push([h]);
  }
  return runs;
}

/** Whether a file holds C whose functions rules read: a `.c`, `.h` or `.inc` file, or a quote with no path. */
export const holdsC = (path: string | null): boolean => path === null || /\.(?:c|h|inc)$/.test(path);

/** The function git named after a hunk header: the identifier before the first `(`. */
export function sectionFunctionName(section: string): string | null {
  const m = /(?<!\w)([A-Za-z_]\w*)\s*\(/.exec(section);
  return m ? m[1] : null;
}
