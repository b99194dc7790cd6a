import { T } from '../../types/data-type.js';
import { schemaOf, type Schema } from '../../types/schema.js';

/**
 * What the driver (master) and the workers share about the `redis` stream source: its schema, its
 * split config, and Redis stream entry ids. No Redis I/O here: the engine stays network-free.
 *
 * Rows: `id` (the entry id, `<ms>-<seq>`), `timestamp` (the id's millisecond part, the time Redis
 * stamped the entry), `fields` (the entry's field/value pairs; a field repeated within one entry
 * keeps its last value).
 */
export const REDIS_STREAM_SCHEMA: Schema = schemaOf([
  T.field('id', T.string, false),
  T.field('timestamp', T.timestamp, false),
  T.field('fields', T.map(T.string, T.string, false), false),
]);

/** The split reader workers register for this source. */
export const REDIS_STREAM_READER = 'redis-stream';

/** Entries in `(after, to]` of stream `key`, read with XRANGE on a worker. */
export interface RedisStreamSplitConfig {
  readonly url: string;
  readonly key: string;
  /** Exclusive start id. */
  readonly after: string;
  /** Inclusive end id. */
  readonly to: string;
  /** Whether `to` is a real entry (the batch's end offset) that must still be there, or a cut point. */
  readonly toExists: boolean;
  /** When false, a missing `to` entry is tolerated (option failOnDataLoss). */
  readonly failOnDataLoss: boolean;
}

export interface StreamId {
  readonly ms: bigint;
  readonly seq: bigint;
}

const MAX_U64 = (1n << 64n) - 1n;

/** `<ms>-<seq>` or `<ms>` (seq 0), both unsigned 64-bit; undefined when not an id. */
export function parseStreamId(text: string): StreamId | undefined {
  const m = /^(\d{1,20})(?:-(\d{1,20}))?$/.exec(text);
  if (!m) return undefined;
  const ms = BigInt(m[1] as string);
  const seq = BigInt(m[2] ?? '0');
  return ms > MAX_U64 || seq > MAX_U64 ? undefined : { ms, seq };
}

export function formatStreamId(id: StreamId): string {
  return `${id.ms}-${id.seq}`;
}

function must(text: string): StreamId {
  const id = parseStreamId(text);
  if (!id) throw new Error(`not a stream entry id: ${text}`);
  return id;
}

export function compareStreamIds(a: string, b: string): number {
  const x = must(a);
  const y = must(b);
  if (x.ms !== y.ms) return x.ms < y.ms ? -1 : 1;
  return x.seq === y.seq ? 0 : x.seq < y.seq ? -1 : 1;
}

/** The entry's time in ms (the id's first part). */
export function streamIdMillis(text: string): number {
  return Number(must(text).ms);
}

/**
 * Cuts `(after, to]` into at most `parts` consecutive ranges by time: each cut point is the last
 * possible id of a millisecond, so every entry lands in exactly one range.
 */
export function splitStreamRange(after: string, to: string, parts: number): { after: string; to: string }[] {
  const a = must(after);
  const b = must(to);
  const span = b.ms - a.ms;
  const n = BigInt(Math.max(1, Math.floor(parts)));
  const count = span < n ? span : n;
  if (count <= 1n) return [{ after, to }];
  const out: { after: string; to: string }[] = [];
  let prev = after;
  for (let i = 1n; i < count; i++) {
    const cut = formatStreamId({ ms: a.ms + (span * i) / count, seq: MAX_U64 });
    out.push({ after: prev, to: cut });
    prev = cut;
  }
  out.push({ after: prev, to });
  return out;
}
