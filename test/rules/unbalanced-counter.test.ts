import rule from '../../server/src/core/rules/unbalanced-counter';
import { addedCodePatch, lineAfter, lineOf, mark, patchMail, readSeed } from '../helpers';
import { withDoubleGet, withoutDestroyDec, withoutErrorPut } from '../seed004';
import { runRuleTests } from './tester';

/** A new function, whole, as added lines. */
const added = (path: string, code: string): string => addedCodePatch('mm: add a helper', path, code);

/** Lines of a fixture's function body, each in the template's indentation. */
const body = (lines: string[]): string => lines.map((l) => `    ${l}`).join('\n');

const allocChecked = added(
  'mm/pool.c',
  `
    int pool_add(struct pool *pool, int n)
    {
    	struct item *it;
    	int err;

    	it = kmalloc(sizeof(*it), GFP_KERNEL);
    	if (!it)
    		return -ENOMEM;
    	err = pool_validate(pool, n);
    	if (err)
    		goto out_free;
    	pool->items[n] = it;
    	return 0;
    out_free:
    	kfree(it);
    	return err;
    }
`,
);

const lockLadder = added(
  'mm/pool.c',
  `
    int pool_resize(struct pool *pool, int n)
    {
    	int ret;

    	mutex_lock(&pool->lock);
    	ret = pool_check(pool, n);
    	if (ret)
    		goto out_unlock;
    	folio_get(pool->folio);
    	ret = pool_grow(pool, n);
    	if (ret)
    		goto out_put;
    	mutex_unlock(&pool->lock);
    	return 0;
    out_put:
    	folio_put(pool->folio);
    out_unlock:
    	mutex_unlock(&pool->lock);
    	return ret;
    }
`,
);

const interruptible = added(
  'mm/pool.c',
  `
    int pool_flush(struct pool *pool)
    {
    	if (mutex_lock_interruptible(&pool->lock))
    		return -EINTR;
    	pool_drain(pool);
    	mutex_unlock(&pool->lock);
    	return 0;
    }
`,
);

const callersReference = added(
  'mm/pool.c',
  `
    void pool_release(struct pool *pool)
    {
    	folio_put(pool->folio);
    	kfree(pool);
    }
`,
);

const midFunction = patchMail('mm: tidy', [
  {
    path: 'mm/pool.c',
    hunks: [
      {
        start: 40,
        section: 'int pool_resize(struct pool *pool, int n)',
        lines: [
          ...mark(' ', '\tret = pool_grow(pool, n);'),
          ...mark('-', '\tif (ret)'),
          ...mark('+', '\tif (ret < 0)'),
          ...mark(' ', '\t\tgoto out_unlock;\n\tmutex_unlock(&pool->lock);\n\treturn 0;'),
        ],
      },
    ],
  },
]);

const indexed = added(
  'mm/pool.c',
  `
    int pool_fill(struct pool *pool)
    {
    	int i;

    	for (i = 0; i < 4; i++) {
    		pool->buf[i] = kmalloc(64, GFP_KERNEL);
    		if (!pool->buf[i])
    			return -ENOMEM;
    	}
    	return 0;
    }
`,
);

/** A lock taken and a check that may fail: `failure` is what the function does then. */
const shrinkUnder = (failure: string[]): string =>
  added(
    'mm/pool.c',
    `
    int pool_shrink(struct pool *pool, int n)
    {
    	int ret;

    	mutex_lock(&pool->lock);
    	ret = pool_check(pool, n);
${body(failure)}
    	pool_cut(pool, n);
    	mutex_unlock(&pool->lock);
    	return 0;
    }
`,
  );
const leakOnError = shrinkUnder(['\tif (ret)', '\t\treturn ret;']);
const leakOnErrorUnlocked = shrinkUnder(['\tif (ret) {', '\t\tmutex_unlock(&pool->lock);', '\t\treturn ret;', '\t}']);

