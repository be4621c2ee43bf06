/**
 * @file An evaluator for the C subset kernel helpers are written in: integers with C's semantics where the
 * declared types say (widths, signedness, the usual arithmetic conversions, wrapping; a shift past the
 * width stops as undefined behaviour; a value of no known type that leaves 64 bits stops), structs
 * (objects with fields), pointers to them (the object itself), `if`/`else`, `switch` with GNU case ranges,
 * loops and iterator macros, `goto` to labels of the function body, `return`, `break`, `continue`,
 * `++`/`--`, assignments, `&&`/`||`/`!`, calls to the function's own program or to modelled primitives.
 * What it does not know evaluates to `unknown`; a decision that depends on an unknown value stops the
 * evaluation with a reason, rather than guessing. Every statement spends a step of the analysis budget,
 * shared by all evaluators and models of a document. Models execute the patch's code with it.
 */
import { Budget } from '../../budget';
import { exprText, type Expr, type FunctionAst, type Stmt } from '../syntax/ast';
import { common, INT, intType, literalType, LONG, promote, within64, wrap, type IntType } from './ctypes';
import { KERNEL_ERRNO } from '../../kernel/errno';

export interface Obj {
  kind: 'obj';
  fields: Map<string, Value>;
  /** A name for explanations (`bo`, `vma#1`). */
  label?: string;
  /**
   * Zero-initialised, as a kzalloc'd struct is: a field never written reads as 0, and a member struct
   * never written comes into being (zeroed too) when the code reaches into it.
   */
  zeroed?: boolean;
}
export interface ErrPtr {
  kind: 'errptr';
  code: bigint;
}
/** A value nothing in the model gives: fine to carry, not to decide on. */
export const UNKNOWN: { kind: 'unknown' } = { kind: 'unknown' };
/** `&x` of a scalar: what an out-parameter writes through. */
export interface Ref {
  kind: 'ref';
  get(): Value;
  set(v: Value): void;
}
export type Value = bigint | Obj | ErrPtr | Ref | Value[] | null | typeof UNKNOWN;

const isRef = (v: Value): v is Ref => typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'ref';

export class EvalStop extends Error {
  constructor(
    message: string,
    readonly at?: string,
  ) {
    super(message);
  }
}

export type Primitive = (args: Value[], call: Extract<Expr, { kind: 'call' }>, ev: Evaluator) => Value;
export type Iterator = (args: Expr[], ev: Evaluator, scope: Scope) => Iterable<Map<string, Value>>;

export interface Program {
  /** Functions the evaluator may call by name (the patch's own). */
  functions: ReadonlyMap<string, FunctionAst>;
  primitives: ReadonlyMap<string, Primitive>;
  iterators: ReadonlyMap<string, Iterator>;
  constants: ReadonlyMap<string, bigint>;
  /** A primitive for a name `primitives` does not list (a family from a table, a catch-all). */
  resolve?: (name: string) => Primitive | undefined;
}

export function obj(fields: Record<string, Value> = {}, label?: string, zeroed = false): Obj {
  return { kind: 'obj', fields: new Map(Object.entries(fields)), label, zeroed };
}

/** Arrays that are members of zeroed structs: an element never written reads as 0. */
const zeroedArrays = new WeakSet<Value[]>();
export const isZeroedArray = (a: Value[]): boolean => zeroedArrays.has(a);
export const markZeroedArray = (a: Value[]): void => void zeroedArrays.add(a);

