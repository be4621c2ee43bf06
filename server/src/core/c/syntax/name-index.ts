/**
 * @file Which images name what (called, declared or defined, from their lexical scans), kept across the
 * analyses of one document: each analysis hands it the images it has, and only the images that came or
 * went since the last one are indexed or taken out. Rules ask which images name a function hundreds of
 * times per analysis of a long series; the series config asks for every name; neither walks every image.
 */
import type { Image } from './image';

export class NameIndex {
  private readonly byName = new Map<string, Set<Image>>();
  /** The images indexed, with the names each was indexed under. */
  private images = new Map<Image, ReadonlySet<string>>();

  /** Makes the index hold exactly these images (each with its scan's names). */
  update(current: Iterable<readonly [Image, ReadonlySet<string>]>): void {
    const next = new Map<Image, ReadonlySet<string>>();
    for (const [image, names] of current) {
      if (next.has(image)) continue;
      next.set(image, names);
      if (this.images.has(image)) continue;
      for (const n of names) {
        const set = this.byName.get(n);
        if (set) set.add(image);
        else this.byName.set(n, new Set([image]));
      }
    }
    for (const [image, names] of this.images) {
      if (next.has(image)) continue;
      for (const n of names) {
        const set = this.byName.get(n);
        if (!set) continue;
        set.delete(image);
        if (!set.size) this.byName.delete(n);
      }
    }
    this.images = next;
  }

  /** The images that name `name`, in no particular order. */
  imagesNaming(name: string): ReadonlySet<Image> | undefined {
    return this.byName.get(name);
  }

  /** Whether any image names `name`. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Every name some image has. */
  [Symbol.iterator](): IterableIterator<string> {
    return this.byName.keys();
  }
}
