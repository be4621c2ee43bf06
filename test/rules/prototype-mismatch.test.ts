import rule from '../../server/src/core/rules/prototype-mismatch';
import { doc, lineOf } from '../helpers';
import { runRuleTests } from './tester';
import { files as frobTree, frobPatch } from '../tree/frob-fixture';

const header = doc`
  |From: A Developer <dev@example.org>
  |Subject: [PATCH] mm/zsmalloc: let zs_pool_shrink() take a gfp mask
  |
  |diff --git a/include/linux/zsmalloc.h b/include/linux/zsmalloc.h
  |--- a/include/linux/zsmalloc.h
  |+++ b/include/linux/zsmalloc.h
  |@@ -40,3 +40,4 @@ struct zs_pool_stats {
  | void zs_destroy_pool(struct zs_pool *pool);
  |-unsigned long zs_pool_shrink(struct zs_pool *pool, unsigned long nr);
  |+unsigned long zs_pool_shrink(struct zs_pool *pool, unsigned long nr,
  |+			     gfp_t gfp);
  | void zs_free(struct zs_pool *pool, unsigned long obj);
`;

const definitionUpdated = doc`
  |diff --git a/mm/zsmalloc.c b/mm/zsmalloc.c
  |--- a/mm/zsmalloc.c
  |+++ b/mm/zsmalloc.c
  |@@ -2001,7 +2001,8 @@ static unsigned long __zs_compact(struct zs_pool *pool,
  | 	return pages_freed;
  | }
  | 
  |-unsigned long zs_pool_shrink(struct zs_pool *pool, unsigned long nr)
  |+unsigned long zs_pool_shrink(struct zs_pool *pool, unsigned long nr,
  |+			     gfp_t gfp)
  | {
  | 	unsigned long freed = 0;
  | 
`;

const callerUpdated = doc`
  |@@ -2100,6 +2101,6 @@ static unsigned long zs_shrinker_scan(struct shrinker *shrinker,
  | 	struct zs_pool *pool = shrinker->private_data;
  | 	unsigned long freed;
  | 
  |-	freed = zs_pool_shrink(pool, sc->nr_to_scan);
  |+	freed = zs_pool_shrink(pool, sc->nr_to_scan, sc->gfp_mask);
  | 	return freed ? freed : SHRINK_STOP;
  | }
`;

const complete = header + definitionUpdated + callerUpdated;

// The definition is only context: the author changed its body and forgot the parameter list.
const definitionForgotten = doc`
  |diff --git a/mm/zsmalloc.c b/mm/zsmalloc.c
  |--- a/mm/zsmalloc.c
  |+++ b/mm/zsmalloc.c
  |@@ -2001,7 +2001,7 @@ static unsigned long __zs_compact(struct zs_pool *pool,
  | 	return pages_freed;
  | }
  | 
  | unsigned long zs_pool_shrink(struct zs_pool *pool, unsigned long nr)
  | {
  |-	unsigned long freed = 0;
  |+	unsigned long freed = 0, scanned = 0;
  | 
`;

const callerForgotten = doc`
  |@@ -2100,6 +2100,6 @@ static unsigned long zs_shrinker_scan(struct shrinker *shrinker,
  | 	struct zs_pool *pool = shrinker->private_data;
  |-	unsigned long freed;
  |+	unsigned long freed = 0;
  | 
  | 	freed = zs_pool_shrink(pool, sc->nr_to_scan);
  | 	return freed ? freed : SHRINK_STOP;
  | }
`;

const withDefinitionForgotten = header + definitionForgotten + callerUpdated.replace('+2101,6', '+2100,6');
const withCallerForgotten = header + definitionUpdated + callerForgotten.replace('+2100,6', '+2101,6');

// A new function added by the patch calls with the old count: the fix edits the added line in place.
const addedCaller =
  header +
  definitionUpdated +
  doc`
  |@@ -2200,3 +2201,8 @@ void zs_destroy_pool(struct zs_pool *pool)
  | 	kfree(pool);
  | }
  | EXPORT_SYMBOL_GPL(zs_destroy_pool);
  |+
  |+unsigned long zs_pool_trim(struct zs_pool *pool)
  |+{
  |+	return zs_pool_shrink(pool, ULONG_MAX);
  |+}
`;

