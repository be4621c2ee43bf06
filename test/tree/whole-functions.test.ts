/**
 * Balance and unwind rules with a kernel tree: the functions a hunk touches are read whole from the tree
 * (the series applied up to the hunk's patch), so paths that leave the hunk are followed. Each case is
 * also checked without the tree, where the same patch says nothing, and the tree's lines are named by
 * file and line and linked into the tree. The same on a real kernel tree is in e2e/kernel-tree.test.ts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Engine } from '../../server/src/core/engine';
import type { Finding } from '../../server/src/core/findings';
import { gitBlobId } from '../../server/src/core/kernel/kernel-tree';
import { loadParser } from '../../server/src/host/grammar';
import { lineOf } from '../helpers';
import { MemoryTree } from './memory-tree';
import { applyEdits, editMail, editSeries, gadget, treeFiles, widget } from './whole-fixture';

const ROOT = '/trees/memory';
const shown = (
  findings: Finding[],
  rules = ['unbalanced-counter', 'unwind-leak', 'unwind-double-free', 'lock-not-held', 'use-after-unlock'],
): [number, string, string][] =>
  findings.filter((f) => rules.includes(f.ruleId) && f.origin === 'introduced').map((f) => [f.range.start.line + 1, f.ruleId, f.message]);

test('a reference taken in the hunk and kept on an error path only the tree shows', async () => {
  const engine = new Engine(await loadParser());
  const doc = editMail('widget: hold the folio while mapped', [{ path: 'mm/widget.c', text: widget, edits: [{ after: 21, add: ['\tfolio_get(folio);'] }] }]);
  assert.deepEqual(shown(engine.analyze(doc).findings), [], 'the hunk ends before any path returns: nothing to judge');
  const found = engine.analyze(doc, { tree: new MemoryTree(treeFiles) }).findings;
  const get = lineOf(doc, '+\tfolio_get(folio);');
  // Both error paths leave through out_unlock (lines 24 and 30 of the file) and return at line 35 still holding the folio.
  assert.deepEqual(shown(found), [
    [get, 'unbalanced-counter', `on the path through \`goto out_unlock\` (line ${get + 3}), \`folio_get()\` from line ${get} is never released`],
  ]);
  const f = found.find((x) => x.ruleId === 'unbalanced-counter')!;
  assert.deepEqual(
    f.related.map((r) => [r.message, r.file?.path ?? 'document', r.range.start.line + 1]),
    [
      ['goto out_unlock', 'document', get + 3],
      ['returns still holding it', 'mm/widget.c', 35],
    ],
  );
  assert.equal(f.related[1].file?.root, ROOT);
  assert.match(f.explanation, /The whole function was read from the kernel tree \(mm\/widget\.c, as the series leaves it at this patch\)/);
  assert.match(f.explanation, /\| mm\/widget\.c:35 \| `return` \|/);
});

test('a return added below a lock the hunk does not show: reported on the return, naming the lock in the tree', async () => {
  const engine = new Engine(await loadParser());
  const bad = editMail('widget: refuse a widget with no buffer', [
    { path: 'mm/widget.c', text: widget, edits: [{ after: 26, add: ['\tif (!w->buf)', '\t\treturn -EINVAL;'] }] },
  ]);
  assert.deepEqual(shown(engine.analyze(bad).findings), []);
  const found = engine.analyze(bad, { tree: new MemoryTree(treeFiles) }).findings;
  const ret = lineOf(bad, '+\t\treturn -EINVAL;');
  assert.deepEqual(shown(found), [[ret, 'unbalanced-counter', `on the path returning at line ${ret}, \`mutex_lock()\` from mm/widget.c:21 is never released`]]);
  const f = found.find((x) => x.ruleId === 'unbalanced-counter')!;
  assert.deepEqual(f.related[0], {
    range: { start: { line: 20, character: 1 }, end: { line: 20, character: 21 } },
    message: 'mutex_lock() takes it',
    file: { root: ROOT, path: 'mm/widget.c' },
  });
  // The same check leaving through the unwind label is balanced.
  const good = editMail('widget: refuse a widget with no buffer', [
    { path: 'mm/widget.c', text: widget, edits: [{ after: 26, add: ['\tif (!w->buf) {', '\t\tret = -EINVAL;', '\t\tgoto out_unlock;', '\t}'] }] },
  ]);
  assert.deepEqual(shown(engine.analyze(good, { tree: new MemoryTree(treeFiles) }).findings), []);
});

test('a leak the tree already has is pre-existing, not introduced', async () => {
  const engine = new Engine(await loadParser());
  // widget_reset() returns -EBUSY holding the lock (line 42, the hunk's first line); the patch changes
  // another line of it. The lock is above the hunk.
  const doc = editMail('widget: flush only a buffer', [
    { path: 'mm/widget.c', text: widget, edits: [{ after: 44, remove: 1, add: ['\tif (w->buf)', '\t\twidget_flush(w);'] }] },
  ]);
  const found = engine.analyze(doc, { tree: new MemoryTree(treeFiles) }).findings.filter((f) => f.ruleId === 'unbalanced-counter');
  assert.deepEqual(
    found.map((f) => [f.origin, f.range.start.line + 1, f.message]),
    [
      [
        'pre-existing',
        lineOf(doc, ' \t\treturn -EBUSY;'),
        `on the path returning at line ${lineOf(doc, ' \t\treturn -EBUSY;')}, \`mutex_lock()\` from mm/widget.c:40 is never released`,
      ],
    ],
  );
});

test('the unwind model runs the whole function: a new allocation that fails into a label freeing too little', async () => {
  const engine = new Engine(await loadParser());
  const add = (check: string[]): string =>
    editMail('gadget: a fourth buffer', [
      { path: 'mm/gadget.c', text: gadget, edits: [{ after: 16, add: ['', '\tg->d = kzalloc(512, GFP_KERNEL);', ...check] }] },
    ]);
  const bad = add(['\tif (!g->d)', '\t\tgoto free_b;']);
  assert.deepEqual(shown(engine.analyze(bad).findings), [], 'the labels are below the hunk');
  const alloc = lineOf(bad, '+\tg->d = kzalloc(512, GFP_KERNEL);');
  const goto = lineOf(bad, '+\t\tgoto free_b;');
  assert.deepEqual(shown(engine.analyze(bad, { tree: new MemoryTree(treeFiles) }).findings), [
    [
      lineOf(bad, ' \tg->c = kzalloc(256, GFP_KERNEL);'),
      'unbalanced-counter',
      `on the path through \`goto free_b\` (line ${goto}), \`kzalloc()\` from line ${alloc - 4} is never released`,
    ],
    [
      alloc,
      'unwind-leak',
      `if \`kzalloc()\` fails for \`d\`, \`c\` is never freed (line ${alloc} → \`goto free_b\` (line ${goto}) → \`kfree()\` (mm/gadget.c:21) → \`kfree()\` (mm/gadget.c:23) → return (mm/gadget.c:24))`,
    ],
  ]);
  const good = add(['\tif (!g->d) {', '\t\tkfree(g->c);', '\t\tgoto free_b;', '\t}']);
  assert.deepEqual(shown(engine.analyze(good, { tree: new MemoryTree(treeFiles) }).findings), []);
});

test('two hunks of one function are read together; a series is read patch by patch, lines named as the tree has them', async () => {
  const parser = await loadParser();
  const engine = new Engine(parser);
  const tree = new MemoryTree(treeFiles);
  const both = editMail('widget: hold the folio while mapped', [
    {
      path: 'mm/widget.c',
      text: widget,
      edits: [
        { after: 21, add: ['\tfolio_get(folio);'] },
        { after: 33, add: ['\tfolio_put(folio);'] },
      ],
    },
  ]);
  const a = engine.analyze(both, { tree });
  assert.equal(a.parsed!.hunks.length, 2);
  const reading = a.parsed!.readingOf(a.parsed!.hunks[0]);
  assert.equal(a.parsed!.readingOf(a.parsed!.hunks[1]), reading);
  assert.equal(reading.whole, true);
  assert.deepEqual(shown(a.findings), [], 'taken after the lock, given back at out_unlock on every path');

  // Patch 1 adds two lines above widget_map(); patch 2 returns early holding the lock. The lock is line 23 of
  // the file patch 2 starts from, line 21 of the tree's file: the message names the tree's line.
  const first = [{ after: 13, add: ['\tif (!w)', '\t\treturn -ENODEV;'] }];
  const afterFirst = applyEdits(widget, first);
  const series = editSeries([
    { subject: 'widget: no widget, no preparation', files: [{ path: 'mm/widget.c', text: widget, edits: first }] },
    {
      subject: 'widget: refuse a widget with no buffer',
      files: [{ path: 'mm/widget.c', text: afterFirst, edits: [{ after: 28, add: ['\tif (!w->buf)', '\t\treturn -EINVAL;'] }] }],
    },
  ]);
  const ret = lineOf(series, '+\t\treturn -EINVAL;');
  assert.deepEqual(shown(engine.analyze(series, { tree }).findings), [
    [ret, 'unbalanced-counter', `on the path returning at line ${ret}, \`mutex_lock()\` from mm/widget.c:21 is never released`],
  ]);
});

test('a file the hunk does not apply to is read from the hunk alone; a mail that lost its indentation still applies', async () => {
  const engine = new Engine(await loadParser());
  const doc = editMail('widget: refuse a widget with no buffer', [
    { path: 'mm/widget.c', text: widget, edits: [{ after: 26, add: ['\tif (!w->buf)', '\t\treturn -EINVAL;'] }] },
  ]);
  const other = new MemoryTree({ ...treeFiles, 'mm/widget.c': widget.replace('\tw->state = 2;', '\tw->state = 7;') });
  const found = engine.analyze(doc, { tree: other }).findings;
  assert.deepEqual(shown(found), []);
  assert.deepEqual(
    found.filter((f) => f.ruleId === 'tree-base').map((f) => f.message),
    [
      `mm/widget.c in the tree (blob ${gitBlobId(other.read('mm/widget.c')!).slice(0, 12)}) is not the pre-image this patch was made against (${gitBlobId(widget).slice(0, 12)}): findings from it are relative to another base`,
      'this hunk does not apply to mm/widget.c in the kernel tree (near line 24)',
    ],
  );
  // Mail that ate the tabs after the diff markers (the seeds have such damage): the hunk is matched
  // ignoring whitespace, as `git apply --ignore-whitespace` does.
  const flat = doc.replace(/^([ +-])\t+/gm, '$1');
  assert.notEqual(flat, doc);
  const ret = lineOf(flat, '+return -EINVAL;');
  assert.deepEqual(shown(engine.analyze(flat, { tree: new MemoryTree(treeFiles) }).findings), [
    [ret, 'unbalanced-counter', `on the path returning at line ${ret}, \`mutex_lock()\` from mm/widget.c:21 is never released`],
  ]);
});

/** A PCI probe modelled on a common pattern: platform setup that can fail, between the IRQ setup and the host's. */
const fooPci = `static int foo_pci_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct foo *foo;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;

	foo = devm_kzalloc(&pdev->dev, sizeof(*foo), GFP_KERNEL);
	if (!foo)
		return -ENOMEM;

	foo->irq = pdev->irq;

	if (ent->driver_data) {
		ret = foo_platform_setup(foo);
		if (ret)
			return ret;
	}

	ret = foo_add_host(&pdev->dev, foo);
	if (ret)
		return ret;

	pci_set_drvdata(pdev, foo);
	return 0;
}

static void foo_pci_remove(struct pci_dev *pdev)
{
	struct foo *foo = pci_get_drvdata(pdev);

	foo_remove_host(foo);
}
`;

