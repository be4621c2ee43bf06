/** A KernelTree held in memory, for tests that need a few files written for them. */
import type { KernelTree } from '../../server/src/core/kernel/kernel-tree';

export class MemoryTree implements KernelTree {
  readonly root = '/trees/memory';
  searches = 0;
  constructor(
    private readonly files: Record<string, string>,
    private readonly unusable: string[] = [],
  ) {}
  problems(): string[] {
    return this.unusable;
  }
  filesNaming(names: readonly string[]): string[] {
    this.searches++;
    return Object.keys(this.files)
      .filter((p) => /\.[ch]$/.test(p) && names.some((n) => new RegExp(`\\b${n}\\b`).test(this.files[p])))
      .sort();
  }
  read(path: string): string | null {
    return this.files[path] ?? null;
  }
}
