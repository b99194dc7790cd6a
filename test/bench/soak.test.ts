import { describe, expect, it } from 'vitest';
import { renderSoak } from '../../bench/soak/report.js';
import { runSoak } from '../../bench/soak/run-soak.js';

/**
 * The short version of `npm run bench:soak`: `kindling local` in a process of its own, the seed
 * word count in update mode with a watermark into the noop sink, sampled as it runs. It checks what
 * the long run reports is real (progress moves, memory is read from the engine's process) and that
 * the state never holds more than the windows a word can be in: with a 60 s window sliding by 5 s,
 * the 12 windows of the current pane plus one more for each pane passed (at most the run's length).
 */
describe('soak bench, short', () => {
  it('samples the query and the engine process; the state stays within the open windows', { timeout: 90_000 }, async () => {
    const seconds = 12;
    const vocabulary = 2000;
    const run = await runSoak({ engine: 'local', seconds, wordsPerSecond: 10_000, slideSeconds: 5, partitions: '3', sampleMs: 1000, vocabulary });
    expect(run.samples.length).toBeGreaterThanOrEqual(seconds - 1);
    const last = run.samples.at(-1);
    expect(last?.lines).toBeGreaterThan(0);
    expect(last?.batchId).toBeGreaterThan(0);
    expect(run.samples.map((s) => s.lines)).toEqual([...run.samples.map((s) => s.lines)].sort((a, b) => a - b));
    for (const s of run.samples) {
      expect(s.rss['local']).toBeGreaterThan(20 * 1024 ** 2);
      expect(s.rssSum).toBe(Object.values(s.rss).reduce((a, b) => a + b, 0));
      expect(s.stateRows).toBeLessThanOrEqual(vocabulary * (12 + Math.ceil(s.second / 5) + 1));
    }
    expect(Math.max(...run.samples.map((s) => s.stateRows))).toBeGreaterThan(0);
    expect(run.peakRssBytes).toBeGreaterThanOrEqual(Math.max(...run.samples.map((s) => s.rssSum)));
    const doc = renderSoak([run], 'test', 'test');
    expect(doc).toContain('## Kindling local (2 worker threads)');
    expect(doc.split('\n').filter((l) => /^\| \d+ \|/.test(l)).length).toBeGreaterThanOrEqual(seconds - 1);
  });
});
