import rule from '../../server/src/core/rules/parameter-dropped';
import { doc, lineOf } from '../helpers';
import { runRuleTests } from './tester';

/** A header that adds `struct mempolicy *pol` to alloc_pages_range(), then `body` for mm/alloc.c. */
const series = (body: string): string =>
  doc`
    |Subject: [PATCH] mm: pass the mempolicy down to alloc_pages_range()
    |
    |diff --git a/include/linux/gfp.h b/include/linux/gfp.h
    |--- a/include/linux/gfp.h
    |+++ b/include/linux/gfp.h
    |@@ -100,2 +100,3 @@ struct page *alloc_pages_node(int nid, gfp_t gfp, unsigned int order);
    |-int alloc_pages_range(unsigned long start, unsigned long end, int nid);
    |+int alloc_pages_range(unsigned long start, unsigned long end, int nid,
    |+		      struct mempolicy *pol);
    | void free_pages_range(unsigned long start, unsigned long end);
    |diff --git a/mm/alloc.c b/mm/alloc.c
    |--- a/mm/alloc.c
    |+++ b/mm/alloc.c
  ` + body;

const passesItOn = series(doc`
  |@@ -10,6 +10,7 @@
  |-int alloc_pages_range(unsigned long start, unsigned long end, int nid)
  |+int alloc_pages_range(unsigned long start, unsigned long end, int nid,
  |+		      struct mempolicy *pol)
  | {
  | 	if (end - start < PAGE_SIZE)
  |-		return __alloc_range_small(start, end, nid);
  |-	return __alloc_range(start, end, nid);
  |+		return __alloc_range_small(start, end, nid, pol);
  |+	return __alloc_range(start, end, nid, pol);
  | }
`);

const bodyNotVisible = series(doc`
  |@@ -10,3 +10,4 @@
  |-int alloc_pages_range(unsigned long start, unsigned long end, int nid)
  |+int alloc_pages_range(unsigned long start, unsigned long end, int nid,
  |+		      struct mempolicy *pol)
  | {
  | 	int ret;
`);

const guardedFallback = series(doc`
  |@@ -10,6 +10,8 @@
  |-int alloc_pages_range(unsigned long start, unsigned long end, int nid)
  |+int alloc_pages_range(unsigned long start, unsigned long end, int nid,
  |+		      struct mempolicy *pol)
  | {
  |+	if (!pol)
  |+		return __alloc_range(start, end, nid);
  | 	return __alloc_range_policy(start, end, nid, pol);
  | }
`);

const usedInAnExpression = series(doc`
  |@@ -10,5 +10,6 @@
  |-int alloc_pages_range(unsigned long start, unsigned long end, int nid)
  |+int alloc_pages_range(unsigned long start, unsigned long end, int nid,
  |+		      struct mempolicy *pol)
  | {
  |-	return __alloc_range(start, end, nid, NULL);
  |+	return __alloc_range(start, end, nid, pol ? pol->home_node : NULL);
  | }
`);

const notADelegate = series(doc`
  |@@ -10,6 +10,7 @@
  |-int alloc_pages_range(unsigned long start, unsigned long end, int nid)
  |+int alloc_pages_range(unsigned long start, unsigned long end, int nid,
  |+		      struct mempolicy *pol)
  | {
  | 	flush_range(start);
  |-	return __alloc_range(start, end, nid);
  |+	return __alloc_range(start, end, nid, pol);
  | }
`);

const dropped = series(doc`
  |@@ -10,5 +10,6 @@
  |-int alloc_pages_range(unsigned long start, unsigned long end, int nid)
  |+int alloc_pages_range(unsigned long start, unsigned long end, int nid,
  |+		      struct mempolicy *pol)
  | {
  | 	return __alloc_range(start, end, nid);
  | }
`);

const unused = series(doc`
  |@@ -10,5 +10,6 @@
  |-int alloc_pages_range(unsigned long start, unsigned long end, int nid)
  |+int alloc_pages_range(unsigned long start, unsigned long end, int nid,
  |+		      struct mempolicy *pol)
  | {
  | 	return end > start ? 0 : -EINVAL;
  | }
`);

const onePathDrops = series(doc`
  |@@ -10,8 +10,9 @@
  |-int alloc_pages_range(unsigned long start, unsigned long end, int nid)
  |+int alloc_pages_range(unsigned long start, unsigned long end, int nid,
  |+		      struct mempolicy *pol)
  | {
  | #ifdef CONFIG_NUMA
  | 	if (numa_enabled())
  |-		return numa_alloc_range(start, end, nid);
  |+		return numa_alloc_range(start, end, nid, pol);
  | #endif
  | 	return flat_alloc_range(start, end, nid);
`);

const laterHunkOfTheSameFunction = series(doc`
  |@@ -10,4 +10,5 @@
  |-int alloc_pages_range(unsigned long start, unsigned long end, int nid)
  |+int alloc_pages_range(unsigned long start, unsigned long end, int nid,
  |+		      struct mempolicy *pol)
  | {
  | 	unsigned long addr;
  | 	int err;
  |@@ -40,4 +41,4 @@ int alloc_pages_range(unsigned long start, unsigned long end, int nid)
  | 		if (!err)
  | 			continue;
  |-		err = alloc_one(addr, end, nid, GFP_KERNEL);
  |+		err = alloc_one(addr, end, nid, __GFP_NOWARN);
  | 		if (err)
`);

runRuleTests(rule, {
  valid: [
    { name: 'the new parameter is passed on every path', code: passesItOn },
    { name: 'the body is not in the hunk: nothing to judge', code: bodyNotVisible },
    { name: 'a call under a condition on the parameter is a deliberate fallback', code: guardedFallback },
    { name: 'the parameter is passed inside an expression', code: usedInAnExpression },
    { name: 'a call that takes one of the other parameters is not a delegation', code: notADelegate },
  ],
  invalid: [
    {
      name: 'the delegate gets the other arguments but not the new one',
      code: dropped,
      errors: [
        { messageId: 'notPassed', line: lineOf(dropped, 'return __alloc_range(start, end, nid);'), severity: 'information', includes: '`__alloc_range()`' },
      ],
    },
    {
      name: 'a whole visible body that never reads the parameter',
      code: unused,
      errors: [{ messageId: 'unused', line: lineOf(unused, '+		      struct mempolicy *pol)', true), severity: 'information' }],
    },
    {
      name: 'one path passes it, the other drops it (the powerpc shape)',
      code: onePathDrops,
      errors: [{ messageId: 'notPassed', line: lineOf(onePathDrops, 'return flat_alloc_range(start, end, nid);'), includes: '`flat_alloc_range()`' }],
    },
    {
      name: 'a later hunk that git places in the same function',
      code: laterHunkOfTheSameFunction,
      errors: [{ messageId: 'notPassed', line: lineOf(laterHunkOfTheSameFunction, '+		err = alloc_one(addr, end, nid, __GFP_NOWARN);') }],
    },
  ],
});