/** lockLadder with the second failure jumping past the folio's release. */
const ladderSkipsPut = lockLadder.replace('+\t\tgoto out_put;', '+\t\tgoto out_unlock;');

const localLeak = added(
  'mm/pool.c',
  `
    int pool_probe(struct pool *pool)
    {
    	char *scratch = kzalloc(PAGE_SIZE, GFP_KERNEL);

    	if (!scratch)
    		return -ENOMEM;
    	pool_scan(pool);
    	return 0;
    }
`,
);

const wrongLabel = added(
  'mm/pool.c',
  `
    int pool_attach(struct pool *pool)
    {
    	struct item *it;
    	int err;

    	err = pool_check(pool, 0);
    	if (err)
    		goto out_free;
    	it = kmalloc(sizeof(*it), GFP_KERNEL);
    	if (!it)
    		return -ENOMEM;
    	err = pool_link(pool, it);
    	if (err)
    		goto out_free;
    	return 0;
    out_free:
    	kfree(it);
    	return err;
    }
`,
);

/** A lifecycle pair written for the test: pool_open takes a folio (the added lines), pool_close gives it back. */
const lifecycleOf = (openAdded: string, closeAdded: string): string =>
  patchMail('mm/pool: pin the folio while open', [
    {
      path: 'mm/pool.c',
      hunks: [
        {
          start: 100,
          section: 'static int pool_open(struct pool *pool)',
          lines: [...mark(' ', '\tpool->users++;'), ...mark('+', openAdded), ...mark(' ', '\tpool_wake(pool);\n\treturn 0;\n}')],
        },
        {
          start: 200,
          section: 'static void pool_close(struct pool *pool)',
          lines: [...mark(' ', '\tpool->users--;'), ...mark('+', closeAdded), ...mark(' ', '\tpool_wake(pool);\n}')],
        },
      ],
    },
  ]);

/** The folio taken when pinned, given back under `closeGuard` with `closeCall`. */
const lifecycle = (closeGuard: string, closeCall: string): string =>
  lifecycleOf('\tif (pool->pinned)\n\t\tfolio_get(pool->folio);', `\tif (${closeGuard})\n\t\t${closeCall}(pool->folio);`);
const takenTwice = lifecycleOf(
  '\tif (pool->pinned) {\n\t\tfolio_get(pool->folio);\n\t\tfolio_get(pool->folio);\n\t}',
  '\tif (pool->pinned)\n\t\tfolio_put(pool->folio);',
);
const givenTwice = lifecycleOf(
  '\tif (pool->pinned)\n\t\tfolio_get(pool->folio);',
  '\tif (pool->pinned) {\n\t\tfolio_put(pool->folio);\n\t\tfolio_put(pool->folio);\n\t}',
);

/** Runtime PM: pm_runtime_get_sync() takes a usage count even when it fails. */
const pmGetLeak = added(
  'drivers/foo/foo.c',
  `
    static int foo_read(struct foo *foo, u32 *val)
    {
    	int ret;

    	ret = pm_runtime_get_sync(foo->dev);
    	if (ret < 0)
    		return ret;
    	*val = readl(foo->base);
    	pm_runtime_put(foo->dev);
    	return 0;
    }
`,
);
/** foo_read() giving its usage count back with `release` when the get fails. */
const pmGetReleasedWith = (release: string): string =>
  added(
    'drivers/foo/foo.c',
    `
    static int foo_read(struct foo *foo, u32 *val)
    {
    	int ret;

    	ret = pm_runtime_get_sync(foo->dev);
    	if (ret < 0) {
    		${release}(foo->dev);
    		return ret;
    	}
    	*val = readl(foo->base);
    	pm_runtime_put(foo->dev);
    	return 0;
    }
`,
  );
