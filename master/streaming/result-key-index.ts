import type { Vector } from '../../engine/batch/vector.js';
import { keyPartText } from '../../engine/state/key-text.js';
import type { DataType } from '../../engine/types/data-type.js';

/** Nested maps, one level per key part, down to the row's position. */
type KeyIndex = Map<unknown, KeyIndex | number>;

/**
 * The keys sharing a first part, newest last: flat `[part 1, …, part R, position]` runs, at most
 * `FLAT_LIMIT` (a word's recent windows). A new key past that moves the oldest one to the shared
 * overflow index (`spilled`): a sliding window's word meets a new window every slide and never
 * loses one in complete mode, and per-word maps of old windows would cost far more memory than
 * one shared map per window.
 */
interface Bucket {
  readonly flat: unknown[];
  spilled: boolean;
}

const FLAT_LIMIT = 16;

/** One part of a key: which grouping column it reads and what of the value identifies it. */
interface Part {
  readonly column: number;
  readonly of: (v: unknown) => unknown;
}

/** What a part of a null struct is, at every field: no field value is this symbol. */
const NULL_STRUCT = Symbol('null struct');
/** No row looked up yet. */
const NONE = Symbol('none');

/**
 * The row position of each grouping key of a complete-mode result (`CompleteResult`), found by
 * the grouping values themselves, not a text per row. A key is cut into parts (a flat struct gives
 * one per field) and indexed by the LAST grouping column first: the aggregate's output comes
 * key-major by it (a word's windows together, as the state store and the shuffle keep them), so a
 * run of rows with the same first part is looked up in the big map once, and the few keys under it
 * (the word's recent windows) are compared in a flat list (see `Bucket`). Parts compare as Map keys do (SameValueZero:
 * NaN equals NaN, -0 equals 0), which is how Spark groups.
 */
export class ResultKeyIndex {
  private readonly parts: readonly Part[];
  private readonly rest: number;
  private readonly first = new Map<unknown, Bucket | number>();
  /** Keys moved out of their bucket, by parts 1…R then the first (a window, then its words). */
  private readonly overflow: KeyIndex = new Map();
  private readonly key: unknown[];
  private prevFirst: unknown = NONE;
  private prevNode: Bucket | number | undefined;
  private count = 0;

  constructor(keyTypes: readonly DataType[]) {
    const last = keyTypes.length - 1;
    const columns = last < 0 ? [] : [last, ...Array.from({ length: last }, (_, c) => c)];
    this.parts = columns.flatMap((column) => partsOf(keyTypes[column] as DataType).map((of) => ({ column, of })));
    this.rest = Math.max(0, this.parts.length - 1);
    this.key = new Array<unknown>(this.parts.length);
  }

  /** Keys held; a new key's position is the count before it came. */
  get size(): number {
    return this.count;
  }

  /** The position of row `i`'s key (its grouping columns in `columns`), a new one if the key is new. */
  positionOf(columns: readonly Vector[], i: number): number {
    const parts = this.parts;
    const key = this.key;
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k] as Part;
      const v = columns[p.column] as Vector;
      key[k] = p.of(v.kind === 'values' ? v.values[i] : v.value);
    }
    const k0 = key[0];
    let node: Bucket | number | undefined;
    if (sameValueZero(k0, this.prevFirst)) node = this.prevNode;
    else {
      node = this.first.get(k0);
      if (node === undefined) {
        node = this.rest === 0 ? this.count++ : { flat: [], spilled: false };
        this.first.set(k0, node);
        if (this.rest === 0) return node as number;
      }
      this.prevFirst = k0;
      this.prevNode = node;
    }
    return typeof node === 'number' ? node : this.inBucket(node as Bucket, k0);
  }

  private inBucket(bucket: Bucket, k0: unknown): number {
    const key = this.key;
    const r = this.rest;
    const stride = r + 1;
    const flat = bucket.flat;
    for (let e = 0; e < flat.length; e += stride) {
      let k = 1;
      for (; k <= r; k++) {
        const a = flat[e + k - 1];
        const b = key[k];
        if (a !== b && (a === a || b === b)) break;
      }
      if (k > r) return flat[e + r] as number;
    }
    if (bucket.spilled) {
      const held = this.overflowGet(k0);
      if (held !== undefined) return held;
    }
    if (flat.length >= FLAT_LIMIT * stride) {
      this.overflowSet(flat, k0);
      flat.splice(0, stride);
      bucket.spilled = true;
    }
    for (let k = 1; k <= r; k++) flat.push(key[k]);
    const pos = this.count++;
    flat.push(pos);
    return pos;
  }

  private overflowGet(k0: unknown): number | undefined {
    const key = this.key;
    let map: KeyIndex | undefined = this.overflow;
    for (let k = 1; k <= this.rest && map !== undefined; k++) map = map.get(key[k]) as KeyIndex | undefined;
    return map?.get(k0) as number | undefined;
  }

  /** Moves the bucket's oldest key (its first entry) to the overflow index. */
  private overflowSet(flat: readonly unknown[], k0: unknown): void {
    let map = this.overflow;
    for (let k = 0; k < this.rest; k++) {
      let next = map.get(flat[k]) as KeyIndex | undefined;
      if (next === undefined) map.set(flat[k], (next = new Map()));
      map = next;
    }
    map.set(k0, flat[this.rest] as number);
  }
}

function sameValueZero(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b);
}

/**
 * The parts of a grouping value: a primitive as it is; a struct of primitive fields one part per
 * field (a null struct is `NULL_STRUCT` at each); other composites their JSON text (written by the
 * type's direct encoder).
 */
function partsOf(type: DataType): ((v: unknown) => unknown)[] {
  switch (type.kind) {
    case 'struct':
      if (type.fields.length > 0 && type.fields.every((f) => !isComposite(f.type))) {
        return type.fields.map((_, f) => (v: unknown) => (v === undefined || v === null ? NULL_STRUCT : ((v as readonly unknown[])[f] ?? null)));
      }
      return [textPart(type)];
    case 'array':
    case 'map':
    case 'binary':
      return [textPart(type)];
    default:
      return [(v) => (v === undefined ? null : v)];
  }
}

function isComposite(type: DataType): boolean {
  return type.kind === 'struct' || type.kind === 'array' || type.kind === 'map' || type.kind === 'binary';
}

function textPart(type: DataType): (v: unknown) => unknown {
  const text = keyPartText(type);
  return (v) => (v === undefined || v === null ? null : text(v));
}
