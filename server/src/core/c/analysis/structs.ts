/**
 * @file Struct members as images declare them, and what a series changes about them: a member that
 * becomes an array (`struct acomp_req *req;` → `struct acomp_req *req[N];`) changes every use of it.
 */
import type { Node } from 'web-tree-sitter';
import { defineAlternatives, type DefineAlternative } from '../eval/constants';
import { normaliseC, spanOf } from './facts';
import type { Image, Span } from '../syntax/image';
import type { HunkView, ImageView, ParsedSeries } from '../syntax/parsed';

export interface MemberDecl {
  struct: string;
  member: string;
  /** The member's type as written, with the declarator's pointer stars: `struct acomp_req *`. */
  type: string;
  /** Array dimensions as written (`SWAP_CRYPTO_SUB_BATCH_SIZE`), outermost first; none for a scalar. */
  dims: string[];
  span: Span;
}

function declaratorShape(d: Node): { name: string | null; stars: number; dims: string[] } {
  let stars = 0;
  const dims: string[] = [];
  let n: Node | null = d;
  while (n && n.type !== 'field_identifier') {
    if (n.type === 'pointer_declarator') stars++;
    // The declarator nests the last dimension outermost: put each in front, so they read as written.
    else if (n.type === 'array_declarator') dims.unshift(normaliseC(n.childForFieldName('size')?.text ?? ''));
    else if (n.type !== 'parenthesized_declarator' && n.type !== 'attributed_declarator') return { name: null, stars, dims };
    n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c?.type === 'field_identifier') ?? null;
  }
  return { name: n?.text ?? null, stars, dims };
}

/**
 * Every member of every named struct a tree declares (nested ones too), in document order. The structs are
 * found inside WASM (descendantsOfType): a walk of every node through the node API cost as much as the
 * parse of a whole file.
 */
export function membersOf(root: Node): MemberDecl[] {
  const out: MemberDecl[] = [];
  for (const n of root.descendantsOfType(['struct_specifier', 'union_specifier'])) {
    const name = n.childForFieldName('name')?.text;
    const body = n.childForFieldName('body');
    if (name && body) {
      for (const field of body.namedChildren) {
        if (field?.type !== 'field_declaration') continue;
        const type = normaliseC(field.childForFieldName('type')?.text ?? '');
        for (const d of field.childrenForFieldName('declarator')) {
          if (!d) continue;
          const shape = declaratorShape(d);
          if (shape.name)
            out.push({
              struct: name,
              member: shape.name,
              type: `${type}${shape.stars ? ' ' + '*'.repeat(shape.stars) : ''}`,
              dims: shape.dims,
              span: spanOf(d),
            });
        }
      }
    }
  }
  return out;
}

const byImage = new WeakMap<Image, MemberDecl[]>();

/** Members an image declares; only images that may hold a struct body are parsed for it. */
export function imageMembers(series: ParsedSeries, view: ImageView): MemberDecl[] {
  let members = byImage.get(view.image);
  if (!members) {
    members = /\b(?:struct|union)\s+\w+\s*\{/.test(view.image.text) ? series.fromTree(view, 'struct-members', (root) => membersOf(root)) : [];
    byImage.set(view.image, members);
  }
  return members;
}

/** A member the series turned into an array, where its patch does it. */
export interface ArrayMemberChange {
  struct: string;
  member: string;
  /** The new declaration. */
  decl: MemberDecl;
  hunk: HunkView;
  /** Index of the patch in the series. */
  patchIndex: number;
}

/** Members a hunk shows as scalars before it and as arrays after it, struct by struct. */
export function arrayMemberChanges(series: ParsedSeries): ArrayMemberChange[] {
  const out: ArrayMemberChange[] = [];
  for (const hunk of series.hunks) {
    const after = imageMembers(series, hunk.new).filter((m) => m.dims.length > 0);
    if (!after.length) continue;
    const before = imageMembers(series, hunk.old);
    for (const decl of after) {
      const was = before.find((b) => b.struct === decl.struct && b.member === decl.member);
      if (was && was.dims.length === 0)
        out.push({ struct: decl.struct, member: decl.member, decl, hunk, patchIndex: series.series.patches.indexOf(hunk.patch) });
    }
  }
  return out;
}

/** Members declared as arrays anywhere in the series (after each patch), by member name. */
export function arrayMembers(series: ParsedSeries): Map<string, MemberDecl[]> {
  const out = new Map<string, MemberDecl[]>();
  for (const hunk of series.hunks) {
    for (const m of imageMembers(series, hunk.new)) {
      if (!m.dims.length) continue;
      const list = out.get(m.member) ?? [];
      if (!list.some((x) => x.struct === m.struct && x.dims.join() === m.dims.join())) list.push(m);
      out.set(m.member, list);
    }
  }
  return out;
}

/** Every value the series `#define`s `name` to, with the conditions each is under. */
export function defineValues(series: ParsedSeries, name: string): (DefineAlternative & { hunk: HunkView })[] {
  const out: (DefineAlternative & { hunk: HunkView })[] = [];
  const mentions = new RegExp(`#\\s*define\\s+${name}\\b`);
  for (const hunk of series.hunks) {
    if (!mentions.test(hunk.new.image.text)) continue;
    for (const d of series.derive(hunk.new, 'define-alternatives', () => defineAlternatives(hunk.new.image.text)))
      if (d.name === name) out.push({ ...d, hunk });
  }
  return out;
}

/** `8 with CONFIG_X`: the largest value and the condition it takes. */
export function largestValue(values: DefineAlternative[]): { value: bigint; when: string | null } | null {
  if (!values.length) return null;
  const top = values.reduce((a, b) => (b.value > a.value ? b : a));
  return { value: top.value, when: top.conditions.length ? top.conditions.join(' && ') : null };
}
