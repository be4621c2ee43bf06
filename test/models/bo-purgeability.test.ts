/**
 * The BO purgeability model on code written for the test, whole functions: the counters against the
 * VMA walk they replace, and against themselves with one condition changed.
 */
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { functionsOfImage } from '../../server/src/core/c/syntax/functions';
import type { CParser } from '../../server/src/core/c/syntax/parser';
import { loadParser } from '../../server/src/host/grammar';
import { runPurgeabilityModel, type PurgeabilityResult, type WorldCode } from '../../server/src/core/models/bo-purgeability/bo-purgeability';
import { traceTimeline } from '../../server/src/core/models/bo-purgeability/bo-purgeability-picture';

let parser: CParser;
before(async () => {
  parser = await loadParser();
});

const EVENTS = `
static struct xe_vma *xe_vma_create(struct xe_vm *vm, struct xe_bo *bo)
{
	drm_gpuva_link(&vma->gpuva, vm_bo);
	ON_CREATE
	return vma;
}

static void xe_vma_destroy(struct xe_vma *vma, struct dma_fence *fence)
{
	drm_gpuva_unlink(&vma->gpuva);
	ON_DESTROY
}

static void madvise_purgeable(struct xe_device *xe, struct xe_vm *vm, struct xe_vma **vmas, int num_vmas, struct drm_xe_madvise *op)
{
	int i;

	for (i = 0; i < num_vmas; i++) {
		struct xe_bo *bo = xe_vma_bo(vmas[i]);

		ON_MADVISE
	}
}
`;

const COUNTERS =
  EVENTS.replace(
    'ON_CREATE',
    'xe_bo_vma_count_inc_locked(bo);\n\tif (vma->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED)\n\t\txe_bo_willneed_get_locked(bo);',
  )
    .replace(
      'ON_DESTROY',
      'xe_bo_vma_count_dec_locked(bo);\n\tif (vma->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED)\n\t\txe_bo_willneed_put_locked(bo);',
    )
    .replace(
      'ON_MADVISE',
      `if (op->purge_state_val.val == DRM_XE_VMA_PURGEABLE_STATE_WILLNEED) {
			if (vmas[i]->attr.purgeable_state == XE_MADV_PURGEABLE_DONTNEED)
				xe_bo_willneed_get_locked(bo);
			vmas[i]->attr.purgeable_state = XE_MADV_PURGEABLE_WILLNEED;
		} else {
			if (vmas[i]->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED)
				xe_bo_willneed_put_locked(bo);
			vmas[i]->attr.purgeable_state = XE_MADV_PURGEABLE_DONTNEED;
		}`,
    ) +
  `
static void xe_bo_willneed_get_locked(struct xe_bo *bo)
{
	if (drm_gem_is_imported(&bo->ttm.base))
		return;
	if (bo->willneed_count++ == 0 && xe_bo_madv_is_dontneed(bo))
		xe_bo_set_purgeable_state(bo, XE_MADV_PURGEABLE_WILLNEED);
}

static void xe_bo_willneed_put_locked(struct xe_bo *bo)
{
	if (drm_gem_is_imported(&bo->ttm.base))
		return;
	xe_assert(xe_bo_device(bo), bo->willneed_count > 0);
	if (--bo->willneed_count == 0 && bo->vma_count > 0 && !xe_bo_is_purged(bo))
		xe_bo_set_purgeable_state(bo, XE_MADV_PURGEABLE_DONTNEED);
}

static void xe_bo_vma_count_inc_locked(struct xe_bo *bo)
{
	if (!drm_gem_is_imported(&bo->ttm.base))
		bo->vma_count++;
}

static void xe_bo_vma_count_dec_locked(struct xe_bo *bo)
{
	if (!drm_gem_is_imported(&bo->ttm.base))
		bo->vma_count--;
}
`;

const WALK =
  EVENTS.replace('ON_CREATE', '')
    .replace('ON_DESTROY', 'xe_bo_recompute_purgeable_state(bo);')
    .replace(
      'ON_MADVISE',
      `vmas[i]->attr.purgeable_state = op->purge_state_val.val == DRM_XE_VMA_PURGEABLE_STATE_WILLNEED ? XE_MADV_PURGEABLE_WILLNEED : XE_MADV_PURGEABLE_DONTNEED;
		xe_bo_recompute_purgeable_state(bo);`,
    ) +
  `
static void xe_bo_recompute_purgeable_state(struct xe_bo *bo)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *gpuva;
	bool any = false, willneed = false;

	if (xe_bo_is_purged(bo) || drm_gem_is_imported(&bo->ttm.base))
		return;
	drm_gem_for_each_gpuvm_bo(vm_bo, &bo->ttm.base) {
		drm_gpuvm_bo_for_each_va(gpuva, vm_bo) {
			any = true;
			if (gpuva_to_vma(gpuva)->attr.purgeable_state != XE_MADV_PURGEABLE_DONTNEED)
				willneed = true;
		}
	}
	if (any)
		xe_bo_set_purgeable_state(bo, willneed ? XE_MADV_PURGEABLE_WILLNEED : XE_MADV_PURGEABLE_DONTNEED);
}
`;

function code(text: string): WorldCode {
  const functions = new Map(functionsOfImage(parser, text, null).map((fn) => [fn.name, [{ origin: 0, fn, added: new Set<number>() }]]));
  return { functions, constants: new Map(), release: null };
}

const run = (now: string, before: string, bound = 4): PurgeabilityResult => runPurgeabilityModel({ new: code(now), old: code(before), bound });
const summary = (r: PurgeabilityResult): string[] => r.issues.map((i) => `${i.world} ${i.severity} ${i.kind}: ${i.data.seq}`);

