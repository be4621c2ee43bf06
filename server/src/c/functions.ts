/**
 * @file The functions an image shows, as ASTs: whole or tail-truncated definitions, and, when a hunk
 * starts inside a function body, that function's visible part. Blocks the hunk closes but did not open
 * (a `}` with no `{`) were opened before the hunk under conditions we cannot see: they are rebuilt as
 * blocks under an unknown condition, so their statements may or may not run, never always.
 */
import type { Node } from 'web-tree-sitter';
import { definitionName, toStmts, type FunctionAst } from './ast';
import { spanOf } from './facts';
import type { Span } from './image';
import { maskKernelAnnotations } from './mask';
import type { CParser } from './parser';

/** The unknown condition of a block opened before the hunk. */
export const UNKNOWN_CONDITION = '__mmr_unknown_condition';
const PARTIAL_NAME = '__mmr_visible_part';

/** Running brace depth over code (comments, strings and character literals skipped). */
function braceProfile(text: string): { min: number; minAt: number; end: number } {
  let depth = 0;
  let min = 0;
  let minAt = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      i = j;
    } else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth < min) {
        min = depth;
        minAt = i;
      }
    }
  }
  return { min, minAt, end: depth };
}

const TOP_LEVEL = new Set(['function_definition', 'declaration', 'type_definition', 'struct_specifier', 'enum_specifier', 'union_specifier', 'linkage_specification']);
const isStatementType = (t: string): boolean => t.endsWith('_statement') || t === 'labeled_statement' || t === 'compound_statement';

function shift(span: Span, rows: number): Span {
  return { startRow: span.startRow - rows, startCol: span.startCol, endRow: span.endRow - rows, endCol: span.endCol };
}

/** Moves every span of an AST up by `rows` (the synthetic line put in front of a partial function). */
function shiftAll<T>(node: T, rows: number): T {
  if (Array.isArray(node)) return node.map((n) => shiftAll(n, rows)) as T;
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) out[k] = k === 'span' ? shift(v as Span, rows) : typeof v === 'object' && typeof v !== 'bigint' ? shiftAll(v, rows) : v;
    return out as T;
  }
  return node;
}

function definitionAst(def: Node, entryVisible: boolean, rowShift: number): FunctionAst {
  const body = def.childForFieldName('body');
  const last = body?.lastChild;
  const declarator = def.childForFieldName('declarator');
  const params: string[] = [];
  let fd: Node | null = declarator;
  let returnsPointer = false;
  while (fd && fd.type !== 'function_declarator') {
    if (fd.type === 'pointer_declarator') returnsPointer = true;
    fd = fd.childForFieldName('declarator');
  }
  for (const p of fd?.childForFieldName('parameters')?.namedChildren ?? []) {
    let d = p?.childForFieldName('declarator') ?? null;
    while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
    if (d) params.push(d.text);
  }
  return {
    name: definitionName(def),
    params,
    returnsPointer,
    body: shiftAll(toStmts(body?.namedChildren ?? []), rowShift),
    entryVisible,
    endVisible: !!last && last.type === '}' && !last.isMissing,
    span: shift(spanOf(def), rowShift),
  };
}

/**
 * Function ASTs of an image. `sectionFunction` is the function git named in the hunk header: the one a
 * hunk that starts inside a body belongs to.
 */
export function functionsOfImage(parser: CParser, text: string, sectionFunction: string | null): FunctionAst[] {
  const masked = maskKernelAnnotations(text);
  const { min, minAt, end } = braceProfile(masked);
  const tree = parser.parse(masked);
  let top: Node[];
  try {
    top = tree.rootNode.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    const first = top.find((c) => c.type !== 'ERROR' || c.namedChildCount > 0);
    const startsInside = min < 0 || (!!first && isStatementType(first.type)) || (!!first && first.type === 'ERROR');
    if (!startsInside) {
      // A hunk that ends inside a body: close it after the visible end, so the parser need not guess.
      const truncated = end > 0;
      if (!truncated) return top.filter((c) => c.type === 'function_definition').map((d) => definitionAst(d, true, 0));
      const closed = parser.parse(masked + '\n' + '}'.repeat(end));
      try {
        const defs = closed.rootNode.namedChildren.filter((c): c is Node => c?.type === 'function_definition');
        return defs.map((d, i) => ({ ...definitionAst(d, true, 0), ...(i === defs.length - 1 ? { endVisible: false } : {}) }));
      } finally {
        closed.delete();
      }
    }
    // Does the function close in this image? Only if what follows its lowest `}` is top-level material.
    const after = min < 0 ? top.filter((c) => c.startIndex > minAt) : [];
    const next = min < 0 ? masked.slice(minAt + 1).replace(/^(?:\s|\/\*[\s\S]*?\*\/|\/\/[^\n]*)*/, '') : '';
    const closes =
      min < 0 &&
      !/^(?:else\b|while\s*\()/.test(next) &&
      (after.length === 0 || TOP_LEVEL.has(after[0].type) || after[0].type.startsWith('preproc') || /^(?:EXPORT_SYMBOL|MODULE_|module_init|module_exit|\w*initcall)\b/.test(next));
    const unknownBlocks = closes ? -min - 1 : -min;
    const prefix = `void ${PARTIAL_NAME}(void) {${` if (${UNKNOWN_CONDITION}) {`.repeat(unknownBlocks)}\n`;
    const open = 1 + unknownBlocks + end;
    const wrapped = parser.parse(prefix + masked + (open > 0 ? '\n' + '}'.repeat(open) : ''));
    try {
      const out: FunctionAst[] = [];
      const defs = wrapped.rootNode.namedChildren.filter((c): c is Node => c?.type === 'function_definition');
      defs.forEach((d, i) => {
        const partial = definitionName(d) === PARTIAL_NAME && d.startIndex === 0;
        const ast = definitionAst(d, !partial, 1);
        if (partial) {
          ast.name = sectionFunction ?? '(unnamed)';
          ast.entryVisible = false;
          ast.endVisible = closes;
        } else if (i === defs.length - 1 && end > 0 && closes) ast.endVisible = false;
        out.push(ast);
      });
      return out;
    } finally {
      wrapped.delete();
    }
  } finally {
    tree.delete();
  }
}
