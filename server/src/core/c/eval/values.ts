/**
 * @file Copies and fingerprints of the values an evaluator works on. Models that explore sequences of
 * events copy the world before each event (objects point at each other, in cycles) and recognise a
 * world they have seen by its fingerprint, whatever the objects' identities.
 */
import { isObj, isZeroedArray, markZeroedArray, type Obj, type Value } from './eval';

/** Copies object graphs; objects reached twice, from one copier, are copied once. */
export class GraphCopier {
  private readonly seen = new Map<Obj, Obj>();

  value<T extends Value>(v: T): T {
    if (Array.isArray(v)) {
      const copy = v.map((x) => this.value(x));
      if (isZeroedArray(v)) markZeroedArray(copy);
      return copy as T;
    }
    if (isObj(v)) return this.obj(v) as T;
    // Numbers, NULL, unknown, error pointers and references are immutable here.
    return v;
  }

  obj(o: Obj): Obj {
    let c = this.seen.get(o);
    if (c) return c;
    c = { kind: 'obj', fields: new Map(), label: o.label, zeroed: o.zeroed };
    this.seen.set(o, c);
    for (const [k, v] of o.fields) c.fields.set(k, this.value(v));
    return c;
  }
}

/**
 * A string equal for two graphs exactly when they hold the same values in the same shape: fields in
 * name order, an object met again written as a back-reference by the order it was first met, and a
 * zeroed struct's 0 fields left out (written or not, they read the same). `relevant` leaves out fields
 * nothing ever reads (they cannot change what happens next).
 */
export function fingerprint(roots: Value[], relevant?: (field: string) => boolean): string {
  const ids = new Map<Obj, number>();
  let out = '';
  const walk = (v: Value): void => {
    if (typeof v === 'bigint') out += String(v);
    else if (v === null) out += 'null';
    else if (Array.isArray(v)) {
      out += '[';
      for (const x of v) walk(x);
      out += ']';
    } else if (isObj(v)) {
      const id = ids.get(v);
      if (id !== undefined) {
        out += `@${id}`;
        return;
      }
      ids.set(v, ids.size);
      out += '{';
      const keys = v.fields.size > 1 ? [...v.fields.keys()].sort() : v.fields.keys();
      for (const k of keys) {
        const x = v.fields.get(k)!;
        // In a zeroed struct, a field set to 0 reads as one never written.
        if ((v.zeroed && x === 0n) || (relevant && !relevant(k))) continue;
        out += k + ':';
        walk(x);
        out += ',';
      }
      out += '}';
    } else if (v.kind === 'errptr') out += `err${v.code}`;
    else out += v.kind;
  };
  for (const r of roots) {
    walk(r);
    out += ';';
  }
  return out;
}
