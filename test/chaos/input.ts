import { Redis } from 'ioredis';
import { letTimePass } from '../support/eventually.js';
import { seededRandom } from '../../engine/util/random.js';

/**
 * The chaos suite's replayable input: lines of words drawn from a seeded PRNG, written to a Redis
 * stream with explicit entry ids. Line i's id is `T0 + i * STEP_MS`, and the redis source's
 * `timestamp` column is the id's millisecond part, so every line's event time is fixed by its
 * index: the expected count per (window, word) follows from the seed alone, whatever the faults
 * did to processing times.
 */
export const STREAM_KEY = 'chaos:lines';
/** 2026-01-01T00:00:00Z, a multiple of the 30 s slide, so windows start on the grid. */
export const T0_MS = Date.UTC(2026, 0, 1);
/** Event time between consecutive lines (1,000 lines = 100 s of event time, ~7 windows). */
export const STEP_MS = 100;
export const WINDOW_MS = 60_000;
export const SLIDE_MS = 30_000;

const VOCABULARY = [
  'cat', 'dog', 'owl', 'fox', 'elk', 'yak', 'emu', 'ant', 'bee', 'eel', 'koi', 'gnu', 'ram', 'hen', 'cod', 'jay',
  'apple', 'pear', 'plum', 'fig', 'kiwi', 'lime', 'date', 'sloe', 'red', 'blue', 'green', 'gold', 'grey', 'pink',
  'river', 'stone', 'cloud', 'ember', 'kindling', 'spark', 'flame', 'ash', 'smoke', 'coal',
];

/** mulberry32 (the engine's generator): small, fast, and the same sequence on every machine. */
export const prng = seededRandom;

/** Line i of the input for `seed`: 1-8 words, skewed towards the start of the vocabulary. */
export function line(seed: number, i: number): string {
  const rnd = prng((seed * 1_000_003 + i) >>> 0);
  const n = 1 + Math.floor(rnd() * 8);
  const words: string[] = [];
  for (let k = 0; k < n; k++) words.push(VOCABULARY[Math.floor(rnd() * rnd() * VOCABULARY.length)] as string);
  return words.join(' ');
}

export function entryId(i: number): string {
  return `${T0_MS + i * STEP_MS}-0`;
}

/** `windowStartSeconds|word` → count, computed from the seed alone for lines 0 .. n-1. */
export function expectedCounts(seed: number, n: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const t = T0_MS + i * STEP_MS;
    const last = Math.floor(t / SLIDE_MS) * SLIDE_MS;
    for (const w of line(seed, i).split(' ')) {
      for (let start = last; start > t - WINDOW_MS; start -= SLIDE_MS) {
        const key = `${start / 1000}|${w}`;
        out.set(key, (out.get(key) ?? 0) + 1);
      }
    }
  }
  return out;
}

/**
 * Appends lines 0 .. total-1 at `linesPerSecond`, each with its explicit id. A write whose reply
 * was lost (Redis killed) is simply sent again: if it had landed, Redis refuses the id as not
 * greater than the stream's last one, which is then the proof that it is there.
 */
export class Feeder {
  written = 0;
  private stopped = false;
  private readonly redis: Redis;
  readonly done: Promise<void>;

  constructor(
    url: string,
    private readonly seed: number,
    private readonly total: number,
    private readonly linesPerSecond: number,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: true, retryStrategy: () => 100, lazyConnect: false });
    this.redis.on('error', () => undefined);
    this.done = this.run();
  }

  private async run(): Promise<void> {
    const started = Date.now();
    while (this.written < this.total && !this.stopped) {
      const due = Math.min(this.total, Math.floor(((Date.now() - started) / 1000) * this.linesPerSecond) + 1);
      while (this.written < due && !this.stopped) await this.append(this.written);
      await letTimePass(20, "the feeder's pace");
    }
  }

  private async append(i: number): Promise<void> {
    for (;;) {
      try {
        await this.redis.xadd(STREAM_KEY, entryId(i), 'line', line(this.seed, i));
        break;
      } catch (e) {
        if (/equal or smaller than the target stream top item/i.test((e as Error).message)) {
          const top = (await this.redis.xrevrange(STREAM_KEY, '+', '-', 'COUNT', 1).catch(() => []))[0]?.[0];
          if (top === entryId(i)) break;
          if (top !== undefined) throw new Error(`input stream top is ${top}, expected ${entryId(i)}`, { cause: e });
        }
        if (this.stopped) return;
        await letTimePass(100, 'back off while Redis is away');
      }
    }
    this.written = i + 1;
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.done.catch(() => undefined);
    this.redis.disconnect();
  }
}
