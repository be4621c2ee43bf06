/** @file A count with its noun, for messages: `1 file`, `3 files`, `2 of them differ`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
