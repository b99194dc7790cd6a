import { fromJson } from '../../engine/exec/task-codec.js';
import type { JobRef, MapTask, ReduceTask, TaskEnv } from '../../engine/exec/task.js';
import type { DataType } from '../../engine/types/data-type.js';
import { ATOMIC_KINDS } from '../../engine/types/atomic-types.js';

/**
 * Structural checks of what WorkerService receives, before anything runs: a message that fails
 * one is answered INVALID_ARGUMENT and never reaches the task runner. Deeper mistakes (an
 * operator's config) fail inside the task and come back as a task error; neither may crash the
 * worker. Messages name the field, never echo more than a short prefix of the input.
 */
export class InvalidMessageError extends Error {
  override readonly name = 'InvalidMessageError';
}

/** Limits a well-formed task from this master never comes near. */
const MAX_PARTITIONS = 1_000_000;
const MAX_OPS = 1_000;
const MAX_TYPE_DEPTH = 32;
const MAX_ID_CHARS = 256;

type Obj = Readonly<Record<string, unknown>>;

/** The first characters of untrusted text, for error messages. */
export function preview(text: string, max = 64): string {
  return text.length <= max ? text : `${text.slice(0, max)}... (${text.length} characters)`;
}

function fail(path: string, what: string): never {
  throw new InvalidMessageError(`${path} ${what}`);
}

function obj(v: unknown, path: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(path, 'must be an object');
  return v as Obj;
}

function str(v: unknown, path: string, allowEmpty = false, max = MAX_ID_CHARS): string {
  if (typeof v !== 'string') fail(path, 'must be a string');
  if (!allowEmpty && v === '') fail(path, 'must not be empty');
  if (v.length > max) fail(path, `must be at most ${max} characters`);
  return v;
}

function whole(v: unknown, path: string, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) fail(path, `must be a whole number from 0 to ${max}`);
  return v;
}

function finite(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, 'must be a finite number');
  return v;
}

function nullableFinite(v: unknown, path: string): void {
  if (v !== null) finite(v, path);
}

function bool(v: unknown, path: string): void {
  if (typeof v !== 'boolean') fail(path, 'must be true or false');
}

function array(v: unknown, path: string, max: number): readonly unknown[] {
  if (!Array.isArray(v)) fail(path, 'must be an array');
  if (v.length > max) fail(path, `must have at most ${max} entries`);
  return v;
}

