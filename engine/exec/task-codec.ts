import { decodeArrowIpc, encodeArrowBatch } from '../arrow/index.js';
import { concatBatches, recordBatch, sliceBatch, type RecordBatch } from '../batch/record-batch.js';
import { InternalError } from '../errors/errors.js';
import type { Schema } from '../types/schema.js';
import { fromJson, toJson } from './json-codec.js';
import type { JobRef, MapTask, ReduceTask, ShuffleBlock } from './task.js';

/**
 * How tasks and rows cross the network between master and workers: task specs as JSON text (they
 * are small plain data), rows as Arrow IPC streams (typed and cheap to encode). Arrow carries no
 * Kindling metadata, so a receiver that knows the schema re-attaches it.
 */
const EMPTY = new Uint8Array();

/** The payload stays apart from the JSON spec: as it came, one buffer or parts to be written in order. */
export function encodeMapTask(task: MapTask): { specJson: string; payload: Uint8Array | readonly Uint8Array[] } {
  const { payload, payloadParts, ...split } = task.split;
  return { specJson: toJson({ ...task, split }), payload: payloadParts ?? payload ?? EMPTY };
}

export function decodeMapTask(specJson: string, payload: Uint8Array): MapTask {
  const task = fromJson<MapTask>(specJson);
  return payload.length > 0 ? { ...task, split: { ...task.split, payload } } : task;
}

export function encodeReduceTask(task: ReduceTask): string {
  return toJson(task);
}

export function decodeReduceTask(specJson: string): ReduceTask {
  return fromJson<ReduceTask>(specJson);
}

/** The time zone only matters for Arrow's timestamp annotation; values are UTC µs either way. */
export function encodeRows(batch: RecordBatch | undefined): Uint8Array {
  return batch ? encodeArrowBatch(batch, 'UTC') : EMPTY;
}

export function decodeRows(bytes: Uint8Array, schema?: Schema): RecordBatch | undefined {
  if (bytes.length === 0) return undefined;
  const b = decodeArrowIpc(bytes);
  return schema && schema.fields.length === b.columns.length ? recordBatch(schema, b.numRows, b.columns) : b;
}

export interface EncodedShuffleBlock {
  readonly jobJson: string;
  readonly mapTaskId: number;
  readonly partitionIds: readonly number[];
  readonly partitionRowCounts: readonly number[];
  /** Every partition's rows, one after another, as one Arrow IPC stream (one schema for all). */
  readonly rows: Uint8Array;
}

export function encodeShuffleBlock(block: ShuffleBlock): EncodedShuffleBlock {
  const parts = [...block.partitions];
  const schema = parts[0]?.[1].schema;
  return {
    jobJson: JSON.stringify(block.job),
    mapTaskId: block.mapTaskId,
    partitionIds: parts.map(([p]) => p),
    partitionRowCounts: parts.map(([, rows]) => rows.numRows),
    rows: schema ? encodeRows(concatBatches(schema, parts.map(([, rows]) => rows))) : EMPTY,
  };
}

export function decodeShuffleBlock(e: EncodedShuffleBlock): ShuffleBlock {
  const partitions = new Map<number, RecordBatch>();
  const all = decodeRows(e.rows);
  if (e.partitionIds.length !== e.partitionRowCounts.length) throw new InternalError('shuffle block: partition ids and row counts differ in length');
  let start = 0;
  e.partitionIds.forEach((p, i) => {
    const n = e.partitionRowCounts[i] ?? 0;
    if (all && start + n > all.numRows) throw new InternalError(`shuffle block: partition ${p} ends past the ${all.numRows} rows sent`);
    if (all) partitions.set(p, sliceBatch(all, start, start + n));
    start += n;
  });
  return { job: JSON.parse(e.jobJson) as JobRef, mapTaskId: e.mapTaskId, partitions };
}

export { toJson, fromJson };
