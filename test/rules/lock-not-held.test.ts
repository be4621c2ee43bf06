import rule from '../../server/src/core/rules/lock-not-held';
import { lineOf, mark, patchMail, readSeed } from '../helpers';
import { withoutReleaseLock } from '../seed004';
import { runRuleTests } from './tester';

const added = (code: string): string =>
  patchMail('drm/xe: a helper caller', [{ path: 'drivers/gpu/drm/xe/xe_thing.c', hunks: [{ start: 10, lines: [' /* context */', ...mark('+', code)] }] }]);

const afterLock = added(`
    void xe_thing_drop(struct xe_bo *bo)
    {
    	xe_bo_lock(bo, false);
    	xe_bo_willneed_put_locked(bo);
    	xe_bo_unlock(bo);
    }
`);
const afterAssert = added(`
    void xe_thing_mark(struct xe_bo *bo)
    {
    	xe_bo_assert_held(bo);
    	xe_bo_vma_count_inc_locked(bo);
    }
`);
const lockedCaller = added(`
    static void xe_thing_mark_locked(struct xe_bo *bo)
    {
    	xe_bo_vma_count_inc_locked(bo);
    }
`);
const otherMutex = added(`
    void xe_thing_sync(struct xe_bo *bo, struct xe_vm *vm)
    {
    	mutex_lock(&vm->lock);
    	xe_bo_vma_count_dec_locked(bo);
    	mutex_unlock(&vm->lock);
    }
`);
const unlocked = added(`
    void xe_thing_forget(struct xe_bo *bo)
    {
    	if (bo->flags & XE_BO_FLAG_PINNED)
    		return;
    	xe_bo_willneed_put_locked(bo);
    }
`);
const oneBranchUnlocked = added(`
    void xe_thing_update(struct xe_bo *bo, bool locked)
    {
    	if (!locked)
    		xe_bo_lock(bo, false);
    	xe_bo_vma_count_inc_locked(bo);
    	if (!locked)
    		xe_bo_unlock(bo);
    }
`);

runRuleTests(rule, {
  valid: [
    { name: 'the helper runs under the BO lock', code: afterLock },
    { name: 'the caller asserts the lock is held', code: afterAssert },
    { name: 'a caller that is itself *_locked', code: lockedCaller },
    { name: 'a lock from the table is held', code: otherMutex },
    { name: 'conditional locking: some path holds the lock, the caller vouches for the others', code: oneBranchUnlocked },
  ],
  invalid: [{ name: 'no lock taken at all', code: unlocked, errors: [{ messageId: 'notHeld', line: lineOf(unlocked, 'xe_bo_willneed_put_locked(bo);') }] }],
  seeds: () => ({
    valid: [{ name: 'seed 004 as posted', code: readSeed('004') }],
    invalid: [
      {
        name: 'seed 004 with the lock gone from xe_dma_buf_release()',
        code: withoutReleaseLock(),
        errors: [{ messageId: 'notHeld', line: findPut(withoutReleaseLock()), severity: 'warning', includes: '`xe_dma_buf_release()`' }],
      },
    ],
  }),
});

/** The put in xe_dma_buf_release(): the first one after its definition line. */
function findPut(text: string): number {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith('>> +static void xe_dma_buf_release'));
  return lines.findIndex((l, k) => k > start && l === '>> + xe_bo_willneed_put_locked(bo);') + 1;
}
