/**
 * A model run from the editor's panel: the form shows the parameters a reviewer may change (not the
 * document, not files), a run draws the model's picture, and every refusal comes back as the panel's error,
 * never thrown.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { loadParser } from '../../server/src/host/grammar';
import { Engine } from '../../server/src/core/engine';
import { panelForm, runForPanel, type ModelPanel } from '../../server/src/core/models/model-panel';
import { ring } from '../ring-fixture';

test('the form: every parameter but the document and files, with the values given and the defaults as placeholders', () => {
  const form = panelForm({ model: 'cxl-interleave', args: { ways: '8' } })!;
  assert.equal(form.model, 'cxl-interleave');
  const names = form.params.map((p) => p.name);
  assert.ok(!names.includes('topology'), 'a topology file is the command line’s');
  assert.deepEqual(names.slice(0, 2), ['ways', 'granularity']);
  assert.deepEqual(form.params[0], { name: 'ways', description: form.params[0].description, value: '8', default: '16' });
  assert.equal(form.params[1].value, '', 'a parameter not given shows its default as placeholder');
  assert.ok(!panelForm({ model: 'unwind', args: {} })!.params.some((p) => p.name === 'patch'), 'the document stands for the patch');
  assert.equal(panelForm({ model: 'no-such-model', args: {} }), null);
});

// A fixed unwind leak: the unwind of the ring's pages frees the array instead of each page.
const leaky = ring({ line: '+\t\tvfree(ctx->page[i]);', with: ['+\t\tvfree(ctx->page);'] });

const cases: { name: string; run: { model: string; args: Record<string, string> }; document?: string; error?: RegExp; check?: (p: ModelPanel) => void }[] = [
  {
    name: 'vmemmap for arm64 with 2 MiB compound pages',
    run: { model: 'vmemmap', args: { arch: 'arm64', size: '1G', shift: '9' } },
    check: (p) => {
      assert.equal(p.title, 'vmemmap (arch=arm64 size=1G shift=9)');
      assert.match(p.svg ?? '', /^<svg /);
      assert.match(p.markdown, /arm64/);
      assert.equal(p.error, undefined);
    },
  },
  {
    name: 'empty values take the defaults',
    run: { model: 'gmem-alignment', args: { base_gfn: '', npages: ' ', pgoff: '0' } },
    check: (p) => assert.equal(p.title, 'gmem-alignment (pgoff=0)'),
  },
  {
    name: 'the unwind model runs on the panel’s own document',
    run: { model: 'unwind', args: { function: 'ring_cpu_prepare' } },
    document: leaky,
    check: (p) => {
      assert.equal(p.error, undefined, p.error);
      assert.match(p.markdown, /ring_cpu_prepare/);
    },
  },
  { name: 'a model reading the patch before the document is analysed', run: { model: 'unwind', args: {} }, error: /not been analysed yet/ },
  {
    name: 'a parameter the panel does not offer: a file',
    run: { model: 'cxl-interleave', args: { topology: '/etc/passwd' } },
    error: /takes no parameter topology here/,
  },
  {
    name: 'the document named as the patch',
    run: { model: 'unwind', args: { patch: '/etc/passwd' } },
    document: leaky,
    error: /takes no parameter patch here/,
  },
  { name: 'an unknown parameter', run: { model: 'vmemmap', args: { colour: 'red' } }, error: /takes no parameter colour/ },
  { name: 'a value the model refuses', run: { model: 'cxl-interleave', args: { ways: '5' } }, error: /ways=5: CXL 2.0 allows/ },
  { name: 'a value too long', run: { model: 'gmem-alignment', args: { check: 'x'.repeat(600) } }, error: /longer than 500/ },
  { name: 'an unknown model', run: { model: 'nonsense', args: {} }, error: /no model named nonsense/ },
];

for (const c of cases) {
  test(`runForPanel: ${c.name}`, async () => {
    const parser = await loadParser();
    const document = c.document === undefined ? null : new Engine(parser).analyze(c.document, { findings: 'all' }).parsed!;
    const panel = runForPanel(c.run, { parser, document });
    if (c.error) {
      assert.match(panel.error ?? '', c.error);
      assert.equal(panel.svg, undefined);
    }
    c.check?.(panel);
  });
}