test('the same code before and after: no issue, though every sequence ran', () => {
  const r = run(COUNTERS, COUNTERS);
  assert.deepEqual(summary(r), []);
  assert.ok(r.exploration.transitions > 50, `${r.exploration.transitions} events run`);
  assert.deepEqual(r.skipped, ['export (`xe_gem_prime_export()`)']);
});

test('the counters against the walk they replace: departures, no risk', () => {
  const r = run(COUNTERS, WALK);
  const warnings = r.issues.filter((i) => i.world === 'new' && i.severity === 'warning');
  assert.deepEqual(
    warnings.map((i) => i.kind),
    [],
  );
  // The walk recomputes on a DONTNEED madvise of a DONTNEED VMA; the counters act only on real transitions.
  assert.ok(summary(r).includes('new information lessDivergence: create VMA1 DONTNEED → madvise VMA1 DONTNEED'), summary(r).join('\n'));
});

test('a changed condition changes the result: promoting on the second holder', () => {
  const changed = COUNTERS.replace('bo->willneed_count++ == 0', 'bo->willneed_count++ == 1');
  const r = run(changed, COUNTERS);
  // Creating a WILLNEED VMA on the now-DONTNEED BO takes the first holder and no longer promotes.
  assert.ok(summary(r).includes('new warning neededByVma: create VMA1 WILLNEED → madvise VMA1 DONTNEED → create VMA2 WILLNEED'), summary(r).join('\n'));
  assert.ok(r.issues.some((i) => i.kind === 'moreDivergence' && i.severity === 'warning'));
});

test('the bound: a three-event problem is not found with two', () => {
  const changed = COUNTERS.replace('bo->willneed_count++ == 0', 'bo->willneed_count++ == 1');
  assert.equal(run(changed, COUNTERS, 2).issues.filter((i) => i.severity === 'warning').length, 0);
  assert.ok(run(changed, COUNTERS, 3).issues.some((i) => i.kind === 'neededByVma'));
});

test('an underflow is an assertion that fails, found once, on the shortest sequence', () => {
  const changed = COUNTERS.replace(
    'if (vmas[i]->attr.purgeable_state == XE_MADV_PURGEABLE_WILLNEED)\n\t\t\t\txe_bo_willneed_put_locked(bo);',
    'xe_bo_willneed_put_locked(bo);',
  );
  const r = run(changed, COUNTERS);
  const asserts = r.issues.filter((i) => i.kind === 'assert');
  assert.deepEqual(
    asserts.map((i) => [i.data.assert, i.data.seq]),
    [['xe_assert(bo->willneed_count > 0)', 'create VMA1 DONTNEED → madvise VMA1 DONTNEED']],
  );
  assert.deepEqual(
    asserts[0].trace.map((t) => [t.event, t.new.willneed, t.new.state]),
    [
      ['start', '0', 'WILLNEED'],
      ['create VMA1 DONTNEED', '0', 'WILLNEED'],
      ['madvise VMA1 DONTNEED', '-1', 'WILLNEED'],
    ],
  );
});

test('imported BOs: not counted, and the model says so when they are', () => {
  const counted = COUNTERS.replace('if (!drm_gem_is_imported(&bo->ttm.base))\n\t\tbo->vma_count++;', 'bo->vma_count++;');
  const r = run(counted, COUNTERS);
  const holder = r.issues.find((i) => i.kind === 'holder' && i.imported);
  assert.equal(holder?.data.holders, 'an imported BO is not tracked');
  assert.equal(holder?.data.seq, 'create VMA1 WILLNEED');
});

test('code the model cannot decide stops that event, reported with its reason; the rest is explored', () => {
  const unsure = COUNTERS.replace('xe_bo_vma_count_inc_locked(bo);\n', 'if (vm->flags)\n\t\treturn vma;\n\txe_bo_vma_count_inc_locked(bo);\n');
  const r = run(unsure, COUNTERS);
  const stops = r.issues.filter((i) => i.kind === 'stopped');
  assert.deepEqual(
    stops.map((i) => i.data.reason),
    ['the condition `vm->flags` depends on something the model does not know'],
  );
  assert.deepEqual(
    r.issues.filter((i) => i.severity === 'warning').map((i) => i.kind),
    [],
    'nothing follows from an event that could not run',
  );
});

test('the trace as a picture: a row per event, both states coloured by the theme, the rows where they part marked, nothing to run', () => {
  const changed = COUNTERS.replace('bo->willneed_count++ == 0', 'bo->willneed_count++ == 1');
  const issue = run(changed, COUNTERS).issues.find((i) => i.kind === 'neededByVma')!;
  const svg = traceTimeline(issue, 'A <title> & more');
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+"/);
  assert.ok(svg.endsWith('</svg>'));
  assert.match(svg, /<title>A &lt;title&gt; &amp; more<\/title>/, 'text is escaped');
  const steps = [...svg.matchAll(/<g class="step( parts)?" data-step="(\d+)">/g)];
  assert.deepEqual(
    steps.map((m) => Number(m[2])),
    issue.trace.map((_, i) => i),
  );
  assert.deepEqual(
    steps.map((m) => !!m[1]),
    issue.trace.map((r) => r.new.state !== r.old.state),
  );
  assert.ok(
    issue.trace.some((r) => r.new.state !== r.old.state),
    'this trace has a row where the two part',
  );
  for (const r of issue.trace) assert.ok(svg.includes(`>${r.new.state}</text>`) && svg.includes(`>${r.old.state}</text>`));
  assert.match(svg, /fill="var\(--vscode-testing-iconPassed, #388a34\)"/, 'WILLNEED in the theme colour, with a fallback');
  assert.doesNotMatch(svg, /<script|href=|url\(/i, 'nothing runs, nothing is fetched');
});
