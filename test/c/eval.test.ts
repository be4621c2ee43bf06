/** The evaluator on C written for the test, parsed the way models parse the patch's code. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Evaluator, EvalStop, obj, UNKNOWN, type Program, type Value } from '../../server/src/core/c/eval/eval';
import { functionsOfImage } from '../../server/src/core/c/syntax/functions';
import { loadParser } from '../../server/src/host/grammar';
import { visibleStatements } from '../../server/src/core/models/visible';
import { EIW_TO_WAYS } from '../cxl-fixture';

async function program(code: string, extra: Partial<Program> = {}): Promise<{ ev: Evaluator; run: (name: string, ...args: Value[]) => Value }> {
  const parser = await loadParser();
  const functions = new Map(functionsOfImage(parser, code, null).map((f) => [f.name, f]));
  const ev = new Evaluator({ functions, primitives: new Map(), iterators: new Map(), constants: new Map(), ...extra });
  return { ev, run: (name, ...args) => ev.call(functions.get(name)!, args) };
}

test('integers, precedence, shifts, short-circuit and the ternary', async () => {
  const { run } = await program(`
    long f(long a, long b) { return a + b * 3 - (a << 4) / 2 + (b > a ? 100 : 200) + (a && 0) + (b || 0); }
    unsigned long big(void) { return (1UL << 40) + 0x10; }
  `);
  assert.equal(run('f', 2n, 5n), 2n + 15n - 16n + 100n + 0n + 1n);
  assert.equal(run('big'), (1n << 40n) + 16n);
});

test('switch with GNU case ranges, fallthrough and default; out-parameters', async () => {
  const { run } = await program(`
${EIW_TO_WAYS}
    int ways_of(int eiw) { unsigned int w = 0; if (eiw_to_ways(eiw, &w)) return -1; return w; }
    int fall(int x) { int r = 0; switch (x) { case 1: r += 1; case 2: r += 10; break; case 3: r = 100; } return r; }
  `);
  assert.deepEqual(
    [0, 1, 4, 8, 9, 10].map((e) => run('ways_of', BigInt(e))),
    [1n, 2n, 16n, 3n, 6n, 12n],
  );
  assert.equal(run('ways_of', 5n), -1n);
  assert.deepEqual(
    [1, 2, 3, 4].map((x) => run('fall', BigInt(x))),
    [11n, 10n, 100n, 0n],
  );
});

test('loops with break and continue; goto to labels of the body', async () => {
  const { run } = await program(`
    int sum(int n) { int i, s = 0; for (i = 0; i < n; i++) { if (i == 2) continue; if (i == 5) break; s += i; } return s; }
    int count(int n) { int k = 0; while (n > 0) { n--; k++; } do { k += 100; } while (0); return k; }
    int unwind(int fail_at)
    {
    	int done = 0;
    	if (fail_at == 1)
    		goto out;
    	done |= 1;
    	if (fail_at == 2)
    		goto undo_one;
    	done |= 2;
    	return done;
    undo_one:
    	done &= ~1;
    out:
    	return -done - 1;
    }
  `);
  assert.equal(run('sum', 10n), 0n + 1n + 3n + 4n);
  assert.equal(run('count', 3n), 103n);
  assert.deepEqual(
    [0, 1, 2].map((f) => run('unwind', BigInt(f))),
    [3n, -1n, -1n],
  );
});

test('struct fields, ++/-- on fields, primitives and constants', async () => {
  const asserts: boolean[] = [];
  const { run } = await program(
    `
    static inline void counter_put(struct thing *t)
    {
    	thing_assert(t->count > 0);
    	if (--t->count == 0 && t->state != STATE_DEAD)
    		thing_set_state(t, STATE_IDLE);
    }
  `,
    {
      constants: new Map([
        ['STATE_DEAD', 2n],
        ['STATE_IDLE', 1n],
      ]),
      primitives: new Map([
        ['thing_assert', (args) => (asserts.push(args[0] !== 0n), UNKNOWN)],
        ['thing_set_state', (args) => ((args[0] as ReturnType<typeof obj>).fields.set('state', args[1]), UNKNOWN)],
      ]),
    },
  );
  const t = obj({ count: 2n, state: 0n });
  run('counter_put', t);
  assert.deepEqual([t.fields.get('count'), t.fields.get('state')], [1n, 0n]);
  run('counter_put', t);
  assert.deepEqual([t.fields.get('count'), t.fields.get('state')], [0n, 1n]);
  run('counter_put', t);
  assert.deepEqual(asserts, [true, true, false]);
  assert.equal(t.fields.get('count'), -1n);
});

test('a decision on something unknown stops with the reason, and runaway loops stop', async () => {
  const { run } = await program(`
    int decide(void) { if (mystery_value) return 1; return 0; }
    int spin(void) { for (;;) ; return 0; }
  `);
  assert.throws(
    () => run('decide'),
    (e: Error) => e instanceof EvalStop && /`mystery_value` depends on something the model does not know/.test(e.message),
  );
  assert.throws(
    () => run('spin'),
    (e: Error) => e instanceof EvalStop && /too many steps/.test(e.message),
  );
});

test('zeroed structs: unwritten fields read 0, member structs come into being when reached into', async () => {
  const { run } = await program(`
    void hold(struct thing *t) { t->purgeable.count++; t->purgeable.count++; }
    long read(struct thing *t) { return t->purgeable.count + t->other; }
    long plain(struct thing *t) { return t->missing; }
  `);
  const t = obj({}, 'thing', true);
  run('hold', t);
  assert.equal(run('read', t), 2n);
  assert.equal(run('plain', obj({})), UNKNOWN, 'a struct not known to be zeroed reads unknown');
});

test('a visible part runs until it leaves: return, or a continue of a loop it does not show', async () => {
  const parser = await loadParser();
  const [part] = functionsOfImage(parser, '\t\tif (skip)\n\t\t\tcontinue;\n\t\tdone++;\n\t}\n\treturn done;\n}\n', 'walk');
  const ev = new Evaluator({ functions: new Map(), primitives: new Map(), iterators: new Map(), constants: new Map() });
  const scope = (skip: bigint) =>
    ev.scope(
      new Map<string, Value>([
        ['skip', skip],
        ['done', 0n],
      ]),
    );
  // The loop body the hunk closes was opened above it: entered, as models enter it.
  const body = visibleStatements(part.body);
  assert.equal(ev.runVisible(part, body, scope(1n)).how, 'continue');
  const ran = ev.runVisible(part, body, scope(0n));
  assert.deepEqual([ran.how, ran.value], ['return', 1n]);
});

test('a preprocessor conditional inside a function: stops unless an arm is chosen; the chosen arm runs in the enclosing block', async () => {
  const { ev, run } = await program(`
    int width(void)
    {
    #ifdef CONFIG_WIDE
    	int w = 64;
    #elif defined(CONFIG_NARROW)
    	int w = 16;
    #else
    	int w = 32;
    #endif
    	return w + 1;
    }
    int only_if(void)
    {
    	int r = 1;
    #if IS_ENABLED(CONFIG_X)
    	r = 2;
    #endif
    	return r;
    }
  `);
  assert.throws(
    () => run('width'),
    (e) => e instanceof EvalStop && /preprocessor conditional/.test(e.message),
  );
  assert.equal(ev.ppArms, 3, 'the conditional met had three arms');
  const results = [0, 1, 2, 3].map((arm) => ((ev.ppArm = arm), run('width')));
  assert.deepEqual(results, [65n, 17n, 33n, 33n], 'each arm, and past the last the last');
  assert.deepEqual(
    [0, 1].map((arm) => ((ev.ppArm = arm), run('only_if'))),
    [2n, 1n],
    'an #if without #else has an empty second arm',
  );
});
