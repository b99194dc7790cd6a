import { AnalysisError, IllegalArgumentError, NotSupportedError } from '../../errors/errors.js';
import type { Offset, Source, SourceContext, SourceProvider } from '../source.js';
import { SourceOptions } from '../options.js';
import type { InputSplit } from '../split.js';
import { valueAtSecond } from './rate-math.js';
import { RATE_SCHEMA, type RateSplitConfig } from './rate-reader.js';

interface RateOptions {
  readonly rowsPerSecond: number;
  readonly rampUpSeconds: number;
  readonly numPartitions: number | undefined;
}

function rateOptions(raw: Readonly<Record<string, string>>): RateOptions {
  const o = new SourceOptions(raw);
  const rowsPerSecond = o.int(
    'rowsPerSecond',
    1,
    (n) => n > 0,
    "Invalid value '<value>'. The option 'rowsPerSecond' must be positive",
  );
  const ramp = o.get('rampUpTime');
  let rampUpSeconds = 0;
  if (ramp !== undefined) {
    rampUpSeconds = timeStringAsSeconds(ramp);
  }
  const np = o.get('numPartitions');
  const numPartitions =
    np === undefined
      ? undefined
      : o.int('numPartitions', 1, (n) => n > 0, "Invalid value '<value>'. The option 'numPartitions' must be positive");
  return { rowsPerSecond, rampUpSeconds, numPartitions };
}

const TIME_UNITS_SECONDS: Readonly<Record<string, number>> = {
  us: 1e-6, ms: 1e-3, s: 1, m: 60, min: 60, h: 3600, d: 86400,
};

/** Spark's `timeStringAsSec`: `5s`, `100ms`, `2min`, a bare number of seconds; whole seconds. */
function timeStringAsSeconds(text: string): number {
  const m = /^(-?\d+)\s*(us|ms|s|m|min|h|d)?$/i.exec(text.trim());
  if (!m) throw new IllegalArgumentError(`Invalid value '${text}'. The option 'rampUpTime' must be a time string such as 5s`);
  const seconds = Math.floor(Number(m[1]) * (TIME_UNITS_SECONDS[(m[2] ?? 's').toLowerCase()] ?? 1));
  if (seconds < 0) throw new IllegalArgumentError(`Invalid value '${text}'. The option 'rampUpTime' must not be negative`);
  return seconds;
}

/**
 * Spark's rate source: `rowsPerSecond` rows a second since the query's first start (persisted in
 * the checkpoint, so a restart continues the timeline). Offsets are whole seconds elapsed.
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
      const stored = await this.ctx.metadata.putIfAbsent('startTimeMs', String(this.ctx.clock.now()));
      this.startTimeMs = Number(stored);
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

export const rateSourceProvider: SourceProvider = {
  format: 'rate',
  schema(options, userSchema, streaming) {
    if (!streaming) throw new NotSupportedError('The rate source can only be read as a stream (spark.readStream).');
    if (userSchema) throw new AnalysisError('The rate source does not support a user-specified schema.');
    rateOptions(options);
    return RATE_SCHEMA;
  },
  createStream(options, _userSchema, ctx) {
    return new RateSource(rateOptions(options), ctx);
  },
};

export { rateReader } from './rate-reader.js';