const lookupNarrowed = doc`
  |Subject: [PATCH] mm/zsmalloc: drop the unused flags of zs_lookup()
  |
  |diff --git a/include/linux/zsmalloc.h b/include/linux/zsmalloc.h
  |--- a/include/linux/zsmalloc.h
  |+++ b/include/linux/zsmalloc.h
  |@@ -50,3 +50,3 @@ void zs_free(struct zs_pool *pool, unsigned long obj);
  | size_t zs_huge_class_size(struct zs_pool *pool);
  |-int zs_lookup(struct zs_pool *pool, unsigned long handle, int flags);
  |+int zs_lookup(struct zs_pool *pool, unsigned long handle);
  | 
  |diff --git a/mm/zsmalloc.c b/mm/zsmalloc.c
  |--- a/mm/zsmalloc.c
  |+++ b/mm/zsmalloc.c
  |@@ -900,5 +900,5 @@ static void obj_free(int class_size, unsigned long obj)
  | }
  | 
  | int zs_lookup(struct zs_pool *pool, unsigned long handle, int flags)
  | {
  |-	return handle_to_obj(handle) != 0;
  |+	return !!handle_to_obj(handle);
`;

const limitRetyped = doc`
  |Subject: [PATCH] mm/zsmalloc: count the limit in longs
  |
  |diff --git a/include/linux/zsmalloc.h b/include/linux/zsmalloc.h
  |--- a/include/linux/zsmalloc.h
  |+++ b/include/linux/zsmalloc.h
  |@@ -60,2 +60,2 @@ struct zs_pool;
  |-void zs_set_limit(struct zs_pool *pool, int pages);
  |+void zs_set_limit(struct zs_pool *pool, long pages);
  | void zs_clear_limit(struct zs_pool *pool);
  |diff --git a/mm/zsmalloc.c b/mm/zsmalloc.c
  |--- a/mm/zsmalloc.c
  |+++ b/mm/zsmalloc.c
  |@@ -700,4 +700,4 @@ static int zs_stats_size_show(struct seq_file *s, void *v)
  | void zs_set_limit(struct zs_pool *pool, int pages)
  | {
  |-	pool->limit = pages;
  |+	WRITE_ONCE(pool->limit, pages);
  | }
`;

const limitWidened = limitRetyped
  .replace('Subject: [PATCH] mm/zsmalloc: count the limit in longs', 'Subject: [PATCH] mm/zsmalloc: a wider limit, and a gfp mask for it')
  .replace('+void zs_set_limit(struct zs_pool *pool, long pages);', '+void zs_set_limit(struct zs_pool *pool, long pages, gfp_t gfp);');

const mbox = (...patches: string[]): string =>
  patches
    .map(
      (body, i) =>
        `From 00000000000000000000000000000000000000${String(i + 1).padStart(2, '0')} Mon Sep 17 00:00:00 2001\nFrom: A Developer <dev@example.org>\nSubject: [PATCH ${i + 1}/${patches.length}] mm/zsmalloc: step ${i + 1}\n\n${body}`,
    )
    .join('');

const laterCallerStale = mbox(
  header + definitionUpdated + callerUpdated,
  doc`
    |diff --git a/mm/zswap.c b/mm/zswap.c
    |--- a/mm/zswap.c
    |+++ b/mm/zswap.c
    |@@ -300,3 +300,4 @@ static void zswap_pool_destroy(struct zswap_pool *pool)
    | {
    | 	zswap_pool_debug("destroying", pool);
    |+	zs_pool_shrink(pool->zs_pool, ULONG_MAX);
    | 	kfree(pool);
  `,
);

const secondPatchFixesCall = mbox(
  header + definitionUpdated + callerForgotten.replace('+2100,6', '+2101,6'),
  doc`
    |diff --git a/mm/zsmalloc.c b/mm/zsmalloc.c
    |--- a/mm/zsmalloc.c
    |+++ b/mm/zsmalloc.c
    |@@ -2103,4 +2103,4 @@ static unsigned long zs_shrinker_scan(struct shrinker *shrinker,
    | 	unsigned long freed = 0;
    | 
    |-	freed = zs_pool_shrink(pool, sc->nr_to_scan);
    |+	freed = zs_pool_shrink(pool, sc->nr_to_scan, sc->gfp_mask);
  `,
);

const alreadyBroken =
  header +
  definitionUpdated +
  doc`
  |@@ -2300,3 +2301,3 @@ static void zs_flush(struct zs_pool *pool)
  |-	pool->flushed = 1;
  |+	WRITE_ONCE(pool->flushed, 1);
  | 	zs_pool_shrink(pool);
  | }
`;

const staticTwins = doc`
  |Subject: [PATCH] mm: let the pool walker take a budget
  |
  |diff --git a/mm/zsmalloc.c b/mm/zsmalloc.c
  |--- a/mm/zsmalloc.c
  |+++ b/mm/zsmalloc.c
  |@@ -10,6 +10,6 @@
  |-static int walk_pool(struct zs_pool *pool)
  |+static int walk_pool(struct zs_pool *pool, int budget)
  | {
  | 	return 0;
  | }
  |-int x = walk_pool(p);
  |+int x = walk_pool(p, 8);
  |diff --git a/mm/z3fold.c b/mm/z3fold.c
  |--- a/mm/z3fold.c
  |+++ b/mm/z3fold.c
  |@@ -20,4 +20,4 @@ static int walk_pool(struct z3fold_pool *pool)
  | {
  |-	int n = 0;
  |+	int n = 1;
  | 	return walk_pool_inner(pool) + walk_pool(pool);
`;

