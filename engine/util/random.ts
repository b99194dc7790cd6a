/**
 * A small deterministic PRNG (mulberry32): the same seed replays the same sequence, so `rand(seed)`
 * gives the same values when a batch is re-run, and generated corpora are the same run to run.
 * Returns numbers in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