test('IRQ vectors the series allocates and frees (a pair it shows by name) are kept by a return between its hunks: found with the tree, not judged without', async () => {
  const engine = new Engine(await loadParser());
  const doc = editMail('foo: switch over to MSI interrupts', [
    {
      path: 'drivers/spi/foo-pci.c',
      text: fooPci,
      edits: [
        {
          after: 13,
          remove: 1,
          add: [
            '\tret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);',
            '\tif (ret < 0)',
            '\t\treturn ret;',
            '',
            '\tfoo->irq = pci_irq_vector(pdev, 0);',
          ],
        },
        { after: 22, remove: 2, add: ['\tif (ret) {', '\t\tpci_free_irq_vectors(pdev);', '\t\treturn ret;', '\t}'] },
        { after: 34, add: ['\tpci_free_irq_vectors(pdev);'] },
      ],
    },
  ]);
  assert.deepEqual(shown(engine.analyze(doc).findings), [], 'the return that keeps them is in the lines no hunk shows');
  const alloc = lineOf(doc, '+\tret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_ALL_TYPES);');
  assert.deepEqual(shown(engine.analyze(doc, { tree: new MemoryTree({ 'drivers/spi/foo-pci.c': fooPci }) }).findings), [
    [alloc, 'unbalanced-counter', `on the path returning at drivers/spi/foo-pci.c:19, \`pci_alloc_irq_vectors()\` from line ${alloc} is never released`],
  ]);
});

