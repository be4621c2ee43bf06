/**
 * @file The xe BO purgeability counters added to code that had no purgeability logic, written for the tests
 * in the manner of the xe patch that replaced the VMA walk with BO-local counters: the helpers, VMA create and
 * destroy, madvise, dma-buf export and release.
 */
import { mark, patchMail, type HunkSpec } from './helpers';

export const HELPERS = `
    static inline void xe_bo_willneed_get_locked(struct xe_bo *bo)
    {
    	xe_bo_assert_held(bo);
    	if (drm_gem_is_imported(&bo->ttm.base))
    		return;
    	if (bo->willneed_count++ == 0 && xe_bo_madv_is_dontneed(bo))
    		xe_bo_set_purgeable_state(bo, XE_MADV_PURGEABLE_WILLNEED);
    }

    static inline void xe_bo_willneed_put_locked(struct xe_bo *bo)
    {
    	xe_bo_assert_held(bo);
    	if (drm_gem_is_imported(&bo->ttm.base))
    		return;
    	xe_assert(xe_bo_device(bo), bo->willneed_count > 0);
    	if (--bo->willneed_count)
    		return;
    	if (bo->vma_count && !xe_bo_is_purged(bo))
    		xe_bo_set_purgeable_state(bo, XE_MADV_PURGEABLE_DONTNEED);
    }

    static inline void xe_bo_vma_count_inc_locked(struct xe_bo *bo)
    {
    	xe_bo_assert_held(bo);
    	if (!drm_gem_is_imported(&bo->ttm.base))
    		bo->vma_count++;
    }

    static inline void xe_bo_vma_count_dec_locked(struct xe_bo *bo)
    {
    	xe_bo_assert_held(bo);
    	if (drm_gem_is_imported(&bo->ttm.base))
    		return;
    	xe_assert(xe_bo_device(bo), bo->vma_count > 0);
    	bo->vma_count--;
    }
`;

/** The dma-buf side: export takes a WILLNEED holder (given back if export fails), the new release gives it back. */
const COUNTERS_DMA_BUF_HUNKS: HunkSpec[] = [
  {
    start: 190,
    lines: [
      ...mark(' ', '\treturn 0;\n}\n'),
      ...mark(
        '+',
        'static void xe_dma_buf_release(struct dma_buf *dmabuf)\n{\n\tstruct xe_bo *bo = gem_to_xe_bo(dmabuf->priv);\n\n\txe_bo_lock(bo, false);\n\txe_bo_willneed_put_locked(bo);\n\txe_bo_unlock(bo);\n\tdrm_gem_dmabuf_release(dmabuf);\n}\n',
      ),
      ...mark(' ', 'static const struct dma_buf_ops xe_dmabuf_ops = {\n\t.attach = xe_dma_buf_attach,'),
    ],
  },
  {
    start: 200,
    lines: [
      ...mark(' ', '\t.unmap_dma_buf = xe_dma_buf_unmap,'),
      ...mark('-', '\t.release = drm_gem_dmabuf_release,'),
      ...mark('+', '\t.release = xe_dma_buf_release,'),
      ...mark(' ', '\t.mmap = drm_gem_dmabuf_mmap,'),
    ],
  },
  {
    start: 240,
    section: 'struct dma_buf *xe_gem_prime_export(struct drm_gem_object *obj, int flags)',
    lines: [
      ...mark(' ', '\tstruct xe_bo *bo = gem_to_xe_bo(obj);\n\tstruct dma_buf *buf;\n\tint ret;\n'),
      ...mark('+', '\txe_bo_lock(bo, false);\n\txe_bo_willneed_get_locked(bo);\n\txe_bo_unlock(bo);\n'),
      ...mark(' ', '\tret = ttm_bo_setup_export(&bo->ttm, &ctx);\n\tif (ret)'),
      ...mark('-', '\t\treturn ERR_PTR(ret);'),
      ...mark('+', '\t\tgoto out_put;'),
      ...mark(' ', '\n\tbuf = drm_gem_prime_export(obj, flags);'),
      ...mark('-', '\tif (!IS_ERR(buf))\n\t\tbuf->ops = &xe_dmabuf_ops;'),
      ...mark('+', '\tif (IS_ERR(buf)) {\n\t\tret = PTR_ERR(buf);\n\t\tgoto out_put;\n\t}\n\tbuf->ops = &xe_dmabuf_ops;'),
      ...mark(' ', '\treturn buf;'),
      ...mark('+', '\nout_put:\n\txe_bo_lock(bo, false);\n\txe_bo_willneed_put_locked(bo);\n\txe_bo_unlock(bo);\n\treturn ERR_PTR(ret);'),
      ...mark(' ', '}'),
    ],
  },
];

/** The helpers, added to the header. */
const HELPERS_FILE = {
  path: 'drivers/gpu/drm/xe/xe_bo.h',
  hunks: [{ start: 270, lines: [' void xe_bo_set_purgeable_state(struct xe_bo *bo, enum xe_madv_purgeable_state new_state);', '+', ...mark('+', HELPERS)] }],
};

/** `old` (removed) lines: what the code before the counters did at that point; none where it did nothing. */
const removed = (old: string | null): string[] => (old ? mark('-', old) : []);