/** What the fix makes of pmGetLeak: the function's one release, put on the failing path. */
const pmGetLeakFixed = pmGetReleasedWith('pm_runtime_put');
const pmGetBalanced = pmGetReleasedWith('pm_runtime_put_noidle');
/** Enable takes a usage count and disable gives it back: a toggle, not a release of what was never taken. */
const pmToggle = added(
  'drivers/foo/foo.c',
  `
    static void foo_set_enabled(struct foo *foo, bool on)
    {
    	if (on) {
    		pm_runtime_get_sync(foo->dev);
    		foo->enabled = true;
    	} else {
    		foo->enabled = false;
    		pm_runtime_put(foo->dev);
    	}
    }
`,
);
/** Scope-based cleanup: a `__free(kfree)` local is freed on every return. */
/** A buffer stored into the device: its error paths either never free it (the release does) or free it on one. */
const storedBuffer = (firstFailure: string): string =>
  added(
    'drivers/foo/foo.c',
    `static int foo_setup(struct foo *foo)\n{\n\tint ret;\n\n\tfoo->buf = kmalloc(64, GFP_KERNEL);\n\tif (!foo->buf)\n\t\treturn -ENOMEM;\n\tret = foo_hw_init(foo);\n\tif (ret)\n\t\t${firstFailure};\n\tif (foo_hw_dead(foo))\n\t\treturn -EIO;\n\treturn 0;\nout_free:\n\tkfree(foo->buf);\n\treturn ret;\n}`,
  );
const storedNeverFreedOnError = storedBuffer('return ret');
const storedFreedOnOneError = storedBuffer('goto out_free');

/** A lock helper the series defines, and a caller whose range check returns still holding its lock (or not). */
const seriesLockHelper = (rangeFailure: string): string =>
  added(
    'drivers/counter/foo-cnt.c',
    `static int foo_lock_if_valid(struct counter_device *counter, struct foo_priv *const priv, int id)\n{\n\tmutex_lock(&priv->lock);\n\tif (!priv->enabled[id]) {\n\t\tmutex_unlock(&priv->lock);\n\t\treturn -EINVAL;\n\t}\n\treturn 0;\n}\n\nstatic int foo_ceiling_write(struct counter_device *counter, struct foo_priv *priv, int id, u64 ceiling)\n{\n\tint ret;\n\n\tret = foo_lock_if_valid(counter, priv, id);\n\tif (ret)\n\t\treturn ret;\n\tif (ceiling > U16_MAX) {\n${rangeFailure}\t\treturn -ERANGE;\n\t}\n\tpriv->ceiling[id] = ceiling;\n\tmutex_unlock(&priv->lock);\n\treturn 0;\n}`,
  );
const lockHelperLeaks = seriesLockHelper('');
const lockHelperBalanced = seriesLockHelper('\t\tmutex_unlock(&priv->lock);\n');

const scopeFreed = added(
  'drivers/foo/foo.c',
  `
    static int foo_snapshot(struct foo *foo)
    {
    	struct foo_snap *snap __free(kfree) = kzalloc(sizeof(*snap), GFP_KERNEL);

    	if (!snap)
    		return -ENOMEM;
    	if (foo_busy(foo))
    		return -EBUSY;
    	foo->snap = no_free_ptr(snap);
    	return 0;
    }
`,
);
const scopeFreedPlain = scopeFreed.replace(' __free(kfree)', '').replace('foo->snap = no_free_ptr(snap);', 'foo->snap = snap;');

/** A buffer handed to a bus read is filled, not kept: `failure` is what the function does when the read fails. */
const readBuffer = (failure: string[]): string =>
  added(
    'drivers/foo/foo.c',
    `
    static int foo_steps(struct foo *foo, int *val)
    {
    	u8 *raw;
    	int ret;

    	raw = kmalloc(3, GFP_KERNEL);
    	if (!raw)
    		return -ENOMEM;
    	ret = regmap_bulk_read(foo->regmap, FOO_STEPS, raw, 3);
${body(failure)}
    	*val = raw[0];
    	kfree(raw);
    	return 0;
    }
`,
  );
