/**
 * @file What an integer expression measures, read from the C alone: a page count or page offset
 * (`pgoff`, `gfn`, `npages`, `index`), a byte quantity (`<< PAGE_SHIFT`, `PAGE_SIZE *`, `SZ_2M`), and what
 * a mask keeps (`~(size - 1)` and `huge_page_mask()` keep the aligned part; `size - 1` and
 * `~huge_page_mask()` the offset within). Names are followed through the simple assignments before the
 * use (`page_mask = ~(page_size - 1); … x & page_mask`), so a snippet written over several lines reads as
 * its author meant it. What the text does not say stays unknown: `offset` and `size` have no unit.
 */
import { exprText, type Expr, type Stmt } from '../syntax/ast';
import type { Span } from '../syntax/image';

/** Where a simple assignment is: the caller's handle on the image (`origin`) and the statement's span. */
export interface DefinitionSite {
  origin: number;
  span: Span;
}

/** `name = expr;` (or a declaration's initialiser), with the definitions in force where it was written. */
export interface Definition {
  name: string;
  expr: Expr;
  before: Definitions;
  site: DefinitionSite;
}

export type Definitions = ReadonlyMap<string, Definition>;

/** Following definitions further than this is following a cycle. */
const MAX_DEPTH = 8;

/** An expression with the statement it sits in and the definitions in force there. */
export interface Visit {
  expr: Expr;
  stmt: Stmt;
  defs: Definitions;
  /** The name the statement assigns `expr` to, when `expr` is its whole right-hand side. */
  target: string | null;
}

/**
 * Walks statements in order, calling `visit` on each top-level expression with the definitions before
 * it. Assignments inside a branch or loop body do not flow out of it: only straight-line code defines.
 * Returns the definitions after the last statement (a later snippet of the same mail continues from them).
 */
export function walkDefinitions(stmts: Stmt[], defs: Definitions, origin: number, visit: (v: Visit) => void): Definitions {
  let current = defs;
  const define = (name: string, expr: Expr, stmt: Stmt): void => {
    const next = new Map(current);
    next.set(name, { name, expr, before: current, site: { origin, span: stmt.span } });
    current = next;
  };
  for (const s of stmts) {
    switch (s.kind) {
      case 'expr': {
        const e = s.expression;
        if (e.kind === 'assign' && e.op === '=' && e.left.kind === 'id') {
          visit({ expr: e.right, stmt: s, defs: current, target: e.left.name });
          define(e.left.name, e.right, s);
        } else visit({ expr: e, stmt: s, defs: current, target: null });
        break;
      }
      case 'decl':
        for (const v of s.vars) {
          if (!v.init) continue;
          visit({ expr: v.init, stmt: s, defs: current, target: v.name });
          define(v.name, v.init, s);
        }
        break;
      case 'block':
        current = walkDefinitions(s.body, current, origin, visit);
        break;
      case 'if':
        visit({ expr: s.condition, stmt: s, defs: current, target: null });
        walkDefinitions([s.then], current, origin, visit);
        if (s.otherwise) walkDefinitions([s.otherwise], current, origin, visit);
        break;
      case 'while':
      case 'dowhile':
        visit({ expr: s.condition, stmt: s, defs: current, target: null });
        walkDefinitions([s.body], current, origin, visit);
        break;
      case 'for':
        if (s.init) walkDefinitions([s.init], current, origin, visit);
        if (s.condition) visit({ expr: s.condition, stmt: s, defs: current, target: null });
        if (s.step) visit({ expr: s.step, stmt: s, defs: current, target: null });
        walkDefinitions([s.body], current, origin, visit);
        break;
      case 'foreach':
        walkDefinitions([s.body], current, origin, visit);
        break;
      case 'switch':
        visit({ expr: s.condition, stmt: s, defs: current, target: null });
        walkDefinitions(s.body, current, origin, visit);
        break;
      case 'return':
        if (s.value) visit({ expr: s.value, stmt: s, defs: current, target: null });
        break;
      case 'pp':
        for (const b of s.branches) walkDefinitions(b, current, origin, visit);
        break;
      default:
        break;
    }
  }
  return current;
}

