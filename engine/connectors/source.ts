import type { RecordBatch } from '../batch/record-batch.js';
import type { Schema } from '../types/schema.js';
import type { Clock } from '../util/clock.js';
import type { InputSplit } from './split.js';

/** A source position: JSON (Spark's offsets are JSON too: `5`, `{"logOffset":3}`). */
export type Offset = number | string | { readonly [k: string]: unknown };

/** Durable, write-once metadata a source keeps under the query's checkpoint (`sources/<i>/`). */
export interface SourceMetadataLog {
  get(name: string): Promise<string | undefined>;
  /** Stores `value` unless `name` exists; returns the stored value either way. */
  putIfAbsent(name: string, value: string): Promise<string>;
  /** The names stored so far (in no particular order). */
  names(): Promise<string[]>;
}

/**
 * Lines in the order a source received them: each part's `bytes` hold its lines, each followed by
 * '\n', and `times[i]` is when its line i arrived (ms).
 */
export interface ReceivedLines {
  readonly parts: readonly { readonly bytes: Uint8Array; readonly times: ArrayLike<number> }[];
  readonly count: number;
}

/** A durable append-only log of text lines (the socket source's write-ahead log). */
export interface LineLog {
  /** Resolves once the lines are durable; returns the new length. */
  append(lines: readonly string[]): Promise<number>;
  /**
   * The same as `append` for `count` lines given as UTF-8 bytes, each followed by '\n' (a log
   * that can take them so spares the socket source decoding and joining them).
   */
  appendRecords?(records: Uint8Array, count: number): Promise<number>;
  /**
   * The same for lines as the source received them, with their arrival times: a log that keeps
   * one time per run of lines stores them so (and `read` gives them back as `<time>\t<line>`).
   */
  appendReceived?(lines: ReceivedLines): Promise<number>;
  length(): Promise<number>;
  /** Lines `[from, to)`; asking for lines dropped by `trim` is a bug (an InternalError). */
  read(from: number, to: number): Promise<string[]>;
  /**
   * Lines with an index below `before` may be dropped (whole chunks or segments, so some may stay);
   * `length()` and the indexes of the kept lines do not change. Idempotent.
   */
  trim(before: number): Promise<void>;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface SourceContext {
  readonly clock: Clock;
  readonly metadata: SourceMetadataLog;
  readonly lineLog: () => LineLog;
  readonly log: Logger;
  /** How many splits to cut a batch into (≈ total worker cores). */
  readonly parallelism: () => number;
  /** The session's SQL conf (e.g. `spark.sql.streaming.fileSource.log.compactInterval`). */
  readonly conf?: (key: string) => string | undefined;
  /** Trigger.Once: as Spark (ReadLimit.allAvailable), read everything available, ignoring read limits such as maxFilesPerTrigger. */
  readonly readAllAvailable?: boolean;
}

/**
 * A streaming source. Replayable: `planSplits(start, end)` must describe the same rows for the same
 * offsets, also after a restart. The engine never asks for offsets at or below a committed end again.
 */
export interface Source {
  readonly schema: Schema;
  /** Spark's description string, shown in progress `sources[].description`. */
  readonly description: string;
  /**
   * The highest offset available now; null while no data was ever available. `start` is the end of
   * the last committed batch (null before the first), for sources whose next offset depends on it
   * (Spark's `latestOffset(startOffset, limit)`, e.g. `rate-micro-batch`); others ignore it.
   */
  latestOffset(start?: Offset | null): Promise<Offset | null>;
  planSplits(start: Offset | null, end: Offset): Promise<InputSplit[]>;
  /**
   * Spark's SupportsTriggerAvailableNow: called once when an availableNow query starts. A source
   * that has it limits itself to what was available then, in as many batches as its read limit
   * (e.g. `maxFilesPerTrigger`) needs; other sources are capped at their latest offset at start.
   */
  prepareForTriggerAvailableNow?(): Promise<void>;
  commit(end: Offset): Promise<void>;
  stop(): Promise<void>;
  /**
   * Optional: calls `listener` when new data may have arrived (a file appeared in the directory, a
   * line came in on the socket), so an idle trigger can ask for offsets at once instead of waiting
   * out its polling delay. Only a hint: the trigger still polls, and `latestOffset` decides.
   * Returns the function that unsubscribes.
   */
  onDataHint?(listener: () => void): () => void;
}

/** A named data source format (`socket`, `rate`, `text`, ...). */
export interface SourceProvider {
  readonly format: string;
  /** The output schema for these options, without starting anything; AnalysisError on bad options. */
  schema(options: Readonly<Record<string, string>>, userSchema: Schema | undefined, streaming: boolean): Schema;
  createStream?(options: Readonly<Record<string, string>>, userSchema: Schema | undefined, ctx: SourceContext): Source;
  readBatch?(
    options: Readonly<Record<string, string>>,
    paths: readonly string[],
    userSchema: Schema | undefined,
  ): Promise<RecordBatch>;
}

export class SourceRegistry {
  private readonly providers = new Map<string, SourceProvider>();

  register(p: SourceProvider): this {
    this.providers.set(p.format.toLowerCase(), p);
    return this;
  }

  get(format: string): SourceProvider | undefined {
    return this.providers.get(format.toLowerCase());
  }
}