const readBufferLeak = readBuffer(['\tif (ret)', '\t\treturn ret;']);
const readBufferFreed = readBuffer(['\tif (ret) {', '\t\tkfree(raw);', '\t\treturn ret;', '\t}']);

/**
 * One function over two hunks: the access taken in the first is given back under a label in the second,
 * which the error gotos reach; one early successful return skips it.
 */
const twoHunks = (early: string): string =>
  patchMail('drivers/foo: hold debug access while writing', [
    {
      path: 'drivers/foo/foo.c',
      hunks: [
        {
          start: 100,
          section: 'static ssize_t foo_cmd_write(struct file *filp, const char __user *buf,',
          lines: [
            ...mark(' ', '\tif (*pos)\n\t\treturn 0;\n'),
            ...mark('+', '\tret = foo_get_access(foo);\n\tif (ret)\n\t\treturn ret;\n'),
            ...mark(' ', `\tif (foo_stopped(foo))\n\t\t${early}\n`),
            ...mark('-', '\tif (count > FOO_MAX)\n\t\treturn -ENOSPC;'),
            ...mark('+', '\tif (count > FOO_MAX) {\n\t\tret = -ENOSPC;\n\t\tgoto put_access;\n\t}'),
          ],
        },
        {
          start: 140,
          section: 'static ssize_t foo_cmd_write(struct file *filp, const char __user *buf,',
          lines: [
            ...mark(' ', '\tfoo_run(foo, cmd);\n'),
            ...mark('-', '\treturn count;'),
            ...mark('+', '\tret = count;\n\nput_access:\n\tfoo_put_access(foo);\n\treturn ret;'),
            ...mark(' ', '}'),
          ],
        },
      ],
    },
  ]);
const earlyReturnHolds = twoHunks('return 0;');
const earlyReturnGivesBack = twoHunks('goto put_access;');
/** An allocation in the first hunk; what becomes of it is in lines no hunk shows. */
const gapDecides = patchMail('drivers/foo: keep a buffer', [
  {
    path: 'drivers/foo/foo.c',
    hunks: [
      {
        start: 100,
        section: 'static int foo_setup(struct foo *foo)',
        lines: [
          ...mark(' ', '\tint ret;\n'),
          ...mark('+', '\tbuf = kmalloc(64, GFP_KERNEL);\n\tif (!buf)\n\t\treturn -ENOMEM;'),
          ...mark(' ', '\tfoo_prepare(foo);'),
        ],
      },
      {
        start: 160,
        section: 'static int foo_setup(struct foo *foo)',
        lines: [...mark(' ', '\tret = foo_start(foo);\n\tif (ret)\n\t\treturn ret;\n\treturn 0;\n}')],
      },
    ],
  },
]);
/** Probe keeps the clock on success (remove turns it off) and turns it off when registration fails. */
const clkKeptOnSuccess = added(
  'drivers/foo/foo.c',
  `
    static int foo_probe(struct platform_device *pdev)
    {
    	struct foo *foo = platform_get_drvdata(pdev);
    	int ret;

    	clk_prepare_enable(foo->clk);
    	ret = foo_register(foo);
    	if (ret) {
    		clk_disable_unprepare(foo->clk);
    		return dev_err_probe(&pdev->dev, ret, "cannot register\\n");
    	}
    	return 0;
    }
`,
);

