/** The pairs mined from a kernel tree's headers: their provenance, their shape, and that analyses use them. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DEFAULT_PAIRS, MINED_PAIRS, MINED_PROVENANCE, PairIndex } from '../../server/src/core/kernel/pairs';
import { sharedEngine } from '../rules/tester';
import { addedCodePatch, lineOf } from '../helpers';

test('the mined table says where it came from, and its counts add up', () => {
  assert.match(String(MINED_PROVENANCE.tree), /^linux \d+\.\d+\.\d+/);
  const { fromGuards, fromClasses, fromGetPutDeclarations } = MINED_PROVENANCE as Record<string, number>;
  assert.equal(fromGuards + fromClasses + fromGetPutDeclarations, MINED_PAIRS.length);
  assert.ok(MINED_PAIRS.length > 100, `${MINED_PAIRS.length} mined pairs`);
});

test('mined pairs are well formed, unique, and name nothing the default table already pairs', () => {
  const defaults = new PairIndex({ pairs: DEFAULT_PAIRS.map((p) => ({ ...p })), lifecycles: [] });
  const ids = MINED_PAIRS.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const p of MINED_PAIRS) {
    assert.ok(['ref', 'lock'].includes(p.kind), p.id);
    assert.equal(p.acquire.length, 1, p.id);
    assert.equal(p.release.length, 1, p.id);
    assert.match(p.acquire[0], /^[A-Za-z_]\w*$/, p.id);
    assert.notEqual(p.acquire[0], p.release[0], p.id);
    assert.equal(defaults.match(p.acquire[0]), null, `${p.id}: the default table already names ${p.acquire[0]}`);
    // Locks come only from guards named for a lock: toggles like disable_irq/enable_irq are left out.
    if (p.kind === 'lock') assert.ok(/lock/.test(p.acquire[0]) && /unlock/.test(p.release[0]), p.id);
  }
});

test('a lock a guard in the headers names is held on an error return: the analysis says so', async () => {
  const doc = addedCodePatch(
    'drivers/foo: reset under the device lock',
    'drivers/foo/foo.c',
    'static int foo_reset(struct foo *foo)\n{\n\tdevice_lock(foo->dev);\n\tif (foo->dead)\n\t\treturn -ENODEV;\n\tfoo_hw_reset(foo);\n\tdevice_unlock(foo->dev);\n\treturn 0;\n}',
  );
  const a = (await sharedEngine()).analyze(doc);
  assert.deepEqual(
    a.findings.filter((f) => f.ruleId === 'unbalanced-counter').map((f) => [f.range.start.line + 1, f.message]),
    [
      [
        lineOf(doc, 'device_lock(foo->dev);'),
        `on the path returning at line ${lineOf(doc, 'return -ENODEV;')}, \`device_lock()\` from line ${lineOf(doc, 'device_lock(foo->dev);')} is never released`,
      ],
    ],
  );
});
