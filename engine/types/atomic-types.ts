import type { AtomicKind } from './data-type.js';

/**
 * Every atomic data type's names and traits in one table: the switches that name types (simple
 * strings, SQL, JSON, DDL keywords, statistics sizes, numeric families) read it instead of listing
 * the kinds again, and `satisfies Record<AtomicKind, ...>` makes a new kind fail to compile until
 * its row is written.
 */

/**
 * What a kind's values are and how they are held (see DataType): integral and fractional kinds
 * are numbers, dates days since the epoch, timestamps µs since the epoch, binary Uint8Array.
 */
export type AtomicFamily = 'null' | 'boolean' | 'integral' | 'fractional' | 'string' | 'binary' | 'date' | 'timestamp';

export interface AtomicTypeInfo {
  /** Spark's `simpleString` (`bigint`, `int`, `void`). */
  readonly simpleString: string;
  /** Spark's `DataType.sql` (`BIGINT`, `INT`, `VOID`). */
  readonly sql: string;
  /** Spark's `typeName`, also the type's JSON form (`long`, `integer`, `void`). */
  readonly typeName: string;
  /** Other names Spark's JSON schemas use that read as this kind (Kindling's nearest type for `decimal`). */
  readonly jsonAliases: readonly string[];
  /** The DDL keywords (upper case) that name this kind without a size; `sql` among them. */
  readonly ddl: readonly string[];
  readonly family: AtomicFamily;
  /** Spark's `defaultSize` in bytes (statistics); for integral kinds also their width. */
  readonly defaultSize: number;
}

export const ATOMIC_TYPES = {
  null: { simpleString: 'void', sql: 'VOID', typeName: 'void', jsonAliases: ['null'], ddl: ['VOID'], family: 'null', defaultSize: 1 },
  boolean: { simpleString: 'boolean', sql: 'BOOLEAN', typeName: 'boolean', jsonAliases: [], ddl: ['BOOLEAN'], family: 'boolean', defaultSize: 1 },
  byte: { simpleString: 'tinyint', sql: 'TINYINT', typeName: 'byte', jsonAliases: [], ddl: ['TINYINT', 'BYTE'], family: 'integral', defaultSize: 1 },
  short: { simpleString: 'smallint', sql: 'SMALLINT', typeName: 'short', jsonAliases: [], ddl: ['SMALLINT', 'SHORT'], family: 'integral', defaultSize: 2 },
  integer: { simpleString: 'int', sql: 'INT', typeName: 'integer', jsonAliases: [], ddl: ['INT', 'INTEGER'], family: 'integral', defaultSize: 4 },
  long: { simpleString: 'bigint', sql: 'BIGINT', typeName: 'long', jsonAliases: [], ddl: ['BIGINT', 'LONG'], family: 'integral', defaultSize: 8 },
  float: { simpleString: 'float', sql: 'FLOAT', typeName: 'float', jsonAliases: [], ddl: ['FLOAT', 'REAL'], family: 'fractional', defaultSize: 4 },
  double: { simpleString: 'double', sql: 'DOUBLE', typeName: 'double', jsonAliases: ['decimal'], ddl: ['DOUBLE'], family: 'fractional', defaultSize: 8 },
  string: { simpleString: 'string', sql: 'STRING', typeName: 'string', jsonAliases: [], ddl: ['STRING'], family: 'string', defaultSize: 20 },
  binary: { simpleString: 'binary', sql: 'BINARY', typeName: 'binary', jsonAliases: [], ddl: ['BINARY'], family: 'binary', defaultSize: 100 },
  date: { simpleString: 'date', sql: 'DATE', typeName: 'date', jsonAliases: [], ddl: ['DATE'], family: 'date', defaultSize: 4 },
  timestamp: {
    simpleString: 'timestamp',
    sql: 'TIMESTAMP',
    typeName: 'timestamp',
    jsonAliases: ['timestamp_ltz'],
    ddl: ['TIMESTAMP', 'TIMESTAMP_LTZ'],
    family: 'timestamp',
    defaultSize: 8,
  },
  timestamp_ntz: {
    simpleString: 'timestamp_ntz',
    sql: 'TIMESTAMP_NTZ',
    typeName: 'timestamp_ntz',
    jsonAliases: [],
    ddl: ['TIMESTAMP_NTZ'],
    family: 'timestamp',
    defaultSize: 8,
  },
} as const satisfies Readonly<Record<AtomicKind, AtomicTypeInfo>>;

export const ATOMIC_KINDS = Object.freeze(Object.keys(ATOMIC_TYPES) as AtomicKind[]);

export function isAtomicKind(kind: string): kind is AtomicKind {
  return Object.hasOwn(ATOMIC_TYPES, kind);
}

/** The atomic kinds of one family, as a type: `KindsOf<'integral'>` is `'byte' | 'short' | 'integer' | 'long'`. */
export type KindsOf<F extends AtomicFamily> = {
  [K in AtomicKind]: (typeof ATOMIC_TYPES)[K]['family'] extends F ? K : never;
}[AtomicKind];

export type IntegralKind = KindsOf<'integral'>;

export function isIntegralKind(kind: string): kind is IntegralKind {
  return isAtomicKind(kind) && ATOMIC_TYPES[kind].family === 'integral';
}

function integralBits(kind: IntegralKind): number {
  return 8 * ATOMIC_TYPES[kind].defaultSize;
}

/** The smallest and largest value of an integral kind (as doubles: the long bounds round to ±2^63). */
export function integralRange(kind: IntegralKind): readonly [number, number] {
  const half = 2 ** (integralBits(kind) - 1);
  return [-half, half - 1];
}

/** Whether `x` fits `kind`; 2^63 itself rounds onto the long bound as a double, so that check is strict. */
export function fitsIntegral(kind: IntegralKind, x: number): boolean {
  const bits = integralBits(kind);
  const [lo, hi] = integralRange(kind);
  return bits === 64 ? x >= lo && x < 2 ** 63 : x >= lo && x <= hi;
}

/** Java's two's complement narrowing of an integral value (`(byte) x`, `(int) x`, 64-bit wrap). */
export function wrapIntegral(kind: IntegralKind, x: number): number {
  const bits = integralBits(kind);
  if (bits === 64) return Number(BigInt.asIntN(64, BigInt(Math.trunc(x))));
  const shift = 32 - bits;
  return (x << shift) >> shift;
}
