/**
 * @file xe-bo-purgeability: the xe BO purgeability model on patches written for the test (counters added
 * where the code had no purgeability logic, so only the patched code's own invariants are judged) and
 * on seed 004 as posted and mutated (the counters replacing the VMA walk: departures judged too).
 */
import rule from '../../server/src/core/rules/xe-bo-purgeability';
import { editPatch, lineAfter, lineOf, readSeed, type PatchLineEdit } from '../helpers';
import * as seed from '../seed004';
import { runRuleTests } from './tester';
import { COUNTERS, WALK_REPLACED } from '../bo-fixture';

const counters = COUNTERS;
const changed = (...edits: PatchLineEdit[]): string => editPatch(counters, edits);

/** The destroy path no longer gives back the WILLNEED holder its VMA took. */
const destroyKeepsHolder = changed(
  { line: '+\t\t\txe_bo_willneed_put_locked(bo);', after: 'xe_vma_destroy', with: [] },
  { line: '+\t\tif (vma->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED)', after: 'xe_vma_destroy', with: [] },
);

/** The get helper's condition changed: pre-increment, so a 0->1 transition is never seen. */
const getNeverPromotes = changed({
  line: '+\tif (bo->willneed_count++ == 0 && xe_bo_madv_is_dontneed(bo))',
  with: ['+\tif (++bo->willneed_count == 0 && xe_bo_madv_is_dontneed(bo))'],
});

/** madvise DONTNEED gives back a holder whether or not the VMA held one. */
const madviseAlwaysPuts = changed({
  line: '+\t\t\tif (vmas[i]->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED)',
  after: 'DRM_XE_VMA_PURGEABLE_STATE_DONTNEED',
  with: ['+\t\t\tif (1)'],
});

/** The release function is written but the ops still name the generic one. */
const releaseNotWired = changed(
  { line: '+\t.release = xe_dma_buf_release,', with: [] },
  { line: '-\t.release = drm_gem_dmabuf_release,', with: [' \t.release = drm_gem_dmabuf_release,'] },
);

/** The get helper counts imported BOs too. */
const getCountsImported = changed(
  { line: '+\tif (drm_gem_is_imported(&bo->ttm.base))', after: 'xe_bo_willneed_get_locked(struct xe_bo *bo)', with: [] },
  { line: '+\t\treturn;', after: 'xe_bo_willneed_get_locked(struct xe_bo *bo)', with: [] },
);

/** Create decides on something the model does not know. */
const unknownDecision = changed({
  line: '+\t\txe_bo_vma_count_inc_locked(bo);',
  with: ['+\t\tif (vm->flags & XE_VM_FLAG_MIGRATION)', '+\t\t\treturn vma;', '+\t\txe_bo_vma_count_inc_locked(bo);'],
});

/** The put helper demotes a BO whose last VMA is gone, where the walk kept its state. */
const demotesUnmapped = editPatch(WALK_REPLACED, [{ line: '+\tif (bo->vma_count && !xe_bo_is_purged(bo))', with: ['+\tif (!xe_bo_is_purged(bo))'] }]);

/** The put helper no longer spares a purged BO. */
const purgedDemoted = changed({ line: '+\tif (bo->vma_count && !xe_bo_is_purged(bo))', with: ['+\tif (bo->vma_count)'] });

const createLine = (text: string): number => lineAfter(text, 'xe_vma_create', '+\t\txe_bo_vma_count_inc_locked(bo);');
const destroyLine = (text: string): number => lineAfter(text, 'xe_vma_destroy', '+\t\txe_bo_vma_count_dec_locked(bo);');

/** Seed 004's counters refactored as the review asked (early return for imported BOs): nothing departs. */
const seedEarlyReturn = (): string =>
  editPatch(
    readSeed('004'),
    [
      {
        line: '>> + if (!drm_gem_is_imported(&bo->ttm.base)) {',
        after: 'xe_bo_willneed_get_locked(struct xe_bo *bo)',
        with: ['>> + if (drm_gem_is_imported(&bo->ttm.base))', '>> + return;'],
      },
      { line: '>> + }', after: 'xe_bo_set_purgeable_state(bo, XE_MADV_PURGEABLE_WILLNEED);', with: [] },
    ],
    '>> ',
  );
