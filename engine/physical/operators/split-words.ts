import type { Vector } from '../../batch/vector.js';

/** One batch's words: each distinct one once, in the order they first came, with how many times it came. */
export interface WordCounts {
  readonly words: string[];
  readonly weights: Float64Array;
}

/** FNV-1a over a word's code units (or bytes), and the empty slot of the counters' open addressing. */
export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 16777619;
export const EMPTY = -1;

/** The batch's words in first-seen order with their counts, and the counts zeroed for the next batch. */
export function takeWordCounts(seen: readonly number[], words: readonly string[], counts: Float64Array): WordCounts {
  const out = new Array<string>(seen.length);
  const weights = new Float64Array(seen.length);
  for (let j = 0; j < seen.length; j++) {
    const id = seen[j] as number;
    out[j] = words[id] as string;
    weights[j] = counts[id] as number;
    counts[id] = 0;
  }
  return { words: out, weights };
}

/**
 * `explode(split(line, sep))` counted instead of materialized: each line is cut at the one code
 * unit `sep` exactly where `split` with that literal pattern and no limit cuts it (every piece
 * kept, empty ones too: an empty line is one empty word; a NULL line has none). The words are
 * found by hashing the line's characters in place, in a table of task-wide word ids: a word seen
 * before costs no string at all, only a new word is cut out of its line (a Map would need a new
 * string per word to look it up, and that string's hash).
 */
export class WordCounter {
  private readonly sep: number;
  /** Open addressing: slot → word id, or EMPTY. Kept at most half full. */
  private slots = new Int32Array(1 << 12).fill(EMPTY);
  private readonly words: string[] = [];
  private hashes = new Int32Array(1024);
  /** Per word id, its count in the batch being counted (all zero between batches). */
  private counts = new Float64Array(1024);
  private seen: number[] = [];

  constructor(separator: string) {
    this.sep = separator.charCodeAt(0);
  }

  count(lines: Vector, numRows: number): WordCounts {
    this.seen = [];
    for (let i = 0; i < numRows; i++) {
      const line = lines.kind === 'const' ? lines.value : lines.values[i];
      if (line !== null && line !== undefined) this.countLine(line as string);
    }
    return takeWordCounts(this.seen, this.words, this.counts);
  }

  /** The hot loop: everything it reads is in locals, and only a new word leaves it (`insert`). */
  private countLine(s: string): void {
    const sep = this.sep;
    const n = s.length;
    let slots = this.slots;
    let mask = slots.length - 1;
    let hashes = this.hashes;
    let counts = this.counts;
    const words = this.words;
    const seen = this.seen;
    let from = 0;
    let h = FNV_OFFSET;
    for (let i = 0; i <= n; i++) {
      const c = i < n ? s.charCodeAt(i) : sep;
      if (c !== sep) {
        h = Math.imul(h ^ c, FNV_PRIME);
        continue;
      }
      // The word s[from, i): find its id by hash, then by its characters.
      const len = i - from;
      let at = h & mask;
      let id: number;
      for (;;) {
        id = slots[at] as number;
        if (id === EMPTY) {
          id = this.insert(s.slice(from, i), h, at);
          slots = this.slots;
          mask = slots.length - 1;
          hashes = this.hashes;
          counts = this.counts;
          break;
        }
        if (hashes[id] === h) {
          const w = words[id] as string;
          if (w.length === len) {
            let k = 0;
            while (k < len && w.charCodeAt(k) === s.charCodeAt(from + k)) k++;
            if (k === len) break;
          }
        }
        at = (at + 1) & mask;
      }
      if (counts[id] === 0) seen.push(id);
      counts[id] = (counts[id] as number) + 1;
      from = i + 1;
      h = FNV_OFFSET;
    }
  }

  /** A new word's id, its slot `at` taken (the table grows past half full). */
  private insert(word: string, h: number, at: number): number {
    const id = this.words.length;
    this.words.push(word);
    if (id >= this.hashes.length) this.growIds();
    this.hashes[id] = h;
    this.slots[at] = id;
    if (2 * (id + 1) > this.slots.length) this.rehash();
    return id;
  }

  private growIds(): void {
    const hashes = new Int32Array(this.hashes.length * 2);
    hashes.set(this.hashes);
    this.hashes = hashes;
    const counts = new Float64Array(this.counts.length * 2);
    counts.set(this.counts);
    this.counts = counts;
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