/** Parentheses are gone from the AST already; casts carry the value unchanged. */
export function bare(e: Expr): Expr {
  return e.kind === 'cast' ? bare(e.operand) : e;
}

/** The last name of an identifier or member (`slot->gmem.pgoff` → `pgoff`). */
export function leafName(e: Expr): string | null {
  const b = bare(e);
  if (b.kind === 'id') return b.name;
  if (b.kind === 'field') return b.name;
  return null;
}

// ---------------------------------------------------------------- units

export type Unit = 'pages' | 'bytes';

export interface Quantity {
  unit: Unit;
  /** The expression that decided the unit, as written (`slot->gmem.pgoff`, `slot->base_gfn << PAGE_SHIFT`). */
  source: Expr;
  /** The definitions followed to reach it, outermost first. */
  via: Definition[];
}

/** Names that count pages or index them: a GFN, a PFN, a page offset in a file, a page count. */
const PAGE_NAME = /(?:^|_)(?:gfn|pfn|pgoff|npages|nr_pages|index)$/;
const BYTE_CONSTANT = /^(?:PAGE_SIZE|PMD_SIZE|PUD_SIZE|P4D_SIZE|HPAGE_SIZE|HPAGE_PMD_SIZE|HPAGE_PUD_SIZE|SZ_\d+[KMG]?)$/;
const BYTE_CALLS = /^(?:huge_page_size|folio_size|page_size|PFN_PHYS|gfn_to_gpa|pfn_to_phys|page_to_phys|offset_in_page|offset_in_folio)$/;
const PAGE_CALLS = /^(?:pages_per_huge_page|folio_nr_pages|PHYS_PFN|gpa_to_gfn|phys_to_pfn|page_to_pfn|folio_pfn|folio_index|page_index)$/;
/** Rounding helpers keep the unit of what they round. */
const ROUNDING = /^(?:round_down|round_up|rounddown|roundup|ALIGN|ALIGN_DOWN|PTR_ALIGN|PTR_ALIGN_DOWN|min|max|min_t|max_t|clamp)$/;

/**
 * Text that could hold both units: what `quantityOf` reads as bytes and as pages, written lexically. A
 * rule reads no function whose text fails this (reading functions is what costs).
 */
