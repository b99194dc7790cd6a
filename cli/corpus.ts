/**
 * Generated text for demos and benchmarks: made-up words from syllables, drawn with a Zipf-like
 * skew (a few words are frequent, most are rare), plus the seed notebook's cats. Deterministic
 * for a given seed.
 */
import { seededRandom } from '../engine/util/random.js';

const ONSETS = ['b', 'c', 'd', 'f', 'g', 'k', 'l', 'm', 'n', 'p', 'r', 's', 't', 'v', 'z', 'br', 'kl', 'st', 'tr'];
const NUCLEI = ['a', 'e', 'i', 'o', 'u', 'ai', 'ou', 'ee'];
const CODAS = ['', 'n', 'r', 's', 'l', 'k', 'th', 'm'];
const CATS = ['cat', 'kitten', 'meow', 'purr', 'whiskers', 'tabby'];

export function vocabulary(size: number, seed = 7): string[] {
  const rnd = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const words = new Set<string>(CATS);
  while (words.size < size) {
    const syllables = 1 + Math.floor(rnd() * 3);
    let w = '';
    for (let i = 0; i < syllables; i++) w += pick(ONSETS) + pick(NUCLEI) + pick(CODAS);
    words.add(w);
  }
  return [...words];
}

export interface CorpusOptions {
  readonly lines: number;
  readonly wordsPerLine?: number;
  readonly vocabularySize?: number;
  /** Zipf exponent: larger means more skew. */
  readonly skew?: number;
  readonly seed?: number;
}

/** `lines` lines of space-separated words drawn from a Zipf distribution over the vocabulary. */
export function generateCorpus(options: CorpusOptions): string[] {
  const vocab = vocabulary(options.vocabularySize ?? 5000, options.seed ?? 7);
  const rnd = seededRandom((options.seed ?? 7) + 1);
  const s = options.skew ?? 1.1;
  const cumulative: number[] = [];
  let total = 0;
  for (let r = 1; r <= vocab.length; r++) cumulative.push((total += 1 / r ** s));
  const draw = (): string => {
    const x = rnd() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return vocab[lo] as string;
  };
  const perLine = options.wordsPerLine ?? 10;
  const out: string[] = [];
  for (let i = 0; i < options.lines; i++) {
    const words: string[] = [];
    for (let j = 0; j < perLine; j++) words.push(draw());
    out.push(words.join(' '));
  }
  return out;
}
