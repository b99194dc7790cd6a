import { InternalError, NotSupportedError } from '../../../engine/errors/errors.js';
import type { MergeOp } from '../../../engine/functions/function.js';
import { stateKeyFromText, stateKeyValues } from '../../../engine/state/state-key.js';
import type { StateBatchResult, StateRow } from '../../../engine/state/state-store.js';

/**
 * The text a state row is kept as in Redis (`StateKeys.rows` values): a JSON array
 * `[eventTimeUs|null, buffer1, ...]`. Numbers are written exactly (shortest round-trip form);
 * non-finite doubles, which JSON lacks, are objects `{"n":"Infinity"}`, `{"n":"-Infinity"}`,
 * `{"n":"NaN"}`.
 */
export function encodeRowValue(eventTimeUs: number | null, buffers: readonly unknown[], ops: readonly MergeOp[]): string {
  let text = `[${eventTimeUs === null ? 'null' : encodeNumber(eventTimeUs)}`;
  for (let i = 0; i < ops.length; i++) text += `,${encodeSlot(buffers[i], ops[i] as MergeOp)}`;
  return `${text}]`;
}

/** A finite number as exact decimal text (for ARGV and JSON); `-0` keeps its sign. */
export function encodeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new InternalError(`state event time must be finite, got ${n}`);
  return Object.is(n, -0) ? '-0' : String(n);
}

const LONE_SURROGATE = /\p{Surrogate}/u;
const LONE_SURROGATE_ALL = /\p{Surrogate}/gu;

/**
 * The row as Redis will hold it: strings with lone surrogates get U+FFFD (Redis strings are UTF-8,
 * as Spark's are). Applied to incoming rows before merging, so the worker's copy of a partition
 * equals what Redis holds. Returns the row itself when nothing changes.
 */
export function asStored(row: StateRow): StateRow {
  let buffers: unknown[] | undefined;
  for (let i = 0; i < row.buffers.length; i++) {
    const v = row.buffers[i];
    if (typeof v === 'string' && LONE_SURROGATE.test(v)) (buffers ??= [...row.buffers])[i] = v.replace(LONE_SURROGATE_ALL, '\uFFFD');
  }
  return buffers ? { ...row, buffers } : row;
}

/** One buffer slot's text in a row value (see `encodeRowValue`). */
export function encodeSlot(v: unknown, op: MergeOp): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'number':
      if (Number.isFinite(v)) return Object.is(v, -0) ? '-0' : String(v);
      return Number.isNaN(v) ? '{"n":"NaN"}' : v > 0 ? '{"n":"Infinity"}' : '{"n":"-Infinity"}';
    case 'string':
      if (op === 'sum') break;
      // Redis strings are UTF-8: as in Spark, lone surrogates become U+FFFD (see asStored).
      return JSON.stringify(LONE_SURROGATE.test(v) ? v.replace(LONE_SURROGATE_ALL, '\uFFFD') : v);
    case 'boolean':
      if (op === 'sum') break;
      return v ? 'true' : 'false';
    default:
      throw new NotSupportedError(
        `Aggregation buffers holding ${describe(v)} values cannot be kept in Redis state (only numbers, strings and booleans).`,
      );
  }
  throw new InternalError(`a '${op}' buffer slot holds a ${typeof v}`);
}

function describe(v: unknown): string {
  if (typeof v !== 'object' || v === null) return typeof v;
  return Array.isArray(v) ? 'array' : v.constructor.name;
}

/** Decodes a row (a rows hash field and value, as `encodeRowValue` wrote it), with its grouping values. */
export function decodeRowValue(key: string, text: string): StateRow {
  const id = stateKeyFromText(key);
  const value = JSON.parse(text) as unknown[];
  return { ...id, eventTimeUs: (value[0] ?? null) as number | null, buffers: decodeBuffers(value), keyValues: stateKeyValues(id) };
}

/** A row value's event time and buffers (a worker's copy of its partition decodes grouping values only when it emits them). */
export function decodeValue(text: string): { readonly eventTimeUs: number | null; readonly buffers: unknown[] } {
  const value = JSON.parse(text) as unknown[];
  return { eventTimeUs: (value[0] ?? null) as number | null, buffers: decodeBuffers(value) };
}

function decodeBuffers(value: readonly unknown[]): unknown[] {
  const buffers = value.slice(1);
  for (let i = 0; i < buffers.length; i++) {
    const b = buffers[i];
    if (typeof b === 'object' && b !== null) buffers[i] = special(b);
  }
  return buffers;
}

function special(b: object): number {
  switch ((b as { n?: unknown }).n) {
    case 'Infinity':
      return Infinity;
    case '-Infinity':
      return -Infinity;
    case 'NaN':
      return NaN;
    default:
      throw new InternalError(`unexpected value in Redis state: ${JSON.stringify(b)}`);
  }
}

/**
 * The recorded output of a batch (`StateKeys.output`): `[batchId, numRowsTotal, numRowsUpdated,
 * numRowsRemoved, numRowsDroppedByWatermark, memoryUsedBytes, [key1, rowValue1, ...]]`, where the
 * row list is a JSON array of strings: each grouping key's text and its row value's text, exactly
 * as the rows hash holds them (the apply script appends the list it was sent to this head).
 */
export function payloadHead(batchId: number, r: Omit<StateBatchResult, 'rows' | 'replayed'>): string {
  return `[${batchId},${r.numRowsTotal},${r.numRowsUpdated},${r.numRowsRemoved},${r.numRowsDroppedByWatermark},${r.memoryUsedBytes},`;
}

export function decodePayload(text: string, replayed: boolean): { readonly batchId: number; readonly result: StateBatchResult } {
  const p = JSON.parse(text) as [number, number, number, number, number, number, string[]];
  const flat = p[6];
  const rows: StateRow[] = new Array<StateRow>(flat.length / 2);
  for (let i = 0, j = 0; i + 1 < flat.length; i += 2, j++) rows[j] = decodeRowValue(flat[i] as string, flat[i + 1] as string);
  return {
    batchId: p[0],
    result: {
      rows,
      numRowsTotal: p[1],
      numRowsUpdated: p[2],
      numRowsRemoved: p[3],
      numRowsDroppedByWatermark: p[4],
      memoryUsedBytes: p[5],
      replayed,
    },
  };
}
