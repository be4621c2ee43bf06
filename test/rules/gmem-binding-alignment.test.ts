import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import rule from '../../server/src/core/rules/gmem-binding-alignment';
import { lineOf, readSeed, seedTest } from '../helpers';
import { CHECKS, gmemPatch, gmemReply } from '../gmem-fixture';
import { analyzeCase, runRuleTests } from './tester';

const unchecked = gmemPatch();
const brokenCheck = gmemPatch({ check: CHECKS.broken });
const alignDown = gmemPatch({ rounding: 'ALIGN_DOWN(index, nr_pages)' });
const masked = gmemPatch({ rounding: 'index & ~(nr_pages - 1)' });
const reply = gmemReply([
  'page_mask = ~(SZ_2M - 1);',
  'offset_within_page = slot->gmem.pgoff & page_mask;',
  'gfn_within_page = (slot->base_gfn << PAGE_SHIFT) & page_mask;',
  'offset_within_page == gfn_within_page;',
]);
const ROUNDED = 'aligned_index = ';

runRuleTests(rule, {
  valid: [
    { name: 'a sound binding check (masks on byte offsets)', code: gmemPatch({ check: CHECKS.soundMask }) },
    { name: 'a sound binding check (IS_ALIGNED on the difference in pages)', code: gmemPatch({ check: CHECKS.soundAligned }) },
    { name: 'a check stricter than needed still closes the gap', code: gmemPatch({ check: CHECKS.tooStrict }) },
    { name: 'the same rounding outside guest_memfd', code: gmemPatch({ path: 'mm/filemap.c' }) },
  ],
  invalid: [
    {
      name: 'round_down() of the index with no binding check',
      code: unchecked,
      errors: [
        {
          messageId: 'unchecked',
          line: lineOf(unchecked, ROUNDED),
          severity: 'warning',
          includes: 'with `base_gfn` = 2, `pgoff` = 0 one huge mapping covers two folios',
        },
      ],
    },
    {
      name: 'ALIGN_DOWN()',
      code: alignDown,
      errors: [{ messageId: 'unchecked', line: lineOf(alignDown, ROUNDED), includes: '`ALIGN_DOWN(index, nr_pages)`' }],
    },
    { name: 'a mask of ~(nr - 1)', code: masked, errors: [{ messageId: 'unchecked', line: lineOf(masked, ROUNDED), includes: '`index & ~(nr_pages - 1)`' }] },
    {
      name: 'a binding check the model finds broken',
      code: brokenCheck,
      errors: [
        {
          messageId: 'brokenCheck',
          line: lineOf(brokenCheck, ROUNDED),
          severity: 'warning',
          includes: 'accepts bindings where one huge mapping covers two folios (`base_gfn` = 2, `pgoff` = 0)',
        },
      ],
    },
    {
      name: 'a reply quoting the rounding: information, the checks in its prose do not count',
      code: reply,
      errors: [{ messageId: 'uncheckedQuoted', line: lineOf(reply, '>> + aligned_index = round_down'), severity: 'information' }],
    },
  ],
  seeds: () => ({
    valid: [...['001', '002', '003', '004'].map((s) => ({ name: `seed ${s}`, code: readSeed(s) }))],
    invalid: [
      { name: 'seed 000: the quoted round_down', code: readSeed('000'), errors: [{ messageId: 'uncheckedQuoted', line: 58, severity: 'information' }] },
    ],
  }),
});

seedTest('gmem-binding-alignment: the explanation runs the model on the counterexample and every check of the thread', async () => {
  const a = await analyzeCase({ name: 'the HugeTLB binding thread', code: readSeed('000') });
  const f = a.findings.find((x) => x.ruleId === rule.id);
  assert.ok(f?.model, 'a model view');
  assert.equal(f.model.id, 'gmem-alignment');
  const md = f.explanation;
  // Yan's example, computed: one 2 MiB mapping over two folios.
  assert.match(
    md,
    /GPA 4 MiB \(GFN 1024\) and GPA 4 MiB \+ 8 KiB \(GFN 1026\) are mapped by one 2 MiB mapping \(GPA \[4 MiB, 6 MiB\)\) but sit in two folios \(aligned_index 512 and 1024\)/,
  );
  assert.match(md, /\| 1 \| \[512, 1024\) \| \[2 MiB, 4 MiB\) \| allowed \|/);
  // The thread's two checks: Vishal's sound, the rewrite wrong on base_gfn 2, pgoff 0.
  assert.match(md, /\| 140 \| `\(offset & ~huge_page_mask\(h\)\) == \(\(slot->base_gfn << PAGE_SHIFT\) & ~huge_page_mask\(h\)\)` \| 0 \| 0 \| sound \|/);
  assert.match(md, /\| 176 \| `offset_within_page == gfn_within_page` \| 12 \| 6 \| accepts broken `base_gfn` = 2, `pgoff` = 0 \(2M\) \|/);
});

test('gmem-binding-alignment: a broken check in the patch is named, with what it computed', async () => {
  const a = await analyzeCase({ name: 'a broken check', code: brokenCheck });
  const f = a.findings.find((x) => x.ruleId === rule.id)!;
  assert.match(f.message, /the patch's check on line \d+ \(`\(slot->gmem\.pgoff & ~\(SZ_2M - 1\)\) != /);
  assert.match(f.explanation, /\| \d+ \| `\(slot->gmem.pgoff & ~\(SZ_2M - 1\)\) != \(\(slot->base_gfn << PAGE_SHIFT\) & ~\(SZ_2M - 1\)\)` \| 12 \| 6 \|/);
});