/** A clock enabled, then a failure that returns with it still on. */
const clkLeak = added(
  'drivers/foo/foo.c',
  `
    static int foo_init(struct foo *foo)
    {
    	int err;

    	err = clk_prepare_enable(foo->clk);
    	if (err)
    		return err;
    	if (readl(foo->base) & FOO_BUSY)
    		return -EBUSY;
    	return 0;
    }
`,
);
/** A device found by name is a reference the caller must drop, on success too. */
const lookupLeak = added(
  'drivers/foo/foo.c',
  `
    static int foo_devfn(struct foo *foo, const char *name, u32 *devfn)
    {
    	struct device *dev;

    	dev = bus_find_device_by_name(foo->bus, NULL, name);
    	if (!dev)
    		return -ENODEV;
    	*devfn = to_pci_dev(dev)->devfn;
    	return 0;
    }
`,
);
const lookupDropped = lookupLeak.replace('+\treturn 0;\n+}', '+\tput_device(dev);\n+\treturn 0;\n+}');
/** A hunk that starts in the body of an \`if\` whose head is above it: its \`return\` is not the only path. */
const headlessIf = patchMail('drivers/foo: power the device on resume', [
  {
    path: 'drivers/foo/foo.c',
    hunks: [
      {
        start: 200,
        section: 'static int foo_resume(struct device *dev)',
        lines: [
          ...mark(' ', '\t\treturn ret;\n'),
          ...mark('+', '\tret = pm_runtime_get_sync(dev);\n\tif (ret)\n\t\treturn ret;\n\tfoo_restore(dev);\n\tpm_runtime_put(dev);'),
          ...mark(' ', '\treturn 0;\n}'),
        ],
      },
    ],
  },
]);

const lockHelper = added(
  'mm/pool.c',
  `
    void pool_lock(struct pool *pool)
    {
    	mutex_lock(&pool->lock);
    }
`,
);

// "pageblock" is no lock: a function so named must not return holding one.
const pageblockLeak = added(
  'mm/pool.c',
  `
    static void pool_reserve_pageblock(struct pool *pool)
    {
    	spin_lock(&pool->lock);
    	if (pool->full)
    		return;
    	pool->reserved++;
    	spin_unlock(&pool->lock);
    }
`,
);

const balancedLifecycle = lifecycle('pool->pinned', 'folio_put');
const otherCondition = lifecycle('pool->users == 0', 'folio_put');

