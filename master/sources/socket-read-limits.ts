import { SourceOptions } from '../../engine/connectors/options.js';

/**
 * How much a socket source holds and reads (Kindling's options; Spark's socket source has none):
 * `maxLinesPerTrigger` caps a micro-batch, as Kafka's maxOffsetsPerTrigger, so a batch after an
 * outage stays bounded and the rest goes to the next batches; `maxBufferedBytes` caps the lines
 * received but not yet committed: past it the source stops reading the socket, so TCP flow control
 * slows the sender, and it reads again once the backlog is back under half of it.
 */
export interface SocketReadLimits {
  readonly maxLinesPerTrigger: number;
  readonly maxBufferedBytes: number;
}

/**
 * A batch takes at most half of the byte cap (`lastLineWithin`: a batch taking the whole buffer
 * would pause reading until it commits), so under a flood the next batch
 * is already received when one commits: a cap of about one batch made every other batch a short
 * one and had it wait for the lines still being logged. The line cap is then only an upper bound
 * (it was 100,000, which cut a 16 MB burst into three batches, each paying a reduce over every
 * state partition).
 */
export const DEFAULT_SOCKET_READ_LIMITS: SocketReadLimits = Object.freeze({
  maxLinesPerTrigger: 1_000_000,
  maxBufferedBytes: 64 * 1024 * 1024,
});

/** 'false' keeps every logged line (tests whose oracle is the whole log); trimming never changes results. */
export const SOCKET_TRIM_LOG_CONF = 'kindling.streaming.socket.trimLog';

export function socketReadLimits(raw: Readonly<Record<string, string>>): SocketReadLimits {
  const o = new SourceOptions(raw);
  const positive = (name: keyof SocketReadLimits): number =>
    o.int(name, DEFAULT_SOCKET_READ_LIMITS[name], (n) => n > 0, `Invalid value '<value>' for option '${name}', must be a positive integer`);
  return { maxLinesPerTrigger: positive('maxLinesPerTrigger'), maxBufferedBytes: positive('maxBufferedBytes') };
}
