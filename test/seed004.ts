/**
 * @file Seed 004 (xe BO purgeability counters) changed the ways reviewers look for: each mutation is a
 * bug a reviewer would want flagged, made to the patch as posted (read from ../shared/seeds/).
 */
import { editPatch, readSeed, type PatchLineEdit } from './helpers';

const Q = '>> ';
const edit = (...edits: PatchLineEdit[]): string => editPatch(readSeed('004'), edits, Q);

/** `xe_bo_willneed_put_locked(bo)` gone from the `out_put:` error path of `xe_gem_prime_export()`. */
export const withoutErrorPut = (): string => edit({ line: '>> + xe_bo_willneed_put_locked(bo);', after: '>> +out_put:', with: [] });

/** `xe_vma_destroy()` no longer decrements `vma_count`. */
export const withoutDestroyDec = (): string => edit({ line: '>> + xe_bo_vma_count_dec_locked(bo);', with: [] });

/** A second WILLNEED holder taken in `xe_vma_create()`. */
export const withDoubleGet = (): string =>
  edit({
    line: '>> + xe_bo_willneed_get_locked(bo);',
    after: 'xe_bo_vma_count_inc_locked(bo);',
    with: ['>> + xe_bo_willneed_get_locked(bo);', '>> + if (vma->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED)', '>> + xe_bo_willneed_get_locked(bo);'],
  });

/** The lock gone from `xe_dma_buf_release()`. */
export const withoutReleaseLock = (): string => edit({ line: '>> + xe_bo_lock(bo, false);', after: '>> +static void xe_dma_buf_release', with: [] });

/** The get helper promotes on a 1->2 transition instead of 0->1 (a changed condition). */
export const withGetOnSecondHolder = (): string => edit({ line: '>> + if (bo->willneed_count++ == 0 &&', with: ['>> + if (bo->willneed_count++ == 1 &&'] });

/** The put helper no longer spares a BO whose last VMA is going away. */
export const withoutVmaCountCondition = (): string =>
  edit({ line: '>> + if (--bo->willneed_count == 0 && bo->vma_count > 0 &&', with: ['>> + if (--bo->willneed_count == 0 &&'] });

/** The put helper no longer leaves a PURGED BO alone. */
export const withoutPurgedCheck = (): string =>
  edit(
    { line: '>> + if (--bo->willneed_count == 0 && bo->vma_count > 0 &&', with: ['>> + if (--bo->willneed_count == 0 && bo->vma_count > 0)'] },
    { line: '>> + !xe_bo_is_purged(bo))', with: [] },
  );

/** madvise DONTNEED puts a holder even when the VMA was already DONTNEED. */
export const withUnconditionalDontneedPut = (): string =>
  edit({ line: '>> + if (vmas[i]->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED) {', with: ['>> + {'] });