function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(path, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

function dataType(v: unknown, path: string, depth = 0): void {
  if (depth > MAX_TYPE_DEPTH) fail(path, `nests deeper than ${MAX_TYPE_DEPTH} levels`);
  const t = obj(v, path);
  const kind = oneOf(t['kind'], `${path}.kind`, [...ATOMIC_KINDS, 'array', 'map', 'struct']) as DataType['kind'];
  switch (kind) {
    case 'array':
      dataType(t['elementType'], `${path}.elementType`, depth + 1);
      bool(t['containsNull'], `${path}.containsNull`);
      return;
    case 'map':
      dataType(t['keyType'], `${path}.keyType`, depth + 1);
      dataType(t['valueType'], `${path}.valueType`, depth + 1);
      bool(t['valueContainsNull'], `${path}.valueContainsNull`);
      return;
    case 'struct':
      array(t['fields'], `${path}.fields`, MAX_OPS).forEach((f, i) => {
        const field = obj(f, `${path}.fields[${i}]`);
        str(field['name'], `${path}.fields[${i}].name`, true, 4096);
        dataType(field['type'], `${path}.fields[${i}].type`, depth + 1);
        bool(field['nullable'], `${path}.fields[${i}].nullable`);
      });
      return;
    default:
      return;
  }
}

export function validateJob(v: unknown, path = 'job'): JobRef {
  const j = obj(v, path);
  str(j['queryId'], `${path}.queryId`);
  whole(j['batchId'], `${path}.batchId`);
  whole(j['run'], `${path}.run`);
  whole(j['attempt'], `${path}.attempt`);
  return j as unknown as JobRef;
}

function validateEnv(v: unknown, path: string): TaskEnv {
  const e = obj(v, path);
  finite(e['batchTimestampMs'], `${path}.batchTimestampMs`);
  str(e['timeZone'], `${path}.timeZone`);
  bool(e['ansi'], `${path}.ansi`);
  return e as unknown as TaskEnv;
}

function validateOps(v: unknown, path: string): void {
  array(v, path, MAX_OPS).forEach((op, i) => {
    const o = obj(op, `${path}[${i}]`);
    const name = str(o['name'], `${path}[${i}].name`);
    if (!('config' in o)) fail(`${path}[${i}].config`, 'is missing');
    validateLoopBounds(name, o['config'], `${path}[${i}].config`);
  });
}

/** Windows one row may fall into; Spark's own planner would make ceil(window / slide) of them. */
const MAX_WINDOWS_PER_ROW = 10_000;

/**
 * The operator settings that size a loop or an allocation: a damaged value there (a slide of 0.5
 * µs, a key count of 2^53) would keep the worker busy for hours instead of failing. Everything
 * else in a config fails inside the task if it is wrong.
 */
function validateLoopBounds(name: string, v: unknown, path: string): void {
  const c = obj(v, path);
  switch (name) {
    case 'TimeWindow':
    case 'PaneAggregate':
    case 'PaneExpand': {
      const windowUs = whole(c['windowUs'], `${path}.windowUs`);
      const slideUs = whole(c['slideUs'], `${path}.slideUs`);
      if (windowUs === 0 || slideUs === 0) fail(`${path}.windowUs`, 'and slideUs must be positive');
      if (Math.ceil(windowUs / slideUs) > MAX_WINDOWS_PER_ROW) fail(`${path}.windowUs`, `/ slideUs must be at most ${MAX_WINDOWS_PER_ROW}`);
      if (!Number.isSafeInteger(c['startUs'])) fail(`${path}.startUs`, 'must be a whole number');
      return;
    }
    case 'FinalAggregate':
    case 'StatefulAggregate':
      whole(c['keyCount'], `${path}.keyCount`, MAX_OPS);
      return;
    case 'SplitAggregate': {
      // The fused operators run as their own specs would: their bounds are checked the same way
      // (one level deep: only these operators can be fused, none of them holds others).
      array(c['between'], `${path}.between`, MAX_OPS).forEach((op, i) => fusedOp(op, `${path}.between[${i}]`, ['Project', 'EventTimeWatermark']));
      fusedOp(c['aggregate'], `${path}.aggregate`, ['PaneAggregate', 'PartialAggregate']);
      whole(c['column'], `${path}.column`, MAX_OPS);
      return;
    }
    case 'EventTimeWatermark':
      whole(c['column'], `${path}.column`, MAX_OPS);
      if (finite(c['delayMs'], `${path}.delayMs`) < 0) fail(`${path}.delayMs`, 'must not be negative');
      return;
    case 'Limit':
      if (!Number.isSafeInteger(c['limit'])) fail(`${path}.limit`, 'must be a whole number');
      whole(c['offset'], `${path}.offset`);
      return;
    default:
      return;
  }
}

function fusedOp(v: unknown, path: string, names: readonly string[]): void {
  const o = obj(v, path);
  const name = oneOf(o['name'], `${path}.name`, names);
  validateLoopBounds(name, o['config'], `${path}.config`);
}

/** Parses JSON text; a syntax error becomes an InvalidMessageError naming the field. */
export function parseJson(text: string, field: string): unknown {
  try {
    return fromJson<unknown>(text);
  } catch {
    return fail(field, `is not valid JSON: '${preview(text, 32)}'`);
  }
}

export function validateMapTask(v: unknown): MapTask {
  const t = obj(v, 'spec_json');
  validateJob(t['job'], 'spec_json.job');
  whole(t['taskId'], 'spec_json.taskId');
  const split = obj(t['split'], 'spec_json.split');
  str(split['reader'], 'spec_json.split.reader');
  if (!('config' in split)) fail('spec_json.split.config', 'is missing');
  if (split['numRows'] !== undefined) whole(split['numRows'], 'spec_json.split.numRows');
  validateOps(t['ops'], 'spec_json.ops');
  if (t['shuffle'] !== undefined) {
    const s = obj(t['shuffle'], 'spec_json.shuffle');
    array(s['keyTypes'], 'spec_json.shuffle.keyTypes', MAX_OPS).forEach((k, i) => dataType(k, `spec_json.shuffle.keyTypes[${i}]`));
    const n = whole(s['numPartitions'], 'spec_json.shuffle.numPartitions', MAX_PARTITIONS);
    if (n === 0) fail('spec_json.shuffle.numPartitions', 'must be at least 1');
    const owners = array(s['owners'], 'spec_json.shuffle.owners', MAX_PARTITIONS);
    if (owners.length !== n) fail('spec_json.shuffle.owners', `must name one owner per partition (${n})`);
    owners.forEach((o, i) => str(o, `spec_json.shuffle.owners[${i}]`));
    if (s['addresses'] !== undefined) {
      const a = obj(s['addresses'], 'spec_json.shuffle.addresses');
      for (const [id, address] of Object.entries(a)) str(address, `spec_json.shuffle.addresses[${preview(id, 32)}]`);
    }
  }
  validateEnv(t['env'], 'spec_json.env');
  return t as unknown as MapTask;
}

export function validateReduceTask(v: unknown): ReduceTask {
  const t = obj(v, 'spec_json');
  validateJob(t['job'], 'spec_json.job');
  const partitions = array(t['partitions'], 'spec_json.partitions', MAX_PARTITIONS);
  partitions.forEach((p, i) => whole(p, `spec_json.partitions[${i}]`, MAX_PARTITIONS));
  whole(t['numMapTasks'], 'spec_json.numMapTasks', MAX_PARTITIONS);
  validateOps(t['ops'], 'spec_json.ops');
  const s = obj(t['state'], 'spec_json.state');
  str(s['provider'], 'spec_json.state.provider');
  str(s['checkpoint'], 'spec_json.state.checkpoint', false, 4096);
  whole(s['operatorId'], 'spec_json.state.operatorId');
  nullableFinite(s['lateBeforeUs'], 'spec_json.state.lateBeforeUs');
  nullableFinite(s['evictBeforeUs'], 'spec_json.state.evictBeforeUs');
  oneOf(s['outputMode'], 'spec_json.state.outputMode', ['append', 'update', 'complete']);
  oneOf(s['emit'], 'spec_json.state.emit', ['updated', 'all', 'evicted']);
  const epochs = array(s['epochs'], 'spec_json.state.epochs', MAX_PARTITIONS);
  if (epochs.length !== partitions.length) fail('spec_json.state.epochs', 'must have one epoch per partition');
  epochs.forEach((e, i) => whole(e, `spec_json.state.epochs[${i}]`));
  validateEnv(t['env'], 'spec_json.env');
  return t as unknown as ReduceTask;
}

/** PushShuffle's framing: ids and counts pair up, and the rows are there when counts say so. */
export function validateShuffleFraming(partitionIds: readonly number[], rowCounts: readonly number[], rows: Uint8Array): void {
  if (partitionIds.length !== rowCounts.length) fail('partition_row_counts', 'must have one count per partition id');
  if (partitionIds.length > MAX_PARTITIONS) fail('partition_ids', `must have at most ${MAX_PARTITIONS} entries`);
  partitionIds.forEach((p, i) => whole(p, `partition_ids[${i}]`, MAX_PARTITIONS));
  let total = 0;
  rowCounts.forEach((n, i) => (total += whole(n, `partition_row_counts[${i}]`)));
  if (total > 0 && rows.length === 0) fail('rows', 'are missing');
}

export function validateId(v: string, field: string): string {
  return str(v, field);
}
