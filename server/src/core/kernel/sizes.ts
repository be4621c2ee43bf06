/** @file Sizes the kernel names: the `SZ_*` constants of include/linux/sizes.h. */

/** The `SZ_*` constants of the kernel's include/linux/sizes.h: SZ_1 … SZ_1K … SZ_1G … SZ_64T. */
export const KERNEL_SIZES: ReadonlyMap<string, bigint> = new Map(
  Array.from({ length: 47 }, (_, k): [string, bigint] => {
    const unit = k >= 40 ? 'T' : k >= 30 ? 'G' : k >= 20 ? 'M' : k >= 10 ? 'K' : '';
    const scaled = 1n << BigInt(k % 10);
    return [`SZ_${scaled}${unit}`, 1n << BigInt(k)];
  }),
);
