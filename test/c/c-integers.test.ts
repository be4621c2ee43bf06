/**
 * The evaluator computes as C does on the kernel's 64-bit targets where declarations say the types, and
 * stops (never runs away) where C has no answer or the work would not end: each row is a function written
 * for the test, its arguments, and what C gives (worked out by hand from C11 6.3.1 and 6.5.7, LP64).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Budget, BudgetExhausted } from '../../server/src/core/budget';
import { Evaluator, EvalStop, type Value } from '../../server/src/core/c/eval/eval';
import { functionsOfImage } from '../../server/src/core/c/syntax/functions';
import { intType, literalType } from '../../server/src/core/c/eval/ctypes';
import { loadParser } from '../../server/src/host/grammar';

async function evaluator(code: string, budget?: Budget, maxSteps?: number): Promise<{ ev: Evaluator; run: (name: string, ...args: Value[]) => Value }> {
  const parser = await loadParser();
  const functions = new Map(functionsOfImage(parser, code, null).map((f) => [f.name, f]));
  const ev = new Evaluator({ functions, primitives: new Map(), iterators: new Map(), constants: new Map() }, maxSteps, budget);
  return { ev, run: (name, ...args) => ev.call(functions.get(name)!, args) };
}

/** [what, C function `f`, arguments, the value C gives]. */
const VALUES: [string, string, bigint[], bigint][] = [
  ['u8 wraps at 256', 'u8 f(void) { u8 x = 250; x += 10; return x; }', [], 4n],
  ['u8 ++ past 255', 'int f(void) { u8 x = 255; x++; return x; }', [], 0n],
  ['s8 wraps to negative', 'int f(void) { s8 x = 127; x++; return x; }', [], -128n],
  ['u16 from a larger value', 'int f(void) { u16 x = 70000; return x; }', [], 70000n - 65536n],
  ['unsigned int subtraction below zero', 'unsigned long f(void) { unsigned int a = 1, b = 2; return a - b; }', [], 4294967295n],
  ['u32 parameter truncates its argument', 'u64 f(u32 x) { return x; }', [(1n << 32n) + 5n], 5n],
  ['u64 wraps at 2^64', 'u64 f(void) { u64 x = 0; x--; return x; }', [], (1n << 64n) - 1n],
  ['int overflow wraps (-fno-strict-overflow)', 'int f(void) { int x = 2147483647; x = x + 1; return x; }', [], -2147483648n],
  ['-1 < 0U is false: -1 converts to unsigned int', 'int f(void) { int a = -1; unsigned int b = 0; return a < b; }', [], 0n],
  ['-1 < 0UL is false', 'int f(void) { long a = -1; return a < 0UL; }', [], 0n],
  ['-1 < 0 is true', 'int f(void) { int a = -1; return a < 0; }', [], 1n],
  ['-1 == 0xffffffffU', 'int f(void) { int a = -1; return a == 0xffffffffU; }', [], 1n],
  ['int -1 compared with a long 4294967295: no wrap', 'int f(void) { int a = -1; long b = 4294967295; return a == b; }', [], 0n],
  ['a cast to u8 keeps the low byte', 'int f(int x) { return (u8)x; }', [0x1ffn], 0xffn],
  ['a cast to bool', 'int f(int x) { return (bool)x; }', [40n], 1n],
  ['bool stores 0 or 1', 'int f(void) { bool b = 5; return b; }', [], 1n],
  ['1 << 31 in int is negative', 'long f(void) { return 1 << 31; }', [], -2147483648n],
  ['1UL << 63', 'u64 f(void) { return 1UL << 63; }', [], 1n << 63n],
  ['u32 shifted by 31 stays u32', 'u64 f(void) { u32 x = 3; return x << 31; }', [], 2147483648n],
  ['u8 promotes to int before a shift', 'int f(void) { u8 x = 0x80; return x << 1; }', [], 0x100n],
  ['signed right shift is arithmetic', 'int f(int x) { return x >> 1; }', [-5n], -3n],
  ['~ of a u8 promotes to int', 'int f(void) { u8 x = 0; return ~x; }', [], -1n],
  ['~0U', 'u64 f(void) { return ~0U; }', [], 4294967295n],
  ['division truncates toward zero', 'int f(int a, int b) { return a / b; }', [-7n, 2n], -3n],
  ['remainder takes the dividend sign', 'int f(int a, int b) { return a % b; }', [-7n, 2n], -1n],
  ['unsigned division of a converted negative', 'u64 f(void) { int a = -8; unsigned int b = 2; return a / b; }', [], 2147483644n],
  ['a u8 return type wraps the returned value', 'u8 f(void) { return 300; }', [], 44n],
  ['an enum is an int', 'int f(void) { enum zone_type z = 3; z += 1; return z; }', [], 4n],
];

for (const [what, code, args, want] of VALUES) {
  test(`C integers: ${what}`, async () => {
    const { run } = await evaluator(code);
    assert.equal(run('f', ...args), want);
  });
}

