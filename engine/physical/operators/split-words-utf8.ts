import { EMPTY, FNV_OFFSET, FNV_PRIME, takeWordCounts, type WordCounts } from './split-words.js';

const NEWLINE = 10;

/**
 * `WordCounter` over lines still in UTF-8 bytes (joined by '\n', a socket split's payload): the
 * same words, counted the same way, with no string per line and none per word seen before. The
 * separator must be one ASCII character: in UTF-8 its byte never occurs inside another
 * character, so cutting the bytes there cuts the text there; and the bytes must be valid UTF-8,
 * so two words are equal exactly when their bytes are.
 */
export class Utf8WordCounter {
  private readonly sep: number;
  /** Open addressing: slot → word id, or EMPTY. Kept at most half full. */
  private slots = new Int32Array(1 << 12).fill(EMPTY);
  private readonly words: string[] = [];
  private hashes = new Int32Array(1024);
  /** Each word's bytes, at `starts[id]`, `lengths[id]` long, in `pool`. */
  private pool = new Uint8Array(1 << 16);
  private poolUsed = 0;
  private starts = new Int32Array(1024);
  private lengths = new Int32Array(1024);
  /** Per word id, its count in the batch being counted (all zero between batches). */
  private counts = new Float64Array(1024);
  private seen: number[] = [];
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  constructor(separator: string) {
    const sep = separator.charCodeAt(0);
    if (separator.length !== 1 || sep >= 0x80) throw new Error('Utf8WordCounter: the separator must be one ASCII character');
    this.sep = sep;
  }

  /** The words of `numRows` lines in `bytes` (none when there are no rows: an empty payload of one row is one empty word). */
  count(bytes: Uint8Array, numRows: number): WordCounts {
    this.seen = [];
    if (numRows > 0) this.countBytes(bytes);
    return takeWordCounts(this.seen, this.words, this.counts);
  }

  /** The hot loop: a word ends at the separator, at a line's end and at the end of the bytes. */
  private countBytes(s: Uint8Array): void {
    const sep = this.sep;
    const n = s.length;
    let slots = this.slots;
    let mask = slots.length - 1;
    let hashes = this.hashes;
    let counts = this.counts;
    let pool = this.pool;
    let starts = this.starts;
    let lengths = this.lengths;
    const seen = this.seen;
    let from = 0;
    let h = FNV_OFFSET;
    for (let i = 0; i <= n; i++) {
      const c = i < n ? (s[i] as number) : sep;
      if (c !== sep && c !== NEWLINE) {
        h = Math.imul(h ^ c, FNV_PRIME);
        continue;
      }
      const len = i - from;
      let at = h & mask;
      let id: number;
      for (;;) {
        id = slots[at] as number;
        if (id === EMPTY) {
          id = this.insert(s, from, i, h, at);
          slots = this.slots;
          mask = slots.length - 1;
          hashes = this.hashes;
          counts = this.counts;
          pool = this.pool;
          starts = this.starts;
          lengths = this.lengths;
          break;
        }
        if (hashes[id] === h && lengths[id] === len) {
          const p = starts[id] as number;
          let k = 0;
          while (k < len && pool[p + k] === s[from + k]) k++;
          if (k === len) break;
        }
        at = (at + 1) & mask;
      }
      if (counts[id] === 0) seen.push(id);
      counts[id] = (counts[id] as number) + 1;
      from = i + 1;
      h = FNV_OFFSET;
    }
  }

  /** A new word (bytes `[from, to)` of `s`), its slot `at` taken (the table grows past half full). */
  private insert(s: Uint8Array, from: number, to: number, h: number, at: number): number {
    const id = this.words.length;
    this.words.push(this.decoder.decode(s.subarray(from, to)));
    if (id >= this.hashes.length) this.growIds();
    const len = to - from;
    if (this.poolUsed + len > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + len));
      pool.set(this.pool.subarray(0, this.poolUsed));
      this.pool = pool;
    }
    this.pool.set(s.subarray(from, to), this.poolUsed);
    this.starts[id] = this.poolUsed;
    this.lengths[id] = len;
    this.poolUsed += len;
    this.hashes[id] = h;
    this.slots[at] = id;
    if (2 * (id + 1) > this.slots.length) this.rehash();
    return id;
  }

  private growIds(): void {
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(a.length * 2);
      b.set(a);
      return b;
    };
    this.hashes = grow(this.hashes, (n) => new Int32Array(n));
    this.starts = grow(this.starts, (n) => new Int32Array(n));
    this.lengths = grow(this.lengths, (n) => new Int32Array(n));
    this.counts = grow(this.counts, (n) => new Float64Array(n));
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2).fill(EMPTY);
    const mask = slots.length - 1;
    for (let id = 0; id < this.words.length; id++) {
      let at = (this.hashes[id] as number) & mask;
      while (slots[at] !== EMPTY) at = (at + 1) & mask;
      slots[at] = id;
    }
    this.slots = slots;
  }
}
