/** A KernelTree held in memory, for tests that need a few files written for them. */
import type { KernelTree, PreImage, PreImageRequest } from '../../server/src/core/kernel/kernel-tree';

export class MemoryTree implements KernelTree {
  readonly root = '/trees/memory';
  searches = 0;
  constructor(
    private readonly files: Record<string, string>,
    private readonly unusable: string[] = [],
    /** What a host with git objects answers for these paths (others: the working file). */
    private readonly objects: Record<string, PreImage> | null = null,
  ) {}
  preImageRequests: PreImageRequest[][] = [];
  get preImages(): ((wanted: readonly PreImageRequest[]) => Map<string, PreImage>) | undefined {
    const objects = this.objects;
    if (!objects) return undefined;
    return (wanted) => {
      this.preImageRequests.push([...wanted]);
      return new Map(wanted.filter((w) => objects[w.path]).map((w) => [w.path, objects[w.path]]));
    };
  }
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