/** [what, C function `f`, arguments, what the stop says]. */
const STOPS: [string, string, bigint[], RegExp][] = [
  ['a shift by the width of u32', 'u64 f(void) { u32 x = 1; return x << 32; }', [], /shifts by 32, at least the width of unsigned int: undefined behaviour/],
  ['a shift by a billion', 'long f(long x) { x <<= 1000000000; return x; }', [1n], /shifts by 1000000000, at least the width of long/],
  ['a shift of an int by 40', 'int f(void) { int x = 1; return x << 40; }', [], /at least the width of int/],
  ['a negative shift count', 'int f(int n) { return 1 << n; }', [-1n], /a negative count: undefined behaviour/],
  ['recursion without end', 'int f(int x) { return f(x + 1); }', [0n], /calls nested deeper than 64 \(`f\(\)` recursing\?\)/],
  ['mutual recursion', 'int g(int x); int f(int x) { return g(x); } int g(int x) { return f(x); }', [0n], /calls nested deeper than 64/],
  ['a loop without end', 'int f(void) { for (;;); return 0; }', [], /too many steps/],
  ['a continue outside a loop', 'int f(void) { continue; return 0; }', [], /`continue` outside a loop/],
  ['a break outside a loop', 'int f(void) { if (1) break; return 0; }', [], /`break` outside a loop or switch/],
  ['a goto to no label', 'int f(void) { goto nowhere; }', [], /goto nowhere: the label is not at the top of the body/],
];

for (const [what, code, args, stop] of STOPS) {
  test(`C stops: ${what}`, async () => {
    const { run } = await evaluator(code);
    assert.throws(
      () => run('f', ...args),
      (e: unknown) => e instanceof EvalStop && stop.test(e.message),
    );
  });
}

test('C stops: a product of untyped values that leaves 64 bits stops instead of growing', async () => {
  const parser = await loadParser();
  // A primitive's result has no declared type: arithmetic on it is exact, as long as it stays a 64-bit value.
  const [fn] = functionsOfImage(parser, 'int f(void) { return big() * big() * big(); }', null);
  const ev = new Evaluator({ functions: new Map([['f', fn]]), primitives: new Map([['big', () => 1n << 40n]]), iterators: new Map(), constants: new Map() });
  assert.throws(
    () => ev.call(fn, []),
    (e: unknown) => e instanceof EvalStop && /overflows 64 bits/.test(e.message),
  );
});

test('one budget for several evaluators: spent by each statement, it ends them all, and stays ended', async () => {
  const budget = new Budget({ steps: 5_000, ms: 60_000 });
  const looping = 'int f(void) { int i; for (i = 0; i < 1000000; i++) ; return i; }';
  const a = await evaluator(looping, budget, 1_000_000_000);
  assert.throws(
    () => a.run('f'),
    (e: unknown) => e instanceof BudgetExhausted && e.end === 'steps',
  );
  // A second evaluator on the same budget stops at its first statement.
  const b = await evaluator('int f(void) { return 1; }', budget);
  assert.throws(() => b.run('f'), BudgetExhausted);
  assert.equal(budget.ended, 'steps');
  assert.ok(budget.steps <= 5_001, `${budget.steps} steps spent`);
});

test('a cancelled budget stops the evaluator within a thousand steps', async () => {
  let cancelled = false;
  const budget = new Budget({ steps: 1e12, ms: 1e9 }, () => cancelled);
  const { ev, run } = await evaluator('int f(void) { int i; for (i = 0; i < 1000000; i++) ; return i; }', budget, 1e12);
  ev.hook = () => {
    if (ev.steps === 3_000) cancelled = true;
  };
  assert.throws(
    () => run('f'),
    (e: unknown) => e instanceof BudgetExhausted && e.end === 'cancelled',
  );
  assert.ok(ev.steps < 3_000 + 1_100, `${ev.steps} steps`);
});

test('type names and literal types', () => {
  const cases: [string, string | null][] = [
    ['u8', 'u8'],
    ['const u32', 'unsigned int'],
    ['unsigned long', 'unsigned long'],
    ['size_t', 'unsigned long'],
    ['pgoff_t', 'unsigned long'],
    ['long long', 'long'],
    ['int', 'int'],
    ['enum zone_type', 'int'],
    ['struct page', null],
    ['u8 *', null],
    ['my_typedef_t', null],
    ['bool', 'bool'],
  ];
  for (const [text, name] of cases) assert.equal(intType(text)?.name ?? null, name, text);
  const literals: [string, bigint, string][] = [
    ['1', 1n, 'int'],
    ['2147483648', 2147483648n, 'long'],
    ['0x80000000', 0x80000000n, 'unsigned int'],
    ['1U', 1n, 'unsigned int'],
    ['1UL', 1n, 'unsigned long'],
    ['1L', 1n, 'long'],
    ['0xffffffffffffffff', (1n << 64n) - 1n, 'unsigned long'],
    ['0', 0n, 'int'],
    ['010', 8n, 'int'],
  ];
  for (const [text, v, name] of literals) assert.equal(literalType(text, v).name, name, text);
});