const variadic = doc`
  |Subject: [PATCH] mm: give zs_log a level
  |
  |diff --git a/mm/zslog.h b/mm/zslog.h
  |--- a/mm/zslog.h
  |+++ b/mm/zslog.h
  |@@ -1,1 +1,1 @@
  |-void zs_log(struct zs_pool *pool, const char *fmt, ...);
  |+void zs_log(struct zs_pool *pool, int level, const char *fmt, ...);
  |diff --git a/mm/zsmalloc.c b/mm/zsmalloc.c
  |--- a/mm/zsmalloc.c
  |+++ b/mm/zsmalloc.c
  |@@ -5,2 +5,2 @@ static void report(struct zs_pool *pool)
  |-	zs_log(pool, "pages %lu objects %lu\\n", pages, objs);
  |+	zs_log(pool, 1, "pages %lu objects %lu\\n", pages, objs);
`;

const throughMacro = doc`
  |Subject: [PATCH] mm/zsmalloc: map objects with an explicit mode
  |
  |diff --git a/include/linux/zsmalloc.h b/include/linux/zsmalloc.h
  |--- a/include/linux/zsmalloc.h
  |+++ b/include/linux/zsmalloc.h
  |@@ -30,1 +30,3 @@
  |-void *zs_map_object(struct zs_pool *pool, unsigned long handle);
  |+void *zs_map_object(struct zs_pool *pool, unsigned long handle,
  |+		    enum zs_mapmode mm);
  |+#define zs_map_object(p, h) zs_map_object(p, h, ZS_MM_RW)
  |diff --git a/mm/zswap.c b/mm/zswap.c
  |--- a/mm/zswap.c
  |+++ b/mm/zswap.c
  |@@ -900,2 +900,2 @@ static void zswap_load(struct zswap_entry *entry)
  |-	src = zs_map_object(pool, entry->handle);
  |+	src = zs_map_object(pool, entry->handle) + 0;
`;

const callBeforeChange = mbox(
  doc`
    |diff --git a/mm/zswap.c b/mm/zswap.c
    |--- a/mm/zswap.c
    |+++ b/mm/zswap.c
    |@@ -300,2 +300,3 @@ static void zswap_pool_destroy(struct zswap_pool *pool)
    | {
    |+	zs_pool_shrink(pool->zs_pool, ULONG_MAX);
    | 	kfree(pool);
  `,
  header +
    definitionUpdated +
    doc`
    |diff --git a/mm/zswap.c b/mm/zswap.c
    |--- a/mm/zswap.c
    |+++ b/mm/zswap.c
    |@@ -301,2 +301,2 @@ static void zswap_pool_destroy(struct zswap_pool *pool)
    |-	zs_pool_shrink(pool->zs_pool, ULONG_MAX);
    |+	zs_pool_shrink(pool->zs_pool, ULONG_MAX, GFP_KERNEL);
    | 	kfree(pool);
  `,
);

/** A reply quoting the whole patch two levels deep, with indentation and blank lines lost. */
function quotedAndDamaged(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  return (
    'On Tue, a reviewer wrote:\n' +
    lines.map((l) => '> > ' + l.replace(/^([ +-]?)\s+/, (_m, c: string) => (c === ' ' ? '' : c + ' ')).replace(/\s+/g, ' ')).join('\n') +
    '\n'
  );
}