const BYTES_TEXT =
  /<<\s*PAGE_SHIFT\b|(?:PAGE|P[MU4]D)_SIZE\b|SZ_\d|(?:huge_page_size|folio_size|page_size|PFN_PHYS|gfn_to_gpa|pfn_to_phys|page_to_phys|offset_in_page|offset_in_folio)\s*\(/;
const PAGES_TEXT =
  /(?:gfn|pfn|pgoff|npages|nr_pages|index)\b|>>\s*PAGE_SHIFT\b|(?:pages_per_huge_page|folio_nr_pages|PHYS_PFN)\s*\(|(?:huge_page|folio|compound)_order/;
export const mayMixUnits = (text: string): boolean => BYTES_TEXT.test(text) && PAGES_TEXT.test(text);

const isName = (e: Expr, name: string): boolean => {
  const b = bare(e);
  return b.kind === 'id' && b.name === name;
};

/** A plain number: multiplying by it keeps the unit. */
const isPlainNumber = (e: Expr): boolean => bare(e).kind === 'num';

/** The unit an expression measures, or null when the text does not say. */
export function quantityOf(e: Expr, defs: Definitions, depth = 0): Quantity | null {
  if (depth > MAX_DEPTH) return null;
  const b = bare(e);
  const q = (unit: Unit): Quantity => ({ unit, source: b, via: [] });
  switch (b.kind) {
    case 'id': {
      const d = defs.get(b.name);
      if (d) {
        const inner = quantityOf(d.expr, d.before, depth + 1);
        // A page-named variable given bytes is wrong where it is assigned; its uses stay unknown.
        if (inner && PAGE_NAME.test(b.name) && inner.unit !== 'pages') return null;
        return inner ? { ...inner, via: [d, ...inner.via] } : null;
      }
      if (BYTE_CONSTANT.test(b.name)) return q('bytes');
      return PAGE_NAME.test(b.name) ? q('pages') : null;
    }
    case 'field':
      return PAGE_NAME.test(b.name) ? q('pages') : null;
    case 'call': {
      const fn = b.fn ?? '';
      if (BYTE_CALLS.test(fn)) return q('bytes');
      if (PAGE_CALLS.test(fn)) return q('pages');
      if (ROUNDING.test(fn)) {
        const args = /_t$/.test(fn) ? b.args.slice(1) : b.args;
        for (const a of args) {
          const inner = quantityOf(a, defs, depth + 1);
          if (inner) return inner;
        }
      }
      return null;
    }
    case 'bin': {
      const { op, left, right } = b;
      if (op === '<<' && isName(right, 'PAGE_SHIFT')) return q('bytes');
      if (op === '>>' && isName(right, 'PAGE_SHIFT')) return q('pages');
      if (op === '<<' && isPlainNumber(left) && /huge_page_order|folio_order|compound_order/.test(exprText(right))) return q('pages');
      if (op === '*') {
        const lq = quantityOf(left, defs, depth + 1);
        const rq = quantityOf(right, defs, depth + 1);
        // PAGE_SIZE times a page count is bytes; times a plain number it is still bytes.
        if (isName(left, 'PAGE_SIZE') || isName(right, 'PAGE_SIZE')) return q('bytes');
        if (lq && isPlainNumber(right)) return lq;
        if (rq && isPlainNumber(left)) return rq;
        return null;
      }
      if (op === '/') {
        if (isName(right, 'PAGE_SIZE')) return q('pages');
        return isPlainNumber(right) ? quantityOf(left, defs, depth + 1) : null;
      }
      if (op === '&' || op === '|' || op === '%' || op === '^') return quantityOf(left, defs, depth + 1);
      if (op === '+' || op === '-') {
        const lq = quantityOf(left, defs, depth + 1);
        const rq = quantityOf(right, defs, depth + 1);
        if (lq && rq && lq.unit !== rq.unit) return null;
        return lq ?? rq;
      }
      return null;
    }
    case 'cond': {
      const t = quantityOf(b.whenTrue, defs, depth + 1);
      const f = quantityOf(b.whenFalse, defs, depth + 1);
      return t && f && t.unit === f.unit ? t : null;
    }
    case 'assign':
      return quantityOf(b.right, defs, depth + 1);
    default:
      return null;
  }
}

const CLASHING = new Set(['+', '-', '==', '!=', '<', '<=', '>', '>=']);

export interface UnitClash {
  /** The comparison or arithmetic that mixes units. */
  at: Extract<Expr, { kind: 'bin' }>;
  left: Quantity;
  right: Quantity;
}

/** The clash at this node itself (not inside its operands), if it mixes a page quantity with bytes. */
export function unitClashAt(e: Expr, defs: Definitions): UnitClash | null {
  if (e.kind !== 'bin' || !CLASHING.has(e.op)) return null;
  const left = quantityOf(e.left, defs);
  const right = quantityOf(e.right, defs);
  return left && right && left.unit !== right.unit ? { at: e, left, right } : null;
}

// ---------------------------------------------------------------- masks

/** `aligning`: keeps the page-aligned part (`~(size - 1)`, `huge_page_mask(h)`); `offset`: keeps the offset within (`size - 1`). */
export type MaskKind = 'aligning' | 'offset';

export interface MaskReading {
  kind: MaskKind;
  /** The expression that decided, after the names it was reached through: `~(page_size - 1)`. */
  shape: string;
  via: Definition[];
}

const ALIGNING_NAMES = /^(?:PAGE_MASK|HPAGE_MASK|HPAGE_PMD_MASK|HPAGE_PUD_MASK|PMD_MASK|PUD_MASK|P4D_MASK|PGDIR_MASK|\w+_PAGE_MASK)$/;
const ALIGNING_CALLS = /^(?:huge_page_mask|folio_mask)$/;

/**
 * Text that could compute an offset with an aligning mask: an `&`, an aligning mask as `maskOf` reads
 * one (a mask name or call, `-size`, or `~` with a `- 1` somewhere), and an offset to compare with or
 * assign to (a name `meansOffsetWithin` accepts, or `==`/`!=`).
 */
const ALIGNING_TEXT = /(?:PAGE|P[MU4]D|PGDIR)_MASK\b|(?:huge_page|folio)_mask\s*\(|&\s*-\s*[\w(]/;
const OFFSET_TEXT = /within|in_page|in_folio|in_hpage|in_huge|(?:off|ofs)(?:set)?\b|[=!]=/;
export const mayMisuseMask = (text: string): boolean =>
  /[^&]&[^&=]/.test(text) && (ALIGNING_TEXT.test(text) || (text.includes('~') && /-\s*1[uUlL]*\b/.test(text))) && OFFSET_TEXT.test(text);

const flip = (k: MaskKind): MaskKind => (k === 'aligning' ? 'offset' : 'aligning');

/** `x` or `(x - 1)`: an operand as it must be written after a unary operator. */
/** The text with everything from its first `(` to its last `)` removed (what `/\(.*\)/` did, in linear time). */
function withoutOuterParens(t: string): string {
  const open = t.indexOf('(');
  const close = t.lastIndexOf(')');
  return open >= 0 && close > open ? t.slice(0, open) + t.slice(close + 1) : t;
}

export function operandText(e: Expr): string {
  const t = exprText(e);
  return /^[\w.>-]+$|^\w+\(.*\)$/.test(t) && !/\s/.test(withoutOuterParens(t)) ? t : `(${t})`;
}

/** What a mask operand of `&` keeps, or null when it is not recognisably a page mask. */
export function maskOf(e: Expr, defs: Definitions, depth = 0): MaskReading | null {
  if (depth > MAX_DEPTH) return null;
  const b = bare(e);
  const reading = (kind: MaskKind): MaskReading => ({ kind, shape: exprText(b), via: [] });
  switch (b.kind) {
    case 'id': {
      const d = defs.get(b.name);
      if (d) {
        const inner = maskOf(d.expr, d.before, depth + 1);
        return inner ? { ...inner, via: [d, ...inner.via] } : null;
      }
      return ALIGNING_NAMES.test(b.name) ? reading('aligning') : null;
    }
    case 'call':
      return b.fn && ALIGNING_CALLS.test(b.fn) ? reading('aligning') : null;
    case 'un': {
      if (b.op === '~') {
        const inner = maskOf(b.operand, defs, depth + 1);
        return inner ? { kind: flip(inner.kind), shape: inner.via.length ? `~${exprText(b.operand)}` : `~${operandText(b.operand)}`, via: inner.via } : null;
      }
      // `-size` is `~(size - 1)`.
      if (b.op === '-' && b.operand.kind !== 'num') return reading('aligning');
      return null;
    }
    case 'bin':
      // `size - 1`: the low bits, the offset within a size-aligned block.
      if (b.op === '-' && b.right.kind === 'num' && b.right.value === 1n) return reading('offset');
      return null;
    default:
      return null;
  }
}

/**
 * A name that says it holds an offset within a page: `offset_within_page`, `gfn_in_page`, `offset`. Not
 * `page_offset` or `folio_offset` (the offset of a page in its file, a page-aligned value), nor anything
 * named aligned, start or base.
 */
export function meansOffsetWithin(name: string): boolean {
  const n = name.toLowerCase();
  if (/align|start|base|round|down|begin|first/.test(n)) return false;
  if (/within|in_page|in_folio|in_hpage|in_huge/.test(n)) return true;
  return /^(?:off|offset|ofs)$|_(?:off|offset|ofs)$/.test(n) && !/(?:page|folio|pg|file|map|vm|pte|pmd|pud)_(?:off|offset|ofs)$/.test(n);
}
