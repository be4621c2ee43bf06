/** @file How models receive the patch's code, and how they point back into it. */
import type { FunctionAst } from '../c/syntax/ast';

/** A function, or the part of it one image shows. */
export interface CodePiece {
  /** The caller's handle on the image the piece came from: findings are placed through it. */
  origin: number;
  fn: FunctionAst;
  /** Rows of the piece's image the patch changed (added on the new side, removed on the old). */
  added: ReadonlySet<number>;
}

/** A place in a piece's image: where a model puts what it found. */
export interface Anchor {
  origin: number;
  row: number;
  col: number;
}