runRuleTests(rule, {
  valid: [
    { name: 'header, definition and caller all updated', code: complete },
    { name: 'the same patch quoted two deep with whitespace and blank lines lost', code: quotedAndDamaged(complete) },
    { name: 'a static function of the same name in another file is another function', code: staticTwins },
    { name: 'a variadic function called with more arguments than its fixed ones', code: variadic },
    { name: 'calls through a function-like macro of the same name are not judged', code: throughMacro },
    { name: 'a call added before the change with the then-current count, updated by the change', code: callBeforeChange },
    { name: 'without a tree, the sites a series does not show are not judged', code: frobPatch() },
  ],
  invalid: [
    {
      name: 'a definition left at the old parameter list (context line: the fix becomes a -/+ pair)',
      code: withDefinitionForgotten,
      errors: [
        { messageId: 'missingParam', line: lineOf(withDefinitionForgotten, ' unsigned long zs_pool_shrink('), severity: 'error', includes: '`gfp_t gfp`' },
      ],
      output: withDefinitionForgotten.replace(
        ' unsigned long zs_pool_shrink(struct zs_pool *pool, unsigned long nr)\n',
        '-unsigned long zs_pool_shrink(struct zs_pool *pool, unsigned long nr)\n+unsigned long zs_pool_shrink(struct zs_pool *pool, unsigned long nr, gfp_t gfp)\n',
      ),
    },
    {
      name: 'a call left at the old argument count',
      code: withCallerForgotten,
      errors: [
        { messageId: 'argCount', line: lineOf(withCallerForgotten, '	freed = zs_pool_shrink(pool, sc->nr_to_scan);'), includes: 'called with 2 arguments' },
      ],
      output: withCallerForgotten.replace(
        ' \tfreed = zs_pool_shrink(pool, sc->nr_to_scan);\n',
        '-\tfreed = zs_pool_shrink(pool, sc->nr_to_scan);\n+\tfreed = zs_pool_shrink(pool, sc->nr_to_scan, 0);\n',
      ),
    },
    {
      name: 'a call the patch adds with the old count (the fix edits the added line)',
      code: addedCaller,
      errors: [{ messageId: 'argCount', line: lineOf(addedCaller, 'return zs_pool_shrink(pool, ULONG_MAX);') }],
      output: addedCaller.replace('return zs_pool_shrink(pool, ULONG_MAX);', 'return zs_pool_shrink(pool, ULONG_MAX, 0);'),
    },
    {
      name: 'the same forgotten call in a reply quoting the patch',
      code: quotedAndDamaged(withCallerForgotten),
      errors: [{ messageId: 'argCount', line: lineOf(quotedAndDamaged(withCallerForgotten), 'freed = zs_pool_shrink(pool, sc->nr_to_scan);') }],
    },
    {
      name: 'a definition that keeps a parameter the prototype dropped',
      code: lookupNarrowed,
      errors: [{ messageId: 'extraParam', line: lineOf(lookupNarrowed, ' int zs_lookup('), includes: '`int flags`' }],
    },
    {
      name: 'a definition that keeps the old type of a parameter',
      code: limitRetyped,
      errors: [{ messageId: 'paramType', line: lineOf(limitRetyped, ' void zs_set_limit('), includes: 'parameter 2' }],
    },
    {
      name: 'a parameter retyped and another added: both reported, each once',
      code: limitWidened,
      errors: [
        { messageId: 'paramType', line: lineOf(limitWidened, ' void zs_set_limit('), includes: 'parameter 2 of `zs_set_limit()` is `int pages`' },
        { messageId: 'missingParam', line: lineOf(limitWidened, ' void zs_set_limit('), includes: '`gfp_t gfp`' },
      ],
    },
    {
      name: 'a later patch of the series adds a call with the old count',
      code: laterCallerStale,
      errors: [{ messageId: 'argCount', line: lineOf(laterCallerStale, '+	zs_pool_shrink(pool->zs_pool, ULONG_MAX);') }],
    },
    {
      name: 'a call left stale by patch 1 and fixed by patch 2: introduced there, fixed here',
      code: secondPatchFixesCall,
      allOrigins: true,
      errors: [
        {
          messageId: 'argCount',
          line: lineOf(secondPatchFixesCall, ' 	freed = zs_pool_shrink(pool, sc->nr_to_scan);'),
          origin: 'introduced',
          severity: 'error',
        },
        { messageId: 'argCount', line: lineOf(secondPatchFixesCall, '-	freed = zs_pool_shrink(pool, sc->nr_to_scan);'), origin: 'fixed', severity: 'hint' },
      ],
    },
    {
      name: 'a call that was already wrong before the change is pre-existing',
      code: alreadyBroken,
      allOrigins: true,
      errors: [{ messageId: 'argCount', line: lineOf(alreadyBroken, 'zs_pool_shrink(pool);'), origin: 'pre-existing', severity: 'hint' }],
    },
    {
      name: "with a tree: the definition and the call outside the series' hunks, on the line that changes the prototype",
      code: frobPatch(),
      tree: frobTree,
      errors: [
        {
          messageId: 'treeSite',
          line: lineOf(frobPatch(), '+int frob_range(unsigned long start, unsigned long end, int nid);'),
          severity: 'error',
          includes: 'arch/beta/mm/frob.c:4 still defines `frob_range()` with 2 parameters',
        },
        {
          messageId: 'treeSite',
          line: lineOf(frobPatch(), '+int frob_range(unsigned long start, unsigned long end, int nid);'),
          includes: 'mm/user.c:10 still calls `frob_range()` with 2 arguments',
        },
      ],
    },
  ],
});