runRuleTests(rule, {
  valid: [
    { name: 'runtime PM: the error path drops the usage count pm_runtime_get_sync() took', code: pmGetBalanced },
    { name: 'runtime PM: a usage count taken in one branch and given back in the other (an enable toggle)', code: pmToggle },
    { name: 'a looked-up device dropped before the successful return', code: lookupDropped },
    { name: 'a __free(kfree) local is freed by its scope on the error return', code: scopeFreed },
    { name: 'a buffer stored into the device that no error path frees: the device owns it', code: storedNeverFreedOnError },
    { name: 'a lock helper the series defines: the caller unlocks on every return after it succeeds', code: lockHelperBalanced },
    { name: 'a buffer handed to a bus read, freed when the read fails', code: readBufferFreed },
    { name: 'one function over two hunks: every return after the access is taken goes through its release', code: earlyReturnGivesBack },
    { name: 'one function over two hunks: a path that crosses the lines no hunk shows is not judged', code: gapDecides },
    { name: 'a clock a probe keeps on success and gives back when it fails', code: clkKeptOnSuccess },
    { name: 'an allocation checked, stored on success and freed on the error path', code: allocChecked },
    { name: 'a goto ladder that gives back the reference and the lock on every path', code: lockLadder },
    { name: 'an interruptible lock that was never taken when it fails', code: interruptible },
    { name: 'a release function giving back what its caller took', code: callersReference },
    { name: 'a hunk inside a function: what was taken above the hunk is not judged', code: midFunction },
    { name: 'allocations named through an array index are left to the unwind model', code: indexed },
    { name: 'a lifecycle pair: taken and given back under the same condition', code: balancedLifecycle },
    { name: 'a lock helper returns holding the lock it is named for', code: lockHelper },
  ],
  invalid: [
    {
      name: "a lock helper the series defines returns holding the lock: the caller's range check keeps it",
      code: lockHelperLeaks,
      errors: [
        {
          messageId: 'neverReleased',
          line: lineOf(lockHelperLeaks, 'ret = foo_lock_if_valid(counter, priv, id);'),
          includes: `on the path returning at line ${lineOf(lockHelperLeaks, 'return -ERANGE;')}, \`foo_lock_if_valid()\` from line`,
        },
      ],
    },
    {
      name: 'a buffer stored into the device, freed on one error path and not on another',
      code: storedFreedOnOneError,
      errors: [
        {
          messageId: 'neverReleased',
          line: lineOf(storedFreedOnOneError, 'foo->buf = kmalloc(64, GFP_KERNEL);'),
          includes: `on the path returning at line ${lineOf(storedFreedOnOneError, 'return -EIO;')}, \`kmalloc()\` from line`,
        },
      ],
    },
    {
      name: 'runtime PM: pm_runtime_get_sync() failing still took a usage count',
      code: pmGetLeak,
      errors: [{ messageId: 'neverReleased', line: lineOf(pmGetLeak, 'ret = pm_runtime_get_sync(foo->dev);'), includes: '`pm_runtime_get_sync()`' }],
      output: pmGetLeakFixed,
    },
    {
      name: 'the same allocation without __free() leaks on the error return',
      code: scopeFreedPlain,
      errors: [
        {
          messageId: 'neverReleased',
          line: lineOf(scopeFreedPlain, 'kzalloc(sizeof(*snap)'),
          includes: `returning at line ${lineOf(scopeFreedPlain, 'return -EBUSY;')}`,
        },
      ],
    },
    {
      name: 'a buffer handed to a bus read is not passed on: it leaks when the read fails',
      code: readBufferLeak,
      errors: [
        {
          messageId: 'neverReleased',
          line: lineOf(readBufferLeak, 'raw = kmalloc(3, GFP_KERNEL);'),
          includes: `returning at line ${lineOf(readBufferLeak, '+\t\treturn ret;')}`,
        },
      ],
      output: readBufferFreed,
    },
    {
      name: 'one function over two hunks: a successful return skips the release the others go through',
      code: earlyReturnHolds,
      errors: [
        {
          messageId: 'neverReleased',
          line: lineOf(earlyReturnHolds, 'ret = foo_get_access(foo);'),
          includes: `returning at line ${lineAfter(earlyReturnHolds, 'foo_stopped(foo)', ' \t\treturn 0;')}, \`foo_get_access()\``,
          explains: [
            'a successful return that skips the `foo_put_access()` other successful returns of this function go through',
            /This function was read from 2 hunks together; lines \d+–\d+ of drivers\/foo\/foo\.c are not in the patch/,
            '`foo_get_access()` and `foo_put_access()` are read as a pair because the series calls both',
          ],
        },
      ],
    },
    {
      name: 'a clock left enabled on an error return',
      code: clkLeak,
      errors: [
        {
          messageId: 'neverReleased',
          line: lineOf(clkLeak, 'err = clk_prepare_enable(foo->clk);'),
          includes: `returning at line ${lineOf(clkLeak, 'return -EBUSY;')}`,
        },
      ],
      // Nothing in the function disables the clock: the fix would have to be invented.
      output: null,
    },
    {
      name: 'a looked-up device never dropped, though the function returns success',
      code: lookupLeak,
      errors: [
        {
          messageId: 'neverReleased',
          line: lineOf(lookupLeak, 'dev = bus_find_device_by_name('),
          includes: `returning at line ${lineOf(lookupLeak, '+\treturn 0;')}`,
          explains: ['a reference looked up into a local must not outlive the function'],
        },
      ],
    },
    {
      name: 'a hunk starting in the body of an if above it: the paths after it are still judged',
      code: headlessIf,
      errors: [
        {
          messageId: 'neverReleased',
          line: lineOf(headlessIf, 'ret = pm_runtime_get_sync(dev);'),
          includes: `returning at line ${lineOf(headlessIf, '+\t\treturn ret;')}`,
        },
      ],
    },
    {
      name: 'a lock still held at an early error return',
      code: leakOnError,
      errors: [{ messageId: 'neverReleased', line: lineOf(leakOnError, 'mutex_lock(&pool->lock);'), includes: 'returning at line' }],
      output: leakOnErrorUnlocked,
    },
    {
      name: 'a goto that jumps past the release under its own label: the fix jumps to that label',
      code: ladderSkipsPut,
      errors: [{ messageId: 'neverReleased', line: lineOf(ladderSkipsPut, 'folio_get(pool->folio);'), includes: 'through `goto out_unlock`' }],
      output: lockLadder,
    },
    {
      name: 'a function named for a pageblock returns holding a spinlock',
      code: pageblockLeak,
      errors: [
        {
          messageId: 'neverReleased',
          line: lineOf(pageblockLeak, 'spin_lock(&pool->lock);'),
          includes: `returning at line ${lineOf(pageblockLeak, '+\t\treturn;')}, \`spin_lock()\``,
        },
      ],
    },
    {
      name: 'a local allocation leaked on the successful path',
      code: localLeak,
      errors: [{ messageId: 'neverReleased', line: lineOf(localLeak, 'kzalloc(PAGE_SIZE'), includes: '`kzalloc()`' }],
    },
    {
      name: 'jumping to a label that frees what this path never allocated',
      code: wrongLabel,
      errors: [{ messageId: 'releasedUntaken', line: lineOf(wrongLabel, '+\tkfree(it);'), includes: 'through `goto out_free`' }],
    },
    {
      name: 'a lifecycle pair given back under another condition',
      code: otherCondition,
      errors: [
        { messageId: 'unreleased', line: lineOf(otherCondition, 'folio_get(pool->folio);'), includes: 'when `pool->pinned`' },
        { messageId: 'unacquired', line: lineOf(otherCondition, 'folio_put(pool->folio);'), includes: 'when `pool->users == 0`' },
      ],
    },
    {
      name: 'a lifecycle pair taken twice and given back once',
      code: takenTwice,
      // On the second get: the one the partner gives nothing back for.
      errors: [
        {
          messageId: 'takenMore',
          line: lineOf(takenTwice, '+\tif (pool->pinned) {') + 2,
          includes: '`pool_open()` now takes `folio_get()` when `pool->pinned` 2 times, but `pool_close()` gives it back only 1',
        },
      ],
    },
    {
      name: 'a lifecycle pair taken once and given back twice',
      code: givenTwice,
      errors: [
        {
          messageId: 'givenMore',
          line: lineOf(givenTwice, '+\tif (pool->pinned) {') + 2,
          includes: '`pool_close()` now gives back `folio_put()` when `pool->pinned` 2 times, but `pool_open()` takes it only 1',
        },
      ],
    },
  ],
  seeds: () => ({
    valid: [{ name: 'seed 004 as posted', code: readSeed('004') }],
    invalid: [
      {
        name: 'seed 004 without the put on the out_put error path',
        code: withoutErrorPut(),
        errors: [
          {
            messageId: 'neverReleased',
            line: lineAfter(withoutErrorPut(), 'xe_gem_prime_export(struct drm_gem_object', '>> + xe_bo_willneed_get_locked(bo);'),
            includes: 'on the path through `goto out_put`',
          },
        ],
      },
      {
        name: 'seed 004 with the vma_count decrement gone from xe_vma_destroy()',
        code: withoutDestroyDec(),
        errors: [
          {
            messageId: 'unreleased',
            line: lineOf(withoutDestroyDec(), '>> + xe_bo_vma_count_inc_locked(bo);', true),
            includes: '`xe_vma_destroy()` gives nothing new back',
          },
        ],
      },
      {
        name: 'seed 004 with a double get in xe_vma_create()',
        code: withDoubleGet(),
        // The finding goes on the later of the two gets: the one the partner has nothing for.
        errors: [
          {
            messageId: 'takenMore',
            line: lineAfter(withDoubleGet(), '>> + xe_bo_vma_count_inc_locked(bo);', '>> + xe_bo_willneed_get_locked(bo);') + 2,
            includes: '2 times, but `xe_vma_destroy()` gives it back only 1',
          },
        ],
      },
    ],
  }),
});
