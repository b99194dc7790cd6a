import { IllegalArgumentError, NumberFormatError } from '../../errors/errors.js';
import type { Offset, Source, SourceContext, SourceProvider } from '../source.js';
import { SourceOptions } from '../options.js';
import { streamOnlyProvider } from '../stream-only.js';
import { RATE_START_TIME_ENTRY, decodeRateStartTime, encodeRateStartTime } from '../source-log.js';
import type { InputSplit } from '../split.js';
import { valueAtSecond } from './rate-math.js';
import { RATE_SCHEMA, type RateSplitConfig } from './rate-reader.js';

interface RateOptions {
  readonly rowsPerSecond: number;
  readonly rampUpSeconds: number;
  readonly numPartitions: number | undefined;
}

/** The options, checked as Spark's RateStreamProvider.getTable does (Java's number parsing, same messages). */
function rateOptions(raw: Readonly<Record<string, string>>): RateOptions {
  const o = new SourceOptions(raw);
  const rowsPerSecond = o.long('rowsPerSecond', 1);
  if (rowsPerSecond <= 0) {
    throw new IllegalArgumentError(`Invalid value '${rowsPerSecond}'. The option 'rowsPerSecond' must be positive`);
  }
  const ramp = o.get('rampUpTime');
  const rampUpSeconds = ramp === undefined ? 0 : timeStringAsSeconds(ramp);
  if (rampUpSeconds < 0) {
    throw new IllegalArgumentError(`Invalid value '${rampUpSeconds}'. The option 'rampUpTime' must not be negative`);
  }
  const numPartitions = o.get('numPartitions') === undefined ? undefined : o.javaInt('numPartitions', 1);
  if (numPartitions !== undefined && numPartitions <= 0) {
    throw new IllegalArgumentError(`Invalid value '${numPartitions}'. The option 'numPartitions' must be positive`);
  }
  return { rowsPerSecond, rampUpSeconds, numPartitions };
}

/** Seconds per unit, as `[multiplier, divisor]` so whole numbers convert exactly. */
const TIME_UNITS_SECONDS: Readonly<Record<string, readonly [number, number]>> = {
  us: [1, 1e6], ms: [1, 1e3], s: [1, 1], m: [60, 1], min: [60, 1], h: [3600, 1], d: [86400, 1],
};

/**
 * Spark's `JavaUtils.timeStringAsSec`: `5s`, `100ms`, `2min`, a bare number of seconds, truncated
 * to whole seconds; a NumberFormatException (with Spark's text) for anything else.
 */
function timeStringAsSeconds(text: string): number {
  const m = /^(-?[0-9]+)([a-z]+)?$/.exec(text.toLowerCase().trim());
  const problem = !m
    ? `Failed to parse time string: ${text}`
    : m[2] !== undefined && TIME_UNITS_SECONDS[m[2]] === undefined
      ? `Invalid suffix: "${m[2]}"`
      : undefined;
  if (!m || problem !== undefined) {
    throw new NumberFormatError(
      'Time must be specified as seconds (s), milliseconds (ms), microseconds (us), minutes (m or min), hour (h), or day (d). ' +
        `E.g. 50s, 100ms, or 250us.\n${problem ?? ''}`,
    );
  }
  const [mul, div] = TIME_UNITS_SECONDS[m[2] ?? 's'] ?? [1, 1];
  return Math.trunc((Number(m[1]) * mul) / div) || 0;
}

/**
 * Spark's rate source: `rowsPerSecond` rows a second since the query's first start (persisted in
 * the checkpoint as Spark does, `sources/0/0` = `v1\n<ms>`, so a restart continues the timeline).
 * Offsets are whole seconds elapsed.
 */
class RateSource implements Source {
  readonly schema = RATE_SCHEMA;
  readonly description: string;
  private startTimeMs: number | undefined;

  constructor(
    private readonly options: RateOptions,
    private readonly ctx: SourceContext,
  ) {
    this.description = `RateStreamV2[rowsPerSecond=${options.rowsPerSecond}, rampUpTimeSeconds=${options.rampUpSeconds}, numPartitions=${options.numPartitions ?? 'default'}`;
  }

  async latestOffset(): Promise<Offset | null> {
    if (this.startTimeMs === undefined) {
      // Spark's start-time log: entry 0 of the source's metadata log, `v1` then the ms.
      const stored = await this.ctx.metadata.putIfAbsent(RATE_START_TIME_ENTRY, encodeRateStartTime(this.ctx.clock.now()));
      this.startTimeMs = decodeRateStartTime(stored, `sources/<i>/${RATE_START_TIME_ENTRY} of the checkpoint`);
    }
    return Math.max(0, Math.floor((this.ctx.clock.now() - this.startTimeMs) / 1000));
  }

  async planSplits(start: Offset | null, end: Offset): Promise<InputSplit[]> {
    await this.latestOffset();
    const startSec = start === null ? 0 : Number(start);
    const endSec = Number(end);
    const { rowsPerSecond, rampUpSeconds } = this.options;
    const rangeStart = valueAtSecond(startSec, rowsPerSecond, rampUpSeconds);
    const rangeEnd = valueAtSecond(endSec, rowsPerSecond, rampUpSeconds);
    const numPartitions = this.options.numPartitions ?? Math.max(1, this.ctx.parallelism());
    const splits: InputSplit[] = [];
    for (let p = 0; p < numPartitions; p++) {
      const config: RateSplitConfig = {
        startTimeMs: this.startTimeMs ?? 0,
        startSec,
        endSec,
        rangeStart,
        rangeEnd,
        partition: p,
        numPartitions,
      };
      splits.push({ reader: 'rate', config, numRows: Math.max(0, Math.ceil((rangeEnd - rangeStart - p) / numPartitions)) });
    }
    return splits;
  }

  commit(): Promise<void> {
    return Promise.resolve();
  }

  stop(): Promise<void> {
    return Promise.resolve();
  }
}

export const rateSourceProvider: SourceProvider = streamOnlyProvider(
  'rate',
  rateOptions,
  () => RATE_SCHEMA,
  (o, ctx) => new RateSource(o, ctx),
);

export { rateReader } from './rate-reader.js';
