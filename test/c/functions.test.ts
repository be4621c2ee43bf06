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

test('functions under preprocessor conditionals are read, every arm; a directive whose other half is outside the hunk does not hide them', async () => {
  const parser = await loadParser();
  const names = (text: string, section: string | null = null): string[] => functionsOfImage(parser, text, section).map((f) => f.name);
  const guarded = '#if IS_ENABLED(CONFIG_PCI)\nstatic int a_probe(void)\n{\n\treturn 0;\n}\n#endif\n';
  assert.deepEqual(names(guarded), ['a_probe']);
  const arms = '#ifdef CONFIG_PM\nstatic int a_suspend(void)\n{\n\treturn 1;\n}\n#else\nstatic int a_suspend_stub(void)\n{\n\treturn 0;\n}\n#endif\n';
  assert.deepEqual(names(arms), ['a_suspend', 'a_suspend_stub']);
  // The hunk opens with the #endif of an #if above it, and ends inside an #if it opens.
  const cut =
    '#endif\n\n#if IS_ENABLED(CONFIG_PCI)\nstatic int a_pci_probe(void)\n{\n\treturn 0;\n}\n#endif\n#ifdef CONFIG_OF\nstatic int a_of_probe(void)\n{\n\treturn 0;\n}\n';
  assert.deepEqual(names(cut), ['a_pci_probe', 'a_of_probe']);
  assert.deepEqual(
    functionsOfImageByParsing(parser, cut, null).map((f) => f.name),
    ['a_pci_probe', 'a_of_probe'],
  );
  // A hunk that ends inside an #if of a body: what follows the #if stays conditional.
  const [open] = functionsOfImage(parser, 'int a_populate(int n)\n{\n#if LEVELS == 2\n\treturn a_basepages(n);\n', null);
  assert.deepEqual(
    open.body.map((st) => st.kind),
    ['pp'],
  );
  // The hunk opens inside a driver struct's designated initializer.
  const initializer = '\t\t.of_match_table = a_match,\n\t},\n};\n\nstatic int a_init(void)\n{\n\treturn 0;\n}\n';
  assert.deepEqual(names(initializer, 'a_remove'), ['a_init']);
});

test('a whole new file read in one parse: a macro invoked at top level after a definition does not make it read twice more', async () => {
  const parser = await loadParser();
  let parses = 0;
  const counting = Object.assign(Object.create(parser) as typeof parser, {
    parse: (...args: Parameters<typeof parser.parse>) => {
      parses++;
      return parser.parse(...args);
    },
  });
  const file = [
    '// SPDX-License-Identifier: GPL-2.0',
    '#include <linux/device.h>',
    '',
    'static ssize_t delete_store(struct device *dev, struct device_attribute *attr, const char *buf, size_t len)',
    '{',
    '\tint rc = put_region(dev);',
    '',
    '\treturn rc ? rc : len;',
    '}',
    'DEVICE_ATTR_WO(delete);',
    '',
    'static void region_release(struct device *dev)',
    '{',
    '\tkfree(dev);',
    '}',
    '',
  ].join('\n');
  const fns = functionsOfImage(counting, file, null);
  assert.deepEqual(
    fns.map((f) => [f.name, f.entryVisible, f.endVisible]),
    [
      ['delete_store', true, true],
      ['region_release', true, true],
    ],
  );
  assert.equal(parses, 1);
});
