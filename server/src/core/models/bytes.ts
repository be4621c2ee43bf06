/** @file Byte counts as a reader writes them: exact (`4 MiB + 16 KiB`) or rounded (`19.1 KiB`). */

/** `4 MiB + 16 KiB`, `8 KiB`, `1 GiB`. */
export function formatBytes(b: bigint): string {
  if (b === 0n) return '0';
  const parts: string[] = [];
  let rest = b < 0n ? -b : b;
  for (const [unit, size] of [
    ['TiB', 1n << 40n],
    ['GiB', 1n << 30n],
    ['MiB', 1n << 20n],
    ['KiB', 1n << 10n],
  ] as const) {
    if (rest >= size) {
      parts.push(`${rest / size} ${unit}`);
      rest %= size;
    }
  }
  if (rest) parts.push(`${rest} bytes`);
  return (b < 0n ? '-' : '') + parts.join(' + ');
}

/** A size rounded for a message: `1.0 MiB`, `19.1 KiB`, `12 bytes`. */
export function formatSize(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