export const isObj = (v: Value | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'obj';

/** Called before and after each statement runs: models see which code ran, in which function. */
export type StatementHook = (s: Stmt, fn: FunctionAst | null, phase: 'enter' | 'exit') => void;

/** How a sequence of statements ended. */
export interface Ending {
  how: 'return' | 'continue' | 'break' | 'end';
  value: Value;
}

class Scope {
  private readonly vars = new Map<string, Value>();
  /** Declared integer types of the variables defined here (absent: not an integer type the table knows). */
  private readonly types = new Map<string, IntType>();
  constructor(private readonly parent: Scope | null) {}
  get(name: string): Value | undefined {
    return this.vars.has(name) ? this.vars.get(name) : this.parent?.get(name);
  }
  has(name: string): boolean {
    return this.vars.has(name) || !!this.parent?.has(name);
  }
  /** Stores into the innermost scope that defines `name` (converted to its declared type); returns what was stored. */
  set(name: string, v: Value): Value {
    if (this.vars.has(name) || !this.parent?.has(name)) {
      const t = this.types.get(name);
      const stored = t && typeof v === 'bigint' ? wrap(v, t) : v;
      this.vars.set(name, stored);
      return stored;
    }
    return this.parent.set(name, v);
  }
  define(name: string, v: Value, type: IntType | null = null): void {
    if (type) this.types.set(name, type);
    else this.types.delete(name);
    this.vars.set(name, type && typeof v === 'bigint' ? wrap(v, type) : v);
  }
  /** The declared integer type of a variable in scope, or null. */
  typeOf(name: string): IntType | null {
    if (this.vars.has(name)) return this.types.get(name) ?? null;
    return this.parent?.typeOf(name) ?? null;
  }
  child(): Scope {
    return new Scope(this);
  }
}
export type { Scope };

class Return {
  constructor(readonly value: Value) {}
}
class Break {}
class Continue {}
// One of each: thrown often, carrying nothing.
const BREAK = new Break();
const CONTINUE = new Continue();
class Goto {
  constructor(readonly label: string) {}
}

const isUnknown = (v: Value): v is typeof UNKNOWN => typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'unknown';

/** Calls nested deeper than this stop: a recursion the model cannot follow to its end. */
export const MAX_CALL_DEPTH = 64;

export class Evaluator {
  steps = 0;
  /** The functions being run, innermost last. */
  readonly stack: FunctionAst[] = [];
  hook: StatementHook | null = null;
  /** Called after every assignment: models name what they track by where it is stored. */
  onStore: ((target: Expr, value: Value, scope: Scope) => void) | null = null;
  /**
   * Which arm of each preprocessor conditional inside a function runs (clamped to the arms it has; `#if`
   * with no `#else` has an empty second one); null: such a conditional stops the evaluation, since which
   * arm is compiled is not known. A model that sets it runs again with each arm up to `ppArms`.
   */
  ppArm: number | null = null;
  /** The most arms a conditional met so far had (0: none was met). */
  ppArms = 0;
  /** Static types of expressions (C is statically typed: a node's type does not change between runs). */
  private readonly types = new WeakMap<Expr, IntType | null>();

  /**
   * `maxSteps`: what one evaluator may run (a loop that does not end stops here); `budget`: the analysis's
   * shared budget, spent one step per statement (it throws BudgetExhausted, which no model catches).
   */
  constructor(
    readonly program: Program,
    private readonly maxSteps = 100_000,
    readonly budget: Budget = Budget.unlimited(),
  ) {}

  /** Calls a function of the program with arguments bound to its parameters. */
  call(fn: FunctionAst, args: Value[], globals: Map<string, Value> = new Map()): Value {
    if (this.stack.length >= MAX_CALL_DEPTH) throw new EvalStop(`calls nested deeper than ${MAX_CALL_DEPTH} (\`${fn.name}()\` recursing?)`);
    const scope = new Scope(null);
    for (const [k, v] of globals) scope.define(k, v);
    const inner = scope.child();
    fn.params.forEach((p, i) => inner.define(p, args[i] ?? UNKNOWN, intType(fn.paramTypes[i])));
    this.stack.push(fn);
    try {
      const v = this.runBody(fn.body, inner);
      const rt = intType(fn.returnType);
      return rt && typeof v === 'bigint' ? wrap(v, rt) : v;
    } catch (signal) {
      throw stray(signal);
    } finally {
      this.stack.pop();
    }
  }

  /** Runs statements outside any function (a check a thread writes): a jump that leaves them stops the run. */
  runStatements(stmts: Stmt[], scope: Scope): void {
    try {
      for (const s of stmts) this.exec(s, scope);
    } catch (signal) {
      throw stray(signal);
    }
  }

  /** A fresh scope holding `bindings`: what a model runs a visible piece of a function in. */
  scope(bindings: Map<string, Value>): Scope {
    const scope = new Scope(null);
    for (const [k, v] of bindings) scope.define(k, v);
    return scope.child();
  }

  /**
   * Runs the visible statements of a function that is not wholly visible, as `fn` (for the hook): a
   * `return` ends the run with its value; a `continue` or `break` that would leave the visible part (the
   * loop it belongs to is not visible) ends it too.
   */
  runVisible(fn: FunctionAst, body: Stmt[], scope: Scope): Ending {
    this.stack.push(fn);
    try {
      let returned = false;
      const value = this.runBody(body, scope, () => (returned = true));
      return { how: returned ? 'return' : 'end', value };
    } catch (signal) {
      if (signal instanceof Continue) return { how: 'continue', value: UNKNOWN };
      if (signal instanceof Break) return { how: 'break', value: UNKNOWN };
      throw signal;
    } finally {
      this.stack.pop();
    }
  }

  /** Runs statements as a function body: `return` ends it, `goto` jumps to a label at this level. */
  runBody(body: Stmt[], scope: Scope, onReturn?: () => void): Value {
    let i = 0;
    for (;;) {
      try {
        for (; i < body.length; i++) this.exec(body[i], scope);
        return UNKNOWN;
      } catch (signal) {
        if (signal instanceof Return) {
          onReturn?.();
          return signal.value;
        }
        if (signal instanceof Goto) {
          const at = body.findIndex((s) => s.kind === 'label' && s.name === signal.label);
          if (at < 0) throw new EvalStop(`goto ${signal.label}: the label is not at the top of the body`);
          i = at + 1;
          continue;
        }
        throw signal;
      }
    }
  }

  truthy(v: Value, what: Expr): boolean {
    if (typeof v === 'bigint') return v !== 0n;
    if (isRef(v)) return true;
    if (v === null) return false;
    if (isUnknown(v)) throw new EvalStop(`the condition \`${exprText(what)}\` depends on something the model does not know`, exprText(what));
    return true;
  }

  exec(s: Stmt, scope: Scope): void {
    if (++this.steps > this.maxSteps) throw new EvalStop('too many steps (a loop that does not end?)');
    this.budget.spend();
    if (!this.hook) return this.execStmt(s, scope);
    const fn = this.stack[this.stack.length - 1] ?? null;
    this.hook(s, fn, 'enter');
    try {
      this.execStmt(s, scope);
    } finally {
      this.hook(s, fn, 'exit');
    }
  }

  private execStmt(s: Stmt, scope: Scope): void {
    switch (s.kind) {
      case 'expr':
        this.eval(s.expression, scope);
        return;
      case 'decl':
        for (const v of s.vars) scope.define(v.name, v.init ? this.eval(v.init, scope) : UNKNOWN, intType(v.type));
        return;
      case 'block': {
        const inner = scope.child();
        for (const st of s.body) this.exec(st, inner);
        return;
      }
      case 'if':
        if (this.truthy(this.eval(s.condition, scope), s.condition)) this.exec(s.then, scope);
        else if (s.otherwise) this.exec(s.otherwise, scope);
        return;
      case 'while':
        while (this.truthy(this.eval(s.condition, scope), s.condition)) {
          if (this.loopBody(s.body, scope)) break;
        }
        return;
      case 'dowhile':
        do {
          if (this.loopBody(s.body, scope)) break;
        } while (this.truthy(this.eval(s.condition, scope), s.condition));
        return;
      case 'for': {
        const inner = scope.child();
        if (s.init) this.exec(s.init, inner);
        while (!s.condition || this.truthy(this.eval(s.condition, inner), s.condition)) {
          if (this.loopBody(s.body, inner)) break;
          if (s.step) this.eval(s.step, inner);
        }
        return;
      }
      case 'foreach': {
        const it = this.program.iterators.get(s.macro);
        if (!it) throw new EvalStop(`the iterator \`${s.macro}()\` is not modelled`);
        for (const bindings of it(s.args, this, scope)) {
          for (const [k, v] of bindings) scope.set(k, v);
          if (this.loopBody(s.body, scope)) break;
        }
        return;
      }
      case 'switch': {
        const v = this.eval(s.condition, scope);
        if (typeof v !== 'bigint') throw new EvalStop(`switch on \`${exprText(s.condition)}\`, which the model does not know`);
        let start = -1;
        let fallback = -1;
        s.body.forEach((st, i) => {
          if (st.kind !== 'case' || start >= 0) return;
          if (!st.lo) fallback = i;
          else {
            const lo = this.eval(st.lo, scope);
            const hi = st.hi ? this.eval(st.hi, scope) : lo;
            if (typeof lo === 'bigint' && typeof hi === 'bigint' && v >= lo && v <= hi) start = i;
          }
        });
        if (start < 0) start = fallback;
        if (start < 0) return;
        try {
          for (let i = start; i < s.body.length; i++) if (s.body[i].kind !== 'case') this.exec(s.body[i], scope);
        } catch (signal) {
          if (!(signal instanceof Break)) throw signal;
        }
        return;
      }
      case 'case':
      case 'label':
        return;
      case 'return':
        throw new Return(s.value ? this.eval(s.value, scope) : UNKNOWN);
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'goto':
        throw new Goto(s.label);
      case 'pp': {
        this.ppArms = Math.max(this.ppArms, s.branches.length);
        if (this.ppArm === null) throw new EvalStop('a preprocessor conditional inside the function: which branch is compiled is not known');
        // The arm's statements belong to the enclosing block: what it declares is seen after the #endif.
        for (const st of s.branches[Math.min(this.ppArm, s.branches.length - 1)]) this.exec(st, scope);
        return;
      }
      case 'unknown':
        throw new EvalStop(`a statement the evaluator cannot read: \`${s.text.slice(0, 60)}\``);
    }
  }

  /** Runs one iteration; true when it broke out of the loop. */
  private loopBody(body: Stmt, scope: Scope): boolean {
    try {
      this.exec(body, scope);
    } catch (signal) {
      if (signal instanceof Break) return true;
      if (signal instanceof Continue) return false;
      throw signal;
    }
    return false;
  }

  eval(e: Expr, scope: Scope): Value {
    switch (e.kind) {
      case 'num':
        if (!within64(e.value)) throw new EvalStop(`the literal \`${e.text}\` does not fit in 64 bits`);
        return e.value;
      case 'str':
        return UNKNOWN;
      case 'id': {
        if (scope.has(e.name)) {
          const v = scope.get(e.name);
          return v === undefined ? UNKNOWN : v;
        }
        const c = this.program.constants.get(e.name) ?? KERNEL_ERRNO.get(e.name);
        return c !== undefined ? c : UNKNOWN;
      }
      case 'bin': {
        if (e.op === '&&') return this.truthy(this.eval(e.left, scope), e.left) ? (this.truthy(this.eval(e.right, scope), e.right) ? 1n : 0n) : 0n;
        if (e.op === '||') return this.truthy(this.eval(e.left, scope), e.left) ? 1n : this.truthy(this.eval(e.right, scope), e.right) ? 1n : 0n;
        const l = this.eval(e.left, scope);
        const r = this.eval(e.right, scope);
        if (e.op === '==' || e.op === '!=') {
          if (isUnknown(l) || isUnknown(r)) throw new EvalStop(`\`${exprText(e)}\` compares something the model does not know`, exprText(e));
          const same = typeof l === 'bigint' && typeof r === 'bigint' ? sameValue(l, this.typeOf(e.left, scope), r, this.typeOf(e.right, scope)) : l === r;
          return (e.op === '==') === same ? 1n : 0n;
        }
        if (typeof l !== 'bigint' || typeof r !== 'bigint') {
          if (isUnknown(l) || isUnknown(r)) return UNKNOWN;
          throw new EvalStop(`\`${exprText(e)}\` is arithmetic on something that is not a number`);
        }
        return arithmetic(e.op, l, this.typeOf(e.left, scope), r, this.typeOf(e.right, scope), e);
      }
      case 'un': {
        if (e.op === '&') {
          // A pointer to a struct is the struct; to a scalar, a reference the callee writes through.
          const v = e.operand.kind === 'field' ? this.member(e.operand, scope) : this.eval(e.operand, scope);
          if (isObj(v)) return v;
          const target = e.operand;
          return { kind: 'ref', get: () => this.eval(target, scope), set: (nv: Value) => this.store(target, nv, scope) };
        }
        const v = this.eval(e.operand, scope);
        if (e.op === '!') return this.truthy(v, e.operand) ? 0n : 1n;
        if (e.op === '*') return isRef(v) ? v.get() : v;
        if (isUnknown(v)) return UNKNOWN;
        if (typeof v !== 'bigint') throw new EvalStop(`\`${exprText(e)}\` on something that is not a number`);
        const t = this.typeOf(e.operand, scope);
        const result = e.op === '-' ? -v : e.op === '+' ? v : e.op === '~' ? ~v : null;
        if (result === null) throw new EvalStop(`the operator ${e.op} is not supported`);
        return inRange(t ? wrap(result, promote(t)) : result, e);
      }
      case 'upd': {
        const old = this.eval(e.operand, scope);
        if (typeof old !== 'bigint') throw new EvalStop(`\`${exprText(e)}\` on something that is not a number`);
        const next = this.store(e.operand, inRange(e.op === '++' ? old + 1n : old - 1n, e), scope);
        return e.prefix ? next : old;
      }
      case 'assign': {
        let v = this.eval(e.right, scope);
        if (e.op !== '=') {
          const cur = this.eval(e.left, scope);
          if (typeof cur !== 'bigint' || typeof v !== 'bigint') throw new EvalStop(`\`${exprText(e)}\` on something that is not a number`);
          v = arithmetic(e.op.slice(0, -1), cur, this.typeOf(e.left, scope), v, this.typeOf(e.right, scope), e);
        }
        return this.store(e.left, v, scope);
      }
      case 'call': {
        const name = e.fn;
        if (!name) throw new EvalStop(`a call through \`${exprText(e.callee)}\``);
        const args = e.args.map((a) => this.eval(a, scope));
        // The patch's own code first: a primitive stands for code the patch does not show.
        const fn = this.program.functions.get(name);
        if (fn) return this.call(fn, args);
        const prim = this.program.primitives.get(name) ?? this.program.resolve?.(name);
        if (prim) return prim(args, e, this);
        return UNKNOWN;
      }
      case 'field': {
        const base = this.base(e, scope);
        if (!base) return UNKNOWN;
        if (base.fields.has(e.name)) return base.fields.get(e.name)!;
        return base.zeroed ? 0n : UNKNOWN;
      }
      case 'index': {
        const base = this.arrayAt(e.array, scope, false);
        const i = this.eval(e.index, scope);
        if (Array.isArray(base) && typeof i === 'bigint') {
          const v = base[Number(i)];
          return v !== undefined ? v : zeroedArrays.has(base) ? 0n : UNKNOWN;
        }
        return UNKNOWN;
      }
      case 'cond':
        return this.truthy(this.eval(e.condition, scope), e.condition) ? this.eval(e.whenTrue, scope) : this.eval(e.whenFalse, scope);
      case 'cast': {
        const v = this.eval(e.operand, scope);
        const t = intType(e.type);
        return t && typeof v === 'bigint' ? wrap(v, t) : v;
      }
      case 'comma':
        this.eval(e.left, scope);
        return this.eval(e.right, scope);
      case 'sizeof':
      case 'unknown':
        return UNKNOWN;
    }
  }

  /** The struct a field expression reads from; null when it is not known. */
  private base(e: Extract<Expr, { kind: 'field' }>, scope: Scope): Obj | null {
    let base = e.object.kind === 'field' ? this.member(e.object, scope) : this.eval(e.object, scope);
    if (isRef(base)) base = base.get();
    if (base === null) throw new EvalStop(`\`${exprText(e)}\` dereferences NULL`);
    return isObj(base) ? base : null;
  }

  /** A member read as a struct: in a zeroed struct, a member never written is created, zeroed. */
  private member(e: Extract<Expr, { kind: 'field' }>, scope: Scope): Value {
    const base = this.base(e, scope);
    if (!base) return UNKNOWN;
    const v = base.fields.get(e.name);
    if (v !== undefined) return v;
    if (!base.zeroed) return UNKNOWN;
    const child = obj({}, undefined, true);
    base.fields.set(e.name, child);
    return child;
  }

  /**
   * The array an expression names; a member array of a zeroed struct never written reads as zeroes, and
   * comes into being when written (`create`).
   */
  private arrayAt(e: Expr, scope: Scope, create: boolean): Value {
    if (e.kind !== 'field') return this.eval(e, scope);
    const base = this.base(e, scope);
    if (!base) return UNKNOWN;
    const v = base.fields.get(e.name);
    if (v !== undefined && !(base.zeroed && v === 0n)) return v;
    if (!base.zeroed) return UNKNOWN;
    const arr: Value[] = [];
    zeroedArrays.add(arr);
    if (create) base.fields.set(e.name, arr);
    return arr;
  }

  /** An lvalue as text with its subscripts evaluated: `ctx->buffer[2]`. */
  lvalueText(e: Expr, scope: Scope): string {
    if (e.kind === 'field') return `${this.lvalueText(e.object, scope)}${e.arrow ? '->' : '.'}${e.name}`;
    if (e.kind === 'index') {
      const i = this.eval(e.index, scope);
      return `${this.lvalueText(e.array, scope)}[${typeof i === 'bigint' ? String(i) : exprText(e.index)}]`;
    }
    return exprText(e);
  }

  /** Stores `v` (converted to the target's declared type, when it has one); returns what was stored. */
  private store(target: Expr, v: Value, scope: Scope): Value {
    const stored = this.storeValue(target, v, scope);
    this.onStore?.(target, stored, scope);
    return stored;
  }

  private storeValue(target: Expr, v: Value, scope: Scope): Value {
    if (target.kind === 'id') return scope.set(target.name, v);
    this.storeElsewhere(target, v, scope);
    return v;
  }

  private storeElsewhere(target: Expr, v: Value, scope: Scope): void {
    if (target.kind === 'field') {
      const base = this.base(target, scope);
      if (base) return void base.fields.set(target.name, v);
      return;
    }
    if (target.kind === 'index') {
      const base = this.arrayAt(target.array, scope, true);
      const i = this.eval(target.index, scope);
      if (Array.isArray(base) && typeof i === 'bigint') return void (base[Number(i)] = v);
      if (isUnknown(base)) return;
    }
    if (target.kind === 'un' && target.op === '*') {
      const p = this.eval(target.operand, scope);
      if (isRef(p)) return p.set(v);
      return void this.storeValue(target.operand, v, scope);
    }
    throw new EvalStop(`cannot assign to \`${exprText(target)}\``);
  }

  /**
   * The C integer type of an expression, when the declarations in view tell it: declared variables and
   * parameters, literals, casts, calls to the program's functions, and what C derives from those; null for
   * members, array elements and anything else the evaluator has no declaration of.
   */
  typeOf(e: Expr, scope: Scope): IntType | null {
    const known = this.types.get(e);
    if (known !== undefined) return known;
    const t = this.computeType(e, scope);
    this.types.set(e, t);
    return t;
  }

  private computeType(e: Expr, scope: Scope): IntType | null {
    switch (e.kind) {
      case 'num':
        return literalType(e.text, e.value);
      case 'id': {
        if (scope.has(e.name)) return scope.typeOf(e.name);
        const c = this.program.constants.get(e.name) ?? KERNEL_ERRNO.get(e.name);
        return c === undefined ? null : KERNEL_ERRNO.has(e.name) ? INT : within64(c) && c >= -(1n << 31n) && c < 1n << 31n ? INT : LONG;
      }
      case 'bin': {
        if (['&&', '||', '==', '!=', '<', '<=', '>', '>='].includes(e.op)) return INT;
        const l = this.typeOf(e.left, scope);
        if (e.op === '<<' || e.op === '>>') return l ? promote(l) : null;
        const r = this.typeOf(e.right, scope);
        return l && r ? common(l, r) : null;
      }
      case 'un': {
        if (e.op === '!') return INT;
        if (e.op === '*' || e.op === '&') return null;
        const t = this.typeOf(e.operand, scope);
        return t ? promote(t) : null;
      }
      case 'upd':
        return this.typeOf(e.operand, scope);
      case 'assign':
        return this.typeOf(e.left, scope);
      case 'cast':
        return intType(e.type);
      case 'cond': {
        const a = this.typeOf(e.whenTrue, scope);
        const b = this.typeOf(e.whenFalse, scope);
        return a && b ? common(a, b) : null;
      }
      case 'comma':
        return this.typeOf(e.right, scope);
      case 'call': {
        const fn = e.fn ? this.program.functions.get(e.fn) : undefined;
        return fn ? intType(fn.returnType) : null;
      }
      default:
        return null;
    }
  }
}

/** A value of no known type must stay a 64-bit machine value: past that, C has no such number. */
function inRange(v: bigint, e: Expr): bigint {
  if (!within64(v)) throw new EvalStop(`\`${exprText(e)}\` overflows 64 bits`);
  return v;
}

/** `==` on two integers: compared in their common type when both types are known (`-1 == 0xffffffffU`). */
function sameValue(l: bigint, lt: IntType | null, r: bigint, rt: IntType | null): boolean {
  if (lt && rt) {
    const c = common(lt, rt);
    return wrap(l, c) === wrap(r, c);
  }
  return l === r;
}

/**
 * A binary operator on two integers. With both operand types known, C's way: converted to their common
 * type (for shifts, the left operand's promoted type), computed, wrapped. Otherwise exactly, as long as
 * the result stays a 64-bit value. A shift by a negative count or by the width or more stops: undefined.
 */
function arithmetic(op: string, l: bigint, lt: IntType | null, r: bigint, rt: IntType | null, e: Expr): bigint {
  if (op === '<<' || op === '>>') {
    const width = lt ? promote(lt).bits : 64;
    if (r < 0n || r >= BigInt(width))
      throw new EvalStop(
        `\`${exprText(e)}\` shifts by ${r}, ${r < 0n ? 'a negative count' : `at least the width of ${lt ? promote(lt).name : 'a 64-bit value'}`}: undefined behaviour`,
      );
    const v = binary(op, lt ? wrap(l, promote(lt)) : l, r, e);
    return lt ? wrap(v, promote(lt)) : inRange(v, e);
  }
  if (lt && rt) {
    const c = common(lt, rt);
    const v = binary(op, wrap(l, c), wrap(r, c), e);
    return ['<', '<=', '>', '>='].includes(op) ? v : wrap(v, c);
  }
  return inRange(binary(op, l, r, e), e);
}

/** A `break`, `continue` or `return` that leaves the code it may leave is no C: the run stops, saying so. */
function stray(signal: unknown): unknown {
  if (signal instanceof Break) return new EvalStop('`break` outside a loop or switch');
  if (signal instanceof Continue) return new EvalStop('`continue` outside a loop');
  if (signal instanceof Return) return new EvalStop('`return` outside a function');
  if (signal instanceof Goto) return new EvalStop(`goto ${signal.label}: no such label`);
  return signal;
}

function binary(op: string, l: bigint, r: bigint, e: Expr): bigint {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      if (r === 0n) throw new EvalStop(`\`${exprText(e)}\` divides by zero`);
      return l / r;
    case '%':
      if (r === 0n) throw new EvalStop(`\`${exprText(e)}\` divides by zero`);
      return l % r;
    case '<<':
      return l << r;
    case '>>':
      return l >> r;
    case '&':
      return l & r;
    case '|':
      return l | r;
    case '^':
      return l ^ r;
    case '<':
      return l < r ? 1n : 0n;
    case '<=':
      return l <= r ? 1n : 0n;
    case '>':
      return l > r ? 1n : 0n;
    case '>=':
      return l >= r ? 1n : 0n;
    default:
      throw new EvalStop(`the operator ${op} is not supported`);
  }
}