/** A crypto context set up in place, torn down in place, and installed in an ops table. */
const fooCrypto = `int foo_crypto_init(struct crypto_tfm *tfm, struct foo_driver *driver)
{
	struct foo_crypto_ctx *ctx = crypto_tfm_ctx(tfm);

	spin_lock_init(&ctx->lock);
	ctx->driver = driver;
	ctx->wmem = kmalloc(driver->workmem_size, GFP_KERNEL);
	ctx->sbuf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	ctx->dbuf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!ctx->wmem || !ctx->sbuf || !ctx->dbuf) {
		kfree(ctx->wmem);
		kfree(ctx->sbuf);
		kfree(ctx->dbuf);
		return -ENOMEM;
	}

	return 0;
}

void foo_crypto_exit(struct crypto_tfm *tfm)
{
	struct foo_crypto_ctx *ctx = crypto_tfm_ctx(tfm);

	kfree(ctx->wmem);
	kfree(ctx->sbuf);
	kfree(ctx->dbuf);
}

static struct foo_alg foo_alg = {
	.name		= "foo",
	.init		= foo_crypto_init,
	.exit		= foo_crypto_exit,
};
`;

test('a context the series now allocates, with a destructor the ops table installs (verb mid-name): the destructor that forgets it is found with the tree', async () => {
  const engine = new Engine(await loadParser());
  const migrate = (exitTail: string[]): string =>
    editMail('foo: migrate to a context the API allocates', [
      {
        path: 'drivers/crypto/foo/foo-core.c',
        text: fooCrypto,
        edits: [
          {
            after: 0,
            remove: 3,
            add: [
              'void *foo_crypto_alloc_ctx(struct foo_driver *driver)',
              '{',
              '\tstruct foo_crypto_ctx *ctx;',
              '',
              '\tctx = kzalloc(sizeof(*ctx), GFP_KERNEL);',
              '\tif (!ctx)',
              '\t\treturn ERR_PTR(-ENOMEM);',
            ],
          },
          {
            after: 13,
            remove: 9,
            add: [
              '\t\tkfree(ctx);',
              '\t\treturn ERR_PTR(-ENOMEM);',
              '\t}',
              '',
              '\treturn ctx;',
              '}',
              '',
              'void foo_crypto_free_ctx(void *p)',
              '{',
              '\tstruct foo_crypto_ctx *ctx = p;',
            ],
          },
          { after: 26, remove: 0, add: exitTail },
          { after: 30, remove: 2, add: ['\t.alloc_ctx\t= foo_crypto_alloc_ctx,', '\t.free_ctx\t= foo_crypto_free_ctx,'] },
        ],
      },
    ]);
  const forgets = migrate([]);
  const tree = { tree: new MemoryTree({ 'drivers/crypto/foo/foo-core.c': fooCrypto }) };
  assert.deepEqual(shown(engine.analyze(forgets).findings), [], 'hunk-only, the constructor is read across a gap: nothing judged');
  // Both the lifecycle count (what the constructor returns it keeps) and the unwind model's teardown run say so.
  const ctor = lineOf(forgets, '+void *foo_crypto_alloc_ctx(struct foo_driver *driver)');
  assert.deepEqual(shown(engine.analyze(forgets, tree).findings), [
    [ctor, 'unbalanced-counter', '`foo_crypto_alloc_ctx()` now takes `kmalloc()` 4 times, but `foo_crypto_free_ctx()` gives it back only 3'],
    [ctor, 'unwind-leak', '`foo_crypto_free_ctx()` does not free `ctx`, which `foo_crypto_alloc_ctx()` leaves allocated'],
  ]);
  assert.deepEqual(shown(engine.analyze(migrate(['\tkfree(ctx);']), tree).findings), [], 'the destructor frees it too');
});
