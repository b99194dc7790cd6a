import type { DataType } from '../types/data-type.js';

/**
 * Spark's Murmur3_x86_32 over values, variant by variant per type (the legacy byte tail
 * included), as SQL's `hash()` and the hash partitioner compute it.
 */

/** Spark SQL's `hash(col, ...)`: Murmur3 over the values with seed 42. */
export function sparkHash(values: readonly unknown[], types: readonly DataType[]): number {
  let h = 42;
  for (let i = 0; i < values.length; i++) h = hashValue(values[i], types[i] as DataType, h);
  return h;
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mixK1(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

function mixH1(h: number, k: number): number {
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

export function hashInt(v: number, seed: number): number {
  return fmix(mixH1(seed, mixK1(v | 0)), 4);
}

export function hashLong(v: number | bigint, seed: number): number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    // The two 32-bit halves of the 64-bit two's complement, without BigInt: ToInt32 takes the low
    // word of any integer, and floor division by 2^32 is the arithmetic shift for the high word.
    let h = mixH1(seed, mixK1(v | 0));
    h = mixH1(h, mixK1(Math.floor(v / 4294967296) | 0));
    return fmix(h, 8);
  }
  const big = BigInt.asIntN(64, typeof v === 'bigint' ? v : BigInt(Math.trunc(v)));
  const low = Number(BigInt.asIntN(32, big));
  const high = Number(BigInt.asIntN(32, big >> 32n));
  let h = mixH1(seed, mixK1(low));
  h = mixH1(h, mixK1(high));
  return fmix(h, 8);
}

/** Spark's legacy `hashUnsafeBytes`: 4-byte words, then each trailing byte (sign-extended) as a block. */
export function hashBytes(bytes: Uint8Array, seed: number): number {
  const aligned = bytes.length - (bytes.length % 4);
  let h = seed;
  for (let i = 0; i < aligned; i += 4) {
    const word =
      (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24);
    h = mixH1(h, mixK1(word));
  }
  for (let i = aligned; i < bytes.length; i++) {
    const signed = ((bytes[i] as number) << 24) >> 24;
    h = mixH1(h, mixK1(signed));
  }
  return fmix(h, bytes.length);
}

/**
 * `hashBytes(utf8(s))` without allocating the bytes: code units are encoded to UTF-8 on the fly
 * (lone surrogates as U+FFFD, as TextEncoder does).
 */
export function hashUtf8(s: string, seed: number): number {
  let h = seed;
  let word = 0;
  let filled = 0;
  let length = 0;
  const put = (byte: number): void => {
    word |= byte << (filled * 8);
    length++;
    if (++filled === 4) {
      h = mixH1(h, mixK1(word));
      word = 0;
      filled = 0;
    }
  };
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) put(c);
    else if (c < 0x800) {
      put(0xc0 | (c >> 6));
      put(0x80 | (c & 0x3f));
    } else {
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          put(0xf0 | (cp >> 18));
          put(0x80 | ((cp >> 12) & 0x3f));
          put(0x80 | ((cp >> 6) & 0x3f));
          put(0x80 | (cp & 0x3f));
          continue;
        }
      }
      if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
      put(0xe0 | (c >> 12));
      put(0x80 | ((c >> 6) & 0x3f));
      put(0x80 | (c & 0x3f));
    }
  }
  // Trailing bytes: each one, sign-extended, mixed as a block of its own (Spark's legacy variant).
  for (let k = 0; k < filled; k++) {
    const byte = (word >>> (k * 8)) & 0xff;
    h = mixH1(h, mixK1((byte << 24) >> 24));
  }
  return fmix(h, length);
}

const f64 = new Float64Array(1);
const f64AsBig = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const f32AsInt = new Int32Array(f32.buffer);

/** Mixes one value of type `t` into `seed`, as Spark's `Murmur3Hash` does (nulls leave the seed as is). */
export function hashValue(v: unknown, t: DataType, seed: number): number {
  if (v === null || v === undefined) return seed;
  switch (t.kind) {
    case 'boolean':
      return hashInt(v ? 1 : 0, seed);
    case 'byte':
    case 'short':
    case 'integer':
    case 'date':
      return hashInt(v as number, seed);
    case 'long':
    case 'timestamp':
    case 'timestamp_ntz':
      return hashLong(v as number, seed);
    case 'float': {
      f32[0] = (v as number) === 0 ? 0 : (v as number);
      return hashInt(f32AsInt[0] as number, seed);
    }
    case 'double': {
      f64[0] = (v as number) === 0 ? 0 : (v as number);
      return hashLong(f64AsBig[0] as bigint, seed);
    }
    case 'string':
      return hashUtf8(v as string, seed);
    case 'binary':
      return hashBytes(v as Uint8Array, seed);
    case 'struct': {
      let h = seed;
      const values = v as readonly unknown[];
      t.fields.forEach((f, i) => (h = hashValue(values[i], f.type, h)));
      return h;
    }
    case 'array': {
      let h = seed;
      for (const x of v as readonly unknown[]) h = hashValue(x, t.elementType, h);
      return h;
    }
    case 'map': {
      let h = seed;
      for (const [k, x] of v as ReadonlyMap<unknown, unknown>) {
        h = hashValue(k, t.keyType, h);
        h = hashValue(x, t.valueType, h);
      }
      return h;
    }
    case 'null':
      return seed;
    default: {
      const never: never = t;
      throw new Error(`cannot hash ${JSON.stringify(never)}`);
    }
  }
}
