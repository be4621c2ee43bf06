/**
 * Function ASTs of hunk images: the one-parse reading (layout guessed from the text, checked against the
 * tree) must agree with the reference two-parse reading on real and synthetic hunks.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { syntheticSeries } from '../../bench/synthetic';
import { functionsOfImage, functionsOfImageByParsing, headlessLeadingLines } from '../../server/src/core/c/syntax/functions';
import { Image } from '../../server/src/core/c/syntax/image';
import { sectionFunctionName } from '../../server/src/core/c/syntax/parsed';
import { loadParser } from '../../server/src/host/grammar';
import { ingest } from '../../server/src/core/ingest';
import { readSeed, seedNames, seedTest } from '../helpers';

const json = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));

seedTest('one parse reads every hunk image of the seeds and of a synthetic series as two parses do', async () => {
  const parser = await loadParser();
  const documents = [...seedNames().map((n) => readSeed(n.slice(0, 3))), syntheticSeries(60).text];
  let images = 0;
  for (const text of documents) {
    for (const patch of ingest(text).patches) {
      for (const file of patch.files) {
        for (const hunk of file.hunks) {
          for (const side of ['old', 'new'] as const) {
            const image = Image.of(hunk.lines, side).text;
            const section = sectionFunctionName(hunk.section);
            assert.equal(
              json(functionsOfImage(parser, image, section)),
              json(functionsOfImageByParsing(parser, image, section)),
              `${file.newPath} @@ ${hunk.oldStart} ${side}:\n${image}`,
            );
            images++;
          }
        }
      }
    }
  }
  assert.ok(images > 1000, `${images} images`);
});

test('leading lines deeper than the code after them, with no brace, are the body of a head above the hunk', () => {
  const cases: [string, string, number | null][] = [
    ['an unbraced if body, then the body level', '\t\treturn ret;\n\n\tret = foo();\n\treturn 0;\n}', 0],
    ['two statements of a loop body', '\t\tput(a);\n\t\tput(b);\n\tdone();', 1],
    ['a body closed by a brace: the brace logic reads it', '\t\treturn ret;\n\t}\n\tdone();', null],
    ['a label at column 0 is no dedent', '\tfor (i = 0; i < n; i++)\n\t\tput(i);\n\tdone();\nout:\n\treturn err;', null],
    ['a continued expression, not a statement', '\t\t\t\tsizeof(x),\n\t\t\t\tGFP_KERNEL);\n\tif (!p)', null],
    ['the hunk starts at the body level', '\tret = foo();\n\treturn ret;', null],
    ['a directive after them closes a block above; they are still the body', '\t\tfoo();\n#endif\n\tbar();', 0],
    ['a directive among them', '\t\tfoo();\n#ifdef CONFIG_X\n\t\tbaz();\n#endif\n\tbar();', null],
  ];
  for (const [name, text, want] of cases) assert.equal(headlessLeadingLines(text), want, name);
});

test('locals declared with __free() are known to the function that declares them', async () => {
  const parser = await loadParser();
  const text = 'int f(void)\n{\n\tstruct s *p __free(kfree) = kzalloc(8, GFP_KERNEL);\n\tchar *q = NULL;\n\treturn p ? 0 : -ENOMEM;\n}\n';
  const [fn] = functionsOfImage(parser, text, null);
  assert.deepEqual(fn.scopeFreed, ['p']);
  assert.equal(functionsOfImage(parser, text.replace(' __free(kfree)', ''), null)[0].scopeFreed, undefined);
});