/** VMA create takes the holders; destroy gives them back, where the old code ran `destroyOld`. */
const vmFile = (destroyOld: string | null) => ({
  path: 'drivers/gpu/drm/xe/xe_vm.c',
  hunks: [
    {
      start: 1130,
      section: 'static struct xe_vma *xe_vma_create(struct xe_vm *vm,',
      lines: [
        ...mark(' ', '\t\tdrm_gpuva_link(&vma->gpuva, vm_bo);\n\t\tdrm_gpuvm_bo_put(vm_bo);'),
        ...mark(
          '+',
          '\t\txe_bo_vma_count_inc_locked(bo);\n\t\tif (vma->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED)\n\t\t\txe_bo_willneed_get_locked(bo);',
        ),
        ...mark(' ', '\t}\n\n\treturn vma;\n}'),
      ],
    },
    {
      start: 1210,
      section: 'static void xe_vma_destroy(struct xe_vma *vma, struct dma_fence *fence)',
      lines: [
        ...mark(' ', '\t\txe_bo_assert_held(bo);\n\t\tdrm_gpuva_unlink(&vma->gpuva);'),
        ...removed(destroyOld),
        ...mark(
          '+',
          '\t\txe_bo_vma_count_dec_locked(bo);\n\t\tif (vma->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED)\n\t\t\txe_bo_willneed_put_locked(bo);',
        ),
        ...mark(' ', '\t}\n\n\txe_vm_assert_held(vm);'),
      ],
    },
  ],
});

/** madvise moves a holder on a real WILLNEED/DONTNEED transition, where the old code ran `adviceOld` after setting the advice. */
const madviseHunk = (adviceOld: string | null): HunkSpec => ({
  start: 230,
  section: 'static void madvise_purgeable(struct xe_device *xe, struct xe_vm *vm,',
  lines: [
    ...mark(' ', '\t\tswitch (op->purge_state_val.val) {\n\t\tcase DRM_XE_VMA_PURGEABLE_STATE_WILLNEED:'),
    ...mark('+', '\t\t\tif (vmas[i]->attr.purgeable_state == XE_MADV_PURGEABLE_DONTNEED)\n\t\t\t\txe_bo_willneed_get_locked(bo);'),
    ...mark(' ', '\t\t\tvmas[i]->attr.purgeable_state = XE_MADV_PURGEABLE_WILLNEED;'),
    ...removed(adviceOld),
    ...mark(' ', '\t\t\tbreak;\n\t\tcase DRM_XE_VMA_PURGEABLE_STATE_DONTNEED:'),
    ...mark('+', '\t\t\tif (vmas[i]->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED)\n\t\t\t\txe_bo_willneed_put_locked(bo);'),
    ...mark(' ', '\t\t\tvmas[i]->attr.purgeable_state = XE_MADV_PURGEABLE_DONTNEED;'),
    ...removed(adviceOld),
    ...mark(' ', '\t\t\tbreak;\n\t\t}'),
  ],
});

const DMA_BUF_FILE = { path: 'drivers/gpu/drm/xe/xe_dma_buf.c', hunks: COUNTERS_DMA_BUF_HUNKS };

/** Counters added to code that had no purgeability logic: every event's code, written for the test. */
export const COUNTERS = patchMail('drm/xe: count WILLNEED holders per BO', [
  HELPERS_FILE,
  vmFile(null),
  { path: 'drivers/gpu/drm/xe/xe_vm_madvise.c', hunks: [madviseHunk(null)] },
  DMA_BUF_FILE,
]);

/**
 * The old code's purgeability, written for the tests: a VMA walk that sets the BO WILLNEED while any VMA
 * wants it and DONTNEED when every VMA allows it, keeps the state of a BO with no VMAs, leaves PURGED
 * alone, and knows nothing of dma-buf exports.
 */
const WALK = `
    static void xe_bo_recompute_purgeable_state(struct xe_bo *bo)
    {
    	struct drm_gpuvm_bo *vm_bo;
    	struct drm_gpuva *gpuva;
    	bool mapped = false;

    	xe_bo_assert_held(bo);
    	if (xe_bo_is_purged(bo))
    		return;
    	drm_gem_for_each_gpuvm_bo(vm_bo, &bo->ttm.base) {
    		drm_gpuvm_bo_for_each_va(gpuva, vm_bo) {
    			struct xe_vma *vma = gpuva_to_vma(gpuva);

    			mapped = true;
    			if (vma->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED) {
    				xe_bo_set_purgeable_state(bo, XE_MADV_PURGEABLE_WILLNEED);
    				return;
    			}
    		}
    	}
    	if (mapped)
    		xe_bo_set_purgeable_state(bo, XE_MADV_PURGEABLE_DONTNEED);
    }
`;

/** The counters replacing that walk: every departure from it is judged as well as the counters' own invariants. */
export const WALK_REPLACED = patchMail('drm/xe: replace the VMA walk with WILLNEED counters', [
  HELPERS_FILE,
  vmFile('\t\txe_bo_recompute_purgeable_state(bo);'),
  {
    path: 'drivers/gpu/drm/xe/xe_vm_madvise.c',
    hunks: [
      { start: 180, lines: [...mark(' ', '\t}\n}'), ' ', ...mark('-', WALK), '-', ...mark(' ', '/**\n * madvise_purgeable - apply purgeability advice')] },
      madviseHunk('\t\t\txe_bo_recompute_purgeable_state(bo);'),
    ],
  },
  DMA_BUF_FILE,
]);
