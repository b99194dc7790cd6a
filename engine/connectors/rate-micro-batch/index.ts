import { AnalysisError, IllegalArgumentError, NotSupportedError } from '../../errors/errors.js';
import { SourceOptions } from '../options.js';
import type { Offset, Source, SourceContext, SourceProvider } from '../source.js';
import type { InputSplit } from '../split.js';
import { RATE_MICRO_BATCH_SCHEMA, rateMicroBatchPartitionRows, type RateMicroBatchSplitConfig } from './reader.js';

export interface RateMicroBatchOptions {
  readonly rowsPerBatch: number;
  /** Absent: the cluster's parallelism (Spark: the default parallelism). */
  readonly numPartitions: number | undefined;
  readonly startTimestamp: number;
  readonly advanceMillisPerBatch: number;
}

/** Spark's RatePerMicroBatchStreamOffset; its JSON is `{"offset":N,"timestamp":T}`. */
export interface RateMicroBatchOffset {
  readonly offset: number;
  readonly timestamp: number;
}

/** An integer option (Spark's CaseInsensitiveStringMap.getLong / getInt). */
function integer(o: SourceOptions, name: string, fallback: number, check: (n: number) => boolean, must: string): number {
  const text = o.get(name);
  const n = text === undefined ? fallback : /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new IllegalArgumentError(`For input string: "${text ?? ''}"`);
  if (!check(n)) throw new IllegalArgumentError(`Invalid value '${n}'. The option '${name}' ${must}`);
  return n;
}

/** The options, validated as RatePerMicroBatchProvider.getTable does (same messages). */
export function rateMicroBatchOptions(raw: Readonly<Record<string, string>>): RateMicroBatchOptions {
  const o = new SourceOptions(raw);
  const rowsPerBatch = integer(o, 'rowsPerBatch', 0, (n) => n > 0, 'must be positive');
  const numPartitions =
    o.get('numPartitions') === undefined ? undefined : integer(o, 'numPartitions', 1, (n) => n > 0, 'must be positive');
  const startTimestamp = integer(o, 'startTimestamp', 0, (n) => n >= 0, 'must be non-negative');
  const advanceMillisPerBatch = integer(o, 'advanceMillisPerBatch', 1000, (n) => n >= 0, 'must be non-negative');
  return { rowsPerBatch, numPartitions, startTimestamp, advanceMillisPerBatch };
}

/** Reads an offset back from the log (a `RateMicroBatchOffset` object or its JSON text). */
export function rateMicroBatchOffset(o: Offset): RateMicroBatchOffset {
  const v: unknown = typeof o === 'string' ? JSON.parse(o) : o;
  if (typeof v === 'object' && v !== null && 'offset' in v && 'timestamp' in v) {
    return { offset: Number(v.offset), timestamp: Number(v.timestamp) };
  }
  throw new IllegalArgumentError(`The type of Offset should be RatePerMicroBatchStreamOffset, got ${JSON.stringify(o)}`);
}

/**
 * Spark's `rate-micro-batch` source (RatePerMicroBatchStream): every micro-batch gets exactly
 * `rowsPerBatch` new values, whatever the trigger or the clock. From the offset
 * `{offset: o, timestamp: t}` the next batch ends at `{offset: o + rowsPerBatch, timestamp: t +
 * advanceMillisPerBatch}`; the initial offset is `{offset: 0, timestamp: startTimestamp}`. Partition
 * p of a batch holds values `o + p + k·numPartitions`, and every row of the batch has timestamp t
 * (the batch's start). So there is always new data: a default or processing-time trigger runs a batch
 * each time, and Trigger.AvailableNow runs one batch (plus any no-data batch) per start.
 */
class RateMicroBatchSource implements Source {
  readonly schema = RATE_MICRO_BATCH_SCHEMA;
  readonly description: string;
  private readonly numPartitions: number;
  private availableNow = false;
  private availableNowTarget: RateMicroBatchOffset | undefined;

  constructor(private readonly options: RateMicroBatchOptions, ctx: SourceContext) {
    this.numPartitions = options.numPartitions ?? Math.max(1, ctx.parallelism());
    this.description =
      `RatePerMicroBatchStream[rowsPerBatch=${options.rowsPerBatch}, numPartitions=${this.numPartitions}, ` +
      `startTimestamp=${options.startTimestamp}, advanceMsPerBatch=${options.advanceMillisPerBatch}]`;
  }

  private initial(): RateMicroBatchOffset {
    return { offset: 0, timestamp: this.options.startTimestamp };
  }

  latestOffset(start?: Offset | null): Promise<Offset | null> {
    if (this.availableNowTarget !== undefined) return Promise.resolve({ ...this.availableNowTarget });
    const from = start === undefined || start === null ? this.initial() : rateMicroBatchOffset(start);
    const next: RateMicroBatchOffset = {
      offset: Math.min(from.offset + this.options.rowsPerBatch, Number.MAX_SAFE_INTEGER),
      timestamp: from.timestamp + this.options.advanceMillisPerBatch,
    };
    // As Spark: under Trigger.AvailableNow the first answer is the target for the whole run.
    if (this.availableNow) this.availableNowTarget = next;
    return Promise.resolve({ ...next });
  }

  prepareForTriggerAvailableNow(): Promise<void> {
    this.availableNow = true;
    return Promise.resolve();
  }

  planSplits(start: Offset | null, end: Offset): Promise<InputSplit[]> {
    const s = start === null ? this.initial() : rateMicroBatchOffset(start);
    const e = rateMicroBatchOffset(end);
    if (s.offset > e.offset) throw new IllegalArgumentError(`startOffset(${s.offset}) > endOffset(${e.offset})`);
    if (s.timestamp > e.timestamp) throw new IllegalArgumentError(`startTimestamp(${s.timestamp}) > endTimestamp(${e.timestamp})`);
    const splits: InputSplit[] = [];
    if (s.offset === e.offset) return Promise.resolve(splits);
    for (let p = 0; p < this.numPartitions; p++) {
      const config: RateMicroBatchSplitConfig = {
        partition: p,
        numPartitions: this.numPartitions,
        startOffset: s.offset,
        startTimestampMs: s.timestamp,
        endOffset: e.offset,
      };
      splits.push({ reader: 'rate-micro-batch', config, numRows: rateMicroBatchPartitionRows(config) });
    }
    return Promise.resolve(splits);
  }

  commit(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

export const rateMicroBatchSourceProvider: SourceProvider = {
  format: 'rate-micro-batch',
  schema(options, userSchema, streaming) {
    if (!streaming) {
      throw new AnalysisError('rate-micro-batch is not a valid Spark SQL Data Source.', {
        errorClass: '_LEGACY_ERROR_TEMP_1135',
        messageParameters: { className: 'rate-micro-batch' },
      });
    }
    if (userSchema) {
      throw new NotSupportedError('RatePerMicroBatchProvider source does not support user-specified schema.', {
        errorClass: '_LEGACY_ERROR_TEMP_2242',
        messageParameters: { provider: 'RatePerMicroBatchProvider' },
      });
    }
    rateMicroBatchOptions(options);
    return RATE_MICRO_BATCH_SCHEMA;
  },
  createStream(options, _userSchema, ctx) {
    return new RateMicroBatchSource(rateMicroBatchOptions(options), ctx);
  },
};

export { RATE_MICRO_BATCH_SCHEMA, rateMicroBatchReader } from './reader.js';