const seedDeparturesLine = (text: string): number =>
  lineAfter(text, 'case DRM_XE_VMA_PURGEABLE_STATE_DONTNEED:', '>> + if (vmas[i]->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED) {');

runRuleTests(rule, {
  valid: [{ name: 'counters added where nothing tracked purgeability, every path balanced', code: counters }],
  invalid: [
    {
      name: 'the destroy path keeps the holder its VMA took',
      code: destroyKeepsHolder,
      errors: [
        {
          messageId: 'holder',
          line: destroyLine(destroyKeepsHolder),
          severity: 'warning',
          includes: 'after create VMA1 WILLNEED → destroy VMA1, `willneed_count` is 1 but the BO has 0 WILLNEED holders',
        },
      ],
    },
    {
      name: 'a helper condition changed: the BO is never promoted back',
      code: getNeverPromotes,
      // The get in create runs, counts, and does not promote: the BO stays purgeable under a WILLNEED VMA
      // (and, on another sequence, under a live export).
      errors: [
        {
          messageId: 'neededByVma',
          line: createLine(getNeverPromotes) + 2,
          severity: 'warning',
          includes:
            "after create VMA1 WILLNEED → madvise VMA1 DONTNEED → create VMA2 WILLNEED, the BO is DONTNEED (purgeable) while VMA2's latest advice is WILLNEED",
        },
        {
          messageId: 'neededByExport',
          line: lineOf(getNeverPromotes, '+\txe_bo_willneed_get_locked(bo);', true),
          severity: 'warning',
          includes: 'after create VMA1 WILLNEED → madvise VMA1 DONTNEED → export, the BO is DONTNEED',
        },
      ],
    },
    {
      name: 'madvise DONTNEED puts a holder it never took: the assertion fails',
      code: madviseAlwaysPuts,
      errors: [
        {
          messageId: 'assert',
          line: lineAfter(madviseAlwaysPuts, 'DRM_XE_VMA_PURGEABLE_STATE_DONTNEED:', '+\t\t\t\txe_bo_willneed_put_locked(bo);'),
          severity: 'warning',
          includes: '`xe_assert(bo->willneed_count > 0)` fails on the BO after create VMA1 DONTNEED → madvise VMA1 DONTNEED',
        },
        {
          messageId: 'holder',
          line: lineAfter(madviseAlwaysPuts, 'DRM_XE_VMA_PURGEABLE_STATE_DONTNEED:', '+\t\t\t\txe_bo_willneed_put_locked(bo);'),
          severity: 'warning',
          includes: '`willneed_count` is 0 but the BO has 1 WILLNEED holder',
        },
        {
          messageId: 'neededByExport',
          line: lineAfter(madviseAlwaysPuts, 'DRM_XE_VMA_PURGEABLE_STATE_DONTNEED:', '+\t\t\t\txe_bo_willneed_put_locked(bo);'),
          severity: 'warning',
          includes: 'after create VMA1 DONTNEED → export → madvise VMA1 DONTNEED',
        },
      ],
    },
    {
      name: 'the new release function is never called: the export holder stays',
      code: releaseNotWired,
      // No code of the patch runs on release: the finding goes on the `.release` the ops still name.
      errors: [
        {
          messageId: 'holder',
          line: lineOf(releaseNotWired, ' \t.release = drm_gem_dmabuf_release,', true),
          severity: 'warning',
          includes: 'after export → release the dma-buf, `willneed_count` is 1 but the BO has 0 WILLNEED holders',
        },
      ],
    },
    {
      name: 'an imported BO is counted',
      code: getCountsImported,
      errors: [
        {
          messageId: 'holder',
          line: createLine(getCountsImported) + 2,
          severity: 'warning',
          includes: 'after create VMA1 WILLNEED, `willneed_count` is 1 but an imported BO is not tracked',
        },
      ],
    },
    {
      name: 'code the model cannot decide is reported, not guessed',
      code: unknownDecision,
      errors: [
        {
          messageId: 'stopped',
          line: lineOf(unknownDecision, '+\t\tif (vm->flags & XE_VM_FLAG_MIGRATION)', true),
          severity: 'information',
          includes: 'could not run create VMA1 WILLNEED at the start: the condition `vm->flags & XE_VM_FLAG_MIGRATION`',
        },
      ],
    },
    {
      name: 'the put helper demotes a purged BO',
      code: purgedDemoted,
      errors: [
        {
          messageId: 'leftPurged',
          line: lineAfter(purgedDemoted, 'out_put:', '+\txe_bo_willneed_put_locked(bo);'),
          severity: 'warning',
          includes: 'after create VMA1 WILLNEED → madvise VMA1 DONTNEED → purge → export, `ttm_bo_setup_export()` fails, the BO leaves PURGED for DONTNEED',
        },
      ],
    },
    {
      // The walk never changed a BO without VMAs, nor promoted one when a WILLNEED VMA was created, nor
      // knew of exports: the counters depart from it (one note) and fix the last two (hints).
      name: 'counters replacing a VMA walk: one note for the departures, what the walk got wrong fixed',
      code: WALK_REPLACED,
      allOrigins: true,
      errors: [
        {
          messageId: 'neededByVma',
          line: lineOf(WALK_REPLACED, ' \t\tdrm_gpuva_link(&vma->gpuva, vm_bo);'),
          origin: 'fixed',
          includes: 'after create VMA1 WILLNEED → madvise VMA1 DONTNEED → create VMA2 WILLNEED, the BO is DONTNEED',
        },
        {
          messageId: 'departures',
          line: lineAfter(
            WALK_REPLACED,
            'case DRM_XE_VMA_PURGEABLE_STATE_DONTNEED:',
            '+\t\t\tif (vmas[i]->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED)',
          ),
          severity: 'information',
          includes:
            'none making a BO without dma-buf more purgeable; shortest: after create VMA1 DONTNEED → madvise VMA1 DONTNEED, it leaves the BO WILLNEED where the old code left it DONTNEED',
        },
        {
          messageId: 'neededByExport',
          line: lineOf(WALK_REPLACED, '-\tif (!IS_ERR(buf))'),
          origin: 'fixed',
          includes: 'after create VMA1 WILLNEED → madvise VMA1 DONTNEED → export, the BO is DONTNEED',
        },
      ],
    },
    {
      name: 'counters that demote a BO whose last VMA is gone, which the walk left alone',
      code: demotesUnmapped,
      errors: [
        {
          messageId: 'moreDivergence',
          line: lineAfter(demotesUnmapped, 'xe_vma_destroy', '+\t\t\txe_bo_willneed_put_locked(bo);'),
          severity: 'warning',
          includes: 'after create VMA1 WILLNEED → destroy VMA1, the patched code leaves the BO DONTNEED where the code before the patch left it WILLNEED',
        },
        { messageId: 'departures', line: lineAfter(demotesUnmapped, 'out_put:', '+\txe_bo_willneed_put_locked(bo);'), severity: 'information' },
      ],
    },
  ],
  seeds: () => ({
    valid: [{ name: 'a patch that does not touch the mechanism', code: readSeed('002') }],
    invalid: [
      {
        name: 'seed 004 as posted: one note listing the departures from the VMA walk',
        code: readSeed('004'),
        errors: [
          {
            messageId: 'departures',
            line: seedDeparturesLine(readSeed('004')),
            severity: 'information',
            includes: 'none making a BO without dma-buf more purgeable',
          },
        ],
      },
      {
        name: 'seed 004 refactored with early returns: the same departures, nothing new',
        code: seedEarlyReturn(),
        errors: [{ messageId: 'departures', line: seedDeparturesLine(seedEarlyReturn()), severity: 'information' }],
      },
      {
        name: 'seed 004 without the put on the export error path',
        code: seed.withoutErrorPut(),
        errors: [
          {
            messageId: 'holder',
            line: lineAfter(seed.withoutErrorPut(), 'xe_gem_prime_export(struct drm_gem_object', '>> + xe_bo_willneed_get_locked(bo);'),
            severity: 'warning',
            includes: 'after export, `ttm_bo_setup_export()` fails, `willneed_count` is 1 but the BO has 0',
          },
          { messageId: 'departures', line: seedDeparturesLine(seed.withoutErrorPut()), severity: 'information' },
        ],
      },
      {
        name: 'seed 004 without the dec in the destroy path',
        code: seed.withoutDestroyDec(),
        errors: [
          {
            messageId: 'holder',
            line: lineAfter(seed.withoutDestroyDec(), 'xe_vma_destroy', '>> + xe_bo_willneed_put_locked(bo);'),
            severity: 'warning',
            includes: 'after create VMA1 WILLNEED → destroy VMA1, `vma_count` is 1 but the BO has 0 VMAs',
          },
          { messageId: 'departures', line: seedDeparturesLine(seed.withoutDestroyDec()), severity: 'information' },
        ],
      },
      {
        name: 'seed 004 with a double get in the create path',
        code: seed.withDoubleGet(),
        errors: [
          {
            messageId: 'holder',
            line: lineAfter(seed.withDoubleGet(), 'xe_vma_create', '>> + xe_bo_vma_count_inc_locked(bo);') + 4,
            severity: 'warning',
            includes: 'after create VMA1 WILLNEED, `willneed_count` is 2 but the BO has 1',
          },
          // Two holders, one given back by madvise DONTNEED: the BO stays WILLNEED where the walk made it DONTNEED.
          {
            messageId: 'departures',
            line: lineAfter(seed.withDoubleGet(), 'case DRM_XE_VMA_PURGEABLE_STATE_DONTNEED:', '>> + xe_bo_willneed_put_locked(bo);'),
            severity: 'information',
            includes: 'shortest: after create VMA1 WILLNEED → madvise VMA1 DONTNEED',
          },
        ],
      },
      {
        name: 'seed 004 whose get helper promotes on the second holder (a changed condition)',
        code: seed.withGetOnSecondHolder(),
        errors: [
          {
            messageId: 'neededByExport',
            line: lineAfter(seed.withGetOnSecondHolder(), 'xe_gem_prime_export(struct drm_gem_object', '>> + xe_bo_willneed_get_locked(bo);'),
            severity: 'warning',
          },
          // Destroying the DONTNEED VMA1 runs only the dec: the old walk saw VMA2's WILLNEED and promoted.
          {
            messageId: 'moreDivergence',
            line: lineAfter(seed.withGetOnSecondHolder(), 'xe_vma_destroy', '>> + xe_bo_vma_count_dec_locked(bo);'),
            severity: 'warning',
            includes: 'after create VMA1 WILLNEED → madvise VMA1 DONTNEED → create VMA2 WILLNEED → destroy VMA1',
          },
          {
            messageId: 'neededByVma',
            line: lineAfter(seed.withGetOnSecondHolder(), 'case DRM_XE_VMA_PURGEABLE_STATE_WILLNEED:', '>> + xe_bo_willneed_get_locked(bo);'),
            severity: 'warning',
            includes: "VMA1's latest advice is WILLNEED",
          },
          { messageId: 'departures', line: seedDeparturesLine(seed.withGetOnSecondHolder()), severity: 'information' },
        ],
      },
      {
        name: 'seed 004 whose put helper demotes a BO with no VMAs left',
        code: seed.withoutVmaCountCondition(),
        errors: [
          // Its shortest departure is a failed export: the put on `out_put` now demotes a BO with no VMA.
          {
            messageId: 'departures',
            line: lineAfter(seed.withoutVmaCountCondition(), '>> +out_put:', '>> + xe_bo_willneed_put_locked(bo);'),
            severity: 'information',
            includes: 'shortest: after export, `ttm_bo_setup_export()` fails',
          },
          {
            messageId: 'moreDivergence',
            line: lineAfter(seed.withoutVmaCountCondition(), 'xe_vma_destroy', '>> + xe_bo_willneed_put_locked(bo);'),
            severity: 'warning',
            includes: 'after create VMA1 WILLNEED → destroy VMA1, the patched code leaves the BO DONTNEED where the code before the patch left it WILLNEED',
          },
        ],
      },
      {
        name: 'seed 004 whose put helper leaves PURGED',
        code: seed.withoutPurgedCheck(),
        errors: [
          {
            messageId: 'leftPurged',
            line: lineAfter(seed.withoutPurgedCheck(), 'xe_gem_prime_export(struct drm_gem_object', '>> +out_put:') + 2,
            severity: 'warning',
            includes: 'leaves PURGED for DONTNEED',
          },
          { messageId: 'departures', line: seedDeparturesLine(seed.withoutPurgedCheck()), severity: 'information' },
        ],
      },
    ],
  }),
});
