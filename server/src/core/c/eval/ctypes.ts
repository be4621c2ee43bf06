/**
 * @file C integer types as the kernel's compilers give them on a 64-bit target (LP64: int 32 bits, long 64,
 * char signed on x86): widths and signedness from declared type names, the integer promotions, the usual
 * arithmetic conversions, wrapping a value into a type, and the type of a literal. The evaluator uses them
 * so `u8` wraps at 256, `-1 < 0U` is false and a shift past the width stops as undefined behaviour.
 * Signed overflow wraps: the kernel builds with -fno-strict-overflow.
 */

export interface IntType {
  name: string;
  bits: number;
  signed: boolean;
  /** `bool`: any non-zero value stored becomes 1. */
  bool?: true;
}

const t = (name: string, bits: number, signed: boolean): IntType => ({ name, bits, signed });

export const BOOL: IntType = { name: 'bool', bits: 8, signed: false, bool: true };
export const INT = t('int', 32, true);
export const UINT = t('unsigned int', 32, false);
export const LONG = t('long', 64, true);
export const ULONG = t('unsigned long', 64, false);

/** Type names as written (after qualifiers are dropped and spaces normalised), to their type. */
const NAMED = new Map<string, IntType>();
const add = (type: IntType, ...names: string[]): void => names.forEach((n) => NAMED.set(n, type));
add(BOOL, 'bool', '_Bool');
add(t('s8', 8, true), 's8', '__s8', 'int8_t', 'char', 'signed char');
add(t('u8', 8, false), 'u8', '__u8', 'uint8_t', 'unsigned char', 'u_char', 'u_int8_t');
add(t('s16', 16, true), 's16', '__s16', 'int16_t', 'short', 'short int', 'signed short', 'signed short int');
add(t('u16', 16, false), 'u16', '__u16', 'uint16_t', 'unsigned short', 'unsigned short int', '__le16', '__be16', 'u_short', 'u_int16_t');
add(INT, 'int', 'signed', 'signed int', 's32', '__s32', 'int32_t', 'pid_t', 'atomic_t');
add(
  UINT,
  'unsigned',
  'unsigned int',
  'u32',
  '__u32',
  'uint32_t',
  '__le32',
  '__be32',
  'gfp_t',
  'fmode_t',
  'u_int',
  'u_int32_t',
  'uint',
  'dev_t',
  'uid_t',
  'gid_t',
);
add(
  LONG,
  'long',
  'long int',
  'signed long',
  'signed long int',
  'long long',
  'long long int',
  'signed long long',
  's64',
  '__s64',
  'int64_t',
  'ssize_t',
  'loff_t',
  'ptrdiff_t',
  'intptr_t',
  'time64_t',
  'ktime_t',
  'atomic64_t',
  'atomic_long_t',
);
add(
  ULONG,
  'unsigned long',
  'unsigned long int',
  'unsigned long long',
  'unsigned long long int',
  'u64',
  '__u64',
  'uint64_t',
  'size_t',
  'pgoff_t',
  'phys_addr_t',
  'dma_addr_t',
  'resource_size_t',
  'sector_t',
  'blkcnt_t',
  'uintptr_t',
  'ulong',
  '__le64',
  '__be64',
  'u_int64_t',
  'pfn_t',
  'pteval_t',
  'pmdval_t',
  'pudval_t',
  'p4dval_t',
  'pgdval_t',
  'vm_flags_t',
);

/**
 * The integer type a declaration's type names (`const u32`, `unsigned long`, `enum zone_type`), or null
 * when it is not an integer type the table knows (a pointer, a struct, an unknown typedef).
 */
export function intType(text: string | null | undefined): IntType | null {
  if (!text || text.includes('*') || text.includes('[')) return null;
  const plain = text
    .replace(/\b(?:const|volatile|static|register|extern|inline|__always_unused|__maybe_unused|__read_mostly|__unused)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (/^enum\b/.test(plain)) return INT;
  return NAMED.get(plain) ?? null;
}

/** The value `v` takes when stored in `type` (two's complement, modulo 2^bits). */
export function wrap(v: bigint, type: IntType): bigint {
  if (type.bool) return v !== 0n ? 1n : 0n;
  return type.signed ? BigInt.asIntN(type.bits, v) : BigInt.asUintN(type.bits, v);
}

/** The integer promotions: anything narrower than int becomes int. */
export function promote(type: IntType): IntType {
  return type.bits < 32 ? INT : type;
}

/** The usual arithmetic conversions for two promoted operands: the wider wins; at equal width, unsigned. */
export function common(a: IntType, b: IntType): IntType {
  const pa = promote(a);
  const pb = promote(b);
  if (pa.bits !== pb.bits) return pa.bits > pb.bits ? pa : pb;
  if (pa.signed === pb.signed) return pa;
  return pa.signed ? pb : pa;
}

/** Whether `v` is a value of `type` (no wrap needed). */
export function fits(v: bigint, type: IntType): boolean {
  return wrap(v, type) === v;
}

/**
 * The type of an integer literal (C11 6.4.4.1): the first of int, long (then their unsigned forms for hex
 * and octal, or with a `u` suffix) that holds the value; `l`/`ll` start at long.
 */
export function literalType(text: string, value: bigint): IntType {
  const suffix = /[uUlL]*$/.exec(text)?.[0].toLowerCase() ?? '';
  const unsigned = suffix.includes('u');
  const long = suffix.includes('l');
  const decimal = /^[-+]?[1-9]|^[-+]?0$/.test(text) && !/^[-+]?0[xXbB0-7]/.test(text.replace(/^[-+]?0$/, ''));
  const candidates = unsigned ? (long ? [ULONG] : [UINT, ULONG]) : long ? (decimal ? [LONG] : [LONG, ULONG]) : decimal ? [INT, LONG] : [INT, UINT, LONG, ULONG];
  return candidates.find((c) => fits(value < 0n ? -value : value, c)) ?? ULONG;
}

/** The values a 64-bit machine's integers can hold, signed or not: a value outside it overflows every type. */
export function within64(v: bigint): boolean {
  return v >= -(1n << 63n) && v < 1n << 64n;
}
