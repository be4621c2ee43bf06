/**
 * @file The one parser interface: web-tree-sitter with the C grammar. The host hands over the two WASM
 * files as bytes, so the core never touches the file system and runs in any VS Code host.
 */
import { Language, Parser, type Tree } from 'web-tree-sitter';

export interface GrammarBytes {
  /** `web-tree-sitter.wasm`, the runtime. */
  runtime: Uint8Array;
  /** `tree-sitter-c.wasm`, the grammar. */
  c: Uint8Array;
}

let runtimeReady: Promise<void> | null = null;

export class CParser {
  private constructor(
    private readonly parser: Parser,
    readonly language: Language,
  ) {}

  static async create(bytes: GrammarBytes): Promise<CParser> {
    runtimeReady ??= Parser.init({ wasmBinary: bytes.runtime });
    await runtimeReady;
    const language = await Language.load(bytes.c);
    const parser = new Parser();
    parser.setLanguage(language);
    return new CParser(parser, language);
  }

  /** Parses text; with `previous` (already edited to match), only the changed region is reparsed. */
  parse(text: string, previous?: Tree): Tree {
    const tree = this.parser.parse(text, previous ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }
}
