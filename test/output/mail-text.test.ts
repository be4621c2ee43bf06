/** The plain-text mail conventions a reply follows, case by case. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { addressOf, foldHeader, plainText, quoteLine, replySubject, splitAddresses, wrapText } from '../../server/src/core/output/mail-text';

test('quoteLine adds one level; an empty line gets a bare >', () => {
  const cases: [string, string][] = [
    ['', '>'],
    [' ', '>  '],
    ['+\tx = 1;', '> +\tx = 1;'],
    ['> -\ty();', '> > -\ty();'],
    ['>', '> >'],
  ];
  for (const [line, quoted] of cases) assert.equal(quoteLine(line), quoted, JSON.stringify(line));
});

test('wrapText wraps at the width, never breaks a word, keeps paragraphs', () => {
  const cases: [string, number, string[]][] = [
    ['one two three', 7, ['one two', 'three']],
    ['one two three', 13, ['one two three']],
    ['a include/linux/very_long_header_name.h b', 10, ['a', 'include/linux/very_long_header_name.h', 'b']],
    ['  spaced   out  ', 72, ['spaced out']],
    ['first\nsecond', 72, ['first', 'second']],
    ['', 72, ['']],
  ];
  for (const [text, width, lines] of cases) assert.deepEqual(wrapText(text, width), lines, text);
  // Every line within the width when the words allow it.
  const long = 'the unwind model ran the function eleven times and found that two of the failing paths return with the folio still held';
  for (const line of wrapText(long, 72)) assert.ok(line.length <= 72, line);
  assert.equal(wrapText(long, 72).join(' '), long);
});

test('plainText drops Markdown: code spans bare or in quotes, bold and emphasis markers gone', () => {
  const cases: [string, string][] = [
    ['`foo()` takes `gfp_t gfp`', "foo() takes 'gfp_t gfp'"],
    ['**model**: 3 runs', 'model: 3 runs'],
    ['a _stressed_ word, `snake_case_name`', 'a stressed word, snake_case_name'],
    ['no markup at all', 'no markup at all'],
  ];
  for (const [md, plain] of cases) assert.equal(plainText(md), plain);
});

test('foldHeader folds at 78 columns between items, continuations indented by a space', () => {
  assert.equal(foldHeader('To', ['a@b.c'], ', '), 'To: a@b.c');
  const ids = ['<20261102100000.0-dev@example.org>', '<20261102100000.1-dev@example.org>'];
  assert.equal(foldHeader('References', ids, ' '), 'References: <20261102100000.0-dev@example.org>\n <20261102100000.1-dev@example.org>');
  const many = Array.from({ length: 9 }, (_, i) => `list${i}@vger.example.org`);
  const folded = foldHeader('Cc', many, ', ');
  for (const line of folded.split('\n')) assert.ok(line.length <= 78, line);
  assert.ok(
    folded
      .split('\n')
      .slice(1)
      .every((l) => l.startsWith(' ')),
  );
  assert.deepEqual(splitAddresses(folded.replace(/^Cc: /, '').replace(/\n /g, ' ')), many);
});

test('splitAddresses splits at commas outside quoted names and angle brackets', () => {
  const cases: [string | undefined, string[]][] = [
    [undefined, []],
    ['', []],
    ['a@x.org', ['a@x.org']],
    ['A <a@x.org>, b@x.org', ['A <a@x.org>', 'b@x.org']],
    ['"Ryabinin, Andrey" <r@x.com>,  c@x.org ,', ['"Ryabinin, Andrey" <r@x.com>', 'c@x.org']],
    ['<odd,name@x.org>, d@x.org', ['<odd,name@x.org>', 'd@x.org']],
  ];
  for (const [value, list] of cases) assert.deepEqual(splitAddresses(value), list, String(value));
});

test('addressOf reads a mailbox`s address', () => {
  assert.equal(addressOf('Dev <Dev@Example.org>'), 'dev@example.org');
  assert.equal(addressOf(' dev@example.org '), 'dev@example.org');
});

test('replySubject adds Re: once', () => {
  assert.equal(replySubject('[PATCH 1/3] mm: x'), 'Re: [PATCH 1/3] mm: x');
  assert.equal(replySubject('Re: [PATCH 1/3] mm: x'), 'Re: [PATCH 1/3] mm: x');
  assert.equal(replySubject('RE: x'), 'RE: x');
  assert.equal(replySubject(null), 'Re:');
});
