/**
 * @file A candidate snippet from the prose of a mail, read as C statements — or rejected. It is wrapped
 * in a function body and parsed; it is code only if the parse has no error and no missing token, every
 * statement is one a person would write in a reply, and at least one does something (an operator, a call,
 * an assignment, a control statement). `See kvm_gmem_bind();` parses as a declaration of a function
 * returning `See`: declarations of a named type without an initialiser never make a snippet on their own.
 */
import type { Node } from 'web-tree-sitter';
import { toStmts, type Stmt } from './ast';
import { maskKernelAnnotations } from './mask';
import type { CParser } from './parser';

const WRAP_BEFORE = 'void __mmr_snippet(void) {\n';

const CONTROL = new Set(['if_statement', 'for_statement', 'while_statement', 'do_statement', 'switch_statement', 'return_statement', 'goto_statement']);
const ALLOWED = new Set([
  ...CONTROL,
  'expression_statement',
  'declaration',
  'compound_statement',
  'break_statement',
  'continue_statement',
  'labeled_statement',
  'comment',
]);
const TRIVIAL_EXPRESSION = new Set([
  'identifier',
  'number_literal',
  'string_literal',
  'field_expression',
  'parenthesized_expression',
  'char_literal',
  'true',
  'false',
  'null',
]);

/** The statement does something: a reply would not write it unless it were code. */
function operative(n: Node): boolean {
  if (CONTROL.has(n.type)) return true;
  if (n.type === 'expression_statement') {
    const e = n.namedChild(0);
    return !!e && !TRIVIAL_EXPRESSION.has(e.type);
  }
  if (n.type === 'declaration') {
    if (n.childrenForFieldName('declarator').some((d) => d?.type === 'init_declarator')) return true;
    // A struct with its members written out is code; `See foo();` is a sentence.
    const type = n.childForFieldName('type');
    return !!type && (type.type === 'primitive_type' || type.type === 'sized_type_specifier' || !!type.childForFieldName('body'));
  }
  if (n.type === 'compound_statement') return n.namedChildren.some((c) => !!c && operative(c));
  return false;
}

/** The snippet's statements, spans in the snippet's own rows; null when the text is not C. */
export function readSnippet(parser: CParser, text: string): Stmt[] | null {
  const tree = parser.parse(WRAP_BEFORE + maskKernelAnnotations(text) + '\n}\n');
  try {
    const root = tree.rootNode;
    if (root.hasError || root.namedChildCount !== 1) return null;
    const body = root.namedChild(0)?.childForFieldName('body');
    if (!body) return null;
    const statements = body.namedChildren.filter((n): n is Node => !!n);
    if (!statements.every((n) => ALLOWED.has(n.type)) || !statements.some(operative)) return null;
    return toStmts(statements, 1);
  } finally {
    tree.delete();
  }
}
