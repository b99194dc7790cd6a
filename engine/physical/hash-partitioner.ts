import type { DataType } from '../types/data-type.js';

/**
 * Spark's `HashPartitioning`: pmod(murmur3(key columns, seed 42), n), with Spark's Murmur3_x86_32
 * variants per type, so a key lands in the same partition number it would in Spark.
 */
export function partitionOf(values: readonly unknown[], types: readonly DataType[], numPartitions: number): number {
  let h = 42;
  for (let i = 0; i < values.length; i++) h = hashValue(values[i], types[i] as DataType, h);
  const m = h % numPartitions;
  return m < 0 ? m + numPartitions : m;
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const encoder = new TextEncoder();

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

const f64 = new Float64Array(1);
const f64AsBig = new BigInt64Array(f64.buffer);
const f32 = new Float32Array(1);
const f32AsInt = new Int32Array(f32.buffer);

function hashValue(v: unknown, t: DataType, seed: number): number {
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
      return hashBytes(encoder.encode(v as string), seed);
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
