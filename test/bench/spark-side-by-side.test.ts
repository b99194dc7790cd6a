import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-short-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The short version of `npm run bench:spark` (which also runs Spark and the cluster, both
 * sources, 4 and 200 partitions): Kindling local through the real PySpark client on both sources,
 * throughput and marker latency, so the harness and its report keep working between long runs.
 */
describe('npm run bench:spark, short', () => {
  it('measures both sources and writes a report whose counts check out', async () => {
    const out = join(dir, 'RESULTS.md');
    await promisify(execFile)(process.execPath, [join(repo, 'dist', 'bench', 'spark-side-by-side.js')], {
      cwd: repo,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...process.env,
        KINDLING_BENCH_ENGINES: 'local',
        KINDLING_BENCH_SOURCES: 'text,socket',
        KINDLING_BENCH_PARTITIONS: '3',
        KINDLING_BENCH_LINES: '3000',
        KINDLING_BENCH_FILES: '7',
        KINDLING_BENCH_RUNS: '1',
        KINDLING_BENCH_RATES: '5000',
        KINDLING_BENCH_LATENCY_SECONDS: '2',
        KINDLING_BENCH_OUT: out,
      },
    });
    const doc = readFileSync(out, 'utf8');
    const rows = doc.split('\n').filter((l) => l.startsWith('| text |') || l.startsWith('| socket |'));
    const throughput = rows.filter((l) => l.split('|').length === 13);
    const latency = rows.filter((l) => l.split('|').length === 11);
    expect(throughput).toHaveLength(2);
    expect(latency).toHaveLength(2);
    // 30,000 words: every word is in 2 windows in Q1 and in 12 in Q2; the same on both sources.
    for (const row of throughput) {
      const cells = row.split('|').map((c) => c.trim());
      expect(cells[9]).toMatch(/^\d+, 60000$/);
      expect(cells[10]).toMatch(/^\d+, 360000$/);
      expect(cells[4]).toMatch(/^\d+ k$/);
      expect(cells[11]).toMatch(/^\d+\.\d\d \/ \d+\.\d\d$/);
    }
    // Every marker sent after the first second was seen, with a latency figure.
    for (const row of latency) {
      const cells = row.split('|').map((c) => c.trim());
      expect(cells[6]).toMatch(/^\d[\d,]* \/ \d[\d,]*$/);
      expect(cells[8]).toMatch(/^\d[\d,]* \/ \d[\d,]*$/);
      expect(cells[9]).toBe('5 (0), 5 (0)');
    }
  }, 600_000);
});
