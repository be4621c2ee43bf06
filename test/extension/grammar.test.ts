/** The mail grammar, tokenized by vscode-textmate with Oniguruma: the engine VS Code itself uses. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { repoRoot } from '../helpers';

const GRAMMAR_FILES: Record<string, string> = { 'text.mail.patch': 'mail.tmLanguage.json', 'text.mail.reply': 'reply.tmLanguage.json' };

async function registry(scopeName = 'text.mail.patch'): Promise<textmate.IGrammar> {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const reg = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      GRAMMAR_FILES[scope]
        ? textmate.parseRawGrammar(fs.readFileSync(path.join(repoRoot, 'syntaxes', GRAMMAR_FILES[scope]), 'utf8'), GRAMMAR_FILES[scope])
        : null,
  });
  const g = await reg.loadGrammar(scopeName);
  assert.ok(g);
  return g;
}

/** The scopes of the token covering `needle` on each line. */
function scopesAt(grammar: textmate.IGrammar, lines: string[], needles: string[]): string[][] {
  let state = textmate.INITIAL;
  return lines.map((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    state = r.ruleStack;
    const at = line.indexOf(needles[i]);
    const tok = r.tokens.find((t) => t.startIndex <= at && at < t.endIndex)!;
    return tok.scopes.slice(1);
  });
}

test('headers, quote depths and diff lines at any depth get their scopes', async () => {
  const g = await registry();
  const lines = [
    'From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001',
    'Subject: [PATCH 1/2] mm: example',
    '> First-level quote',
    '> > Second-level quote',
    '>> >> > Fifth level',
    '@@ -1,3 +1,4 @@ static int f(void)',
    '> > +	return 0;',
    '>> -	return 1;',
    '> > diff --git a/mm/x.c b/mm/x.c',
  ];
  const needles = ['From', 'Subject', 'First', 'Second', 'Fifth', '@@ -1', 'return 0', 'return 1', 'diff --git'];
  assert.deepEqual(scopesAt(g, lines, needles), [
    ['meta.separator.mbox'],
    ['keyword.other.header.mail'],
    ['markup.quote.depth-1.mail'],
    ['markup.quote.depth-2.mail'],
    ['markup.quote.depth-4.mail'],
    ['meta.diff.hunk.mail', 'meta.diff.range.unified'],
    ['meta.diff.hunk.mail', 'markup.inserted.diff'],
    ['meta.diff.hunk.mail', 'markup.deleted.diff'],
    ['meta.diff.header.git'],
  ]);
  // The quote prefix of a quoted diff line is punctuation.
  const inHunk = g.tokenizeLine('@@ -1 +1 @@', textmate.INITIAL).ruleStack;
  const r = g.tokenizeLine('> > +	return 0;', inHunk);
  assert.deepEqual(r.tokens[0].scopes.slice(1), ['meta.diff.hunk.mail', 'punctuation.definition.quote.mail']);
});

test('diff markers only inside a hunk: a commit message bullet is prose, the signature ends the hunk', async () => {
  const g = await registry();
  const lines = [
    'Subject: [PATCH] mm: example',
    '',
    '- the first change',
    '+ an aside',
    '> - a quoted bullet',
    '---',
    'diff --git a/mm/x.c b/mm/x.c',
    '--- a/mm/x.c',
    '+++ b/mm/x.c',
    '@@ -1,3 +1,3 @@ static int f(void)',
    ' {',
    '-	return 1;',
    '',
    '+	return 0;',
    '-- ',
    '- after the signature',
  ];
  const needles = ['Subject', '', 'the first', 'an aside', 'a quoted', '---', 'diff', '--- a', '+++ b', '@@', '{', 'return 1', '', 'return 0', '--', 'after'];
  const scopes = scopesAt(g, lines, needles);
  assert.deepEqual(
    [2, 3, 4, 11, 13, 14, 15].map((i) => scopes[i]),
    [[], [], ['markup.quote.depth-1.mail'], ['meta.diff.hunk.mail', 'markup.deleted.diff'], ['meta.diff.hunk.mail', 'markup.inserted.diff'], [], []],
  );
  assert.deepEqual(scopes[7], ['meta.diff.header.git']);
});

test('a review reply is coloured as mail: its quote of the patch, the diff lines in it, the reviewer`s text plain', async () => {
  const g = await registry('text.mail.reply');
  const lines = ['Subject: Re: [PATCH 1/3] kasan: x', '> @@ -120,7 +120,8 @@ static void f(void)', '> +\treturn 0;', 'Please pass gfp on.'];
  const scopes = scopesAt(g, lines, ['Subject', '@@ -120', 'return 0', 'Please']);
  assert.deepEqual(scopes, [
    ['keyword.other.header.mail'],
    ['meta.diff.hunk.mail', 'meta.diff.range.unified'],
    ['meta.diff.hunk.mail', 'markup.inserted.diff'],
    [],
  ]);
});
