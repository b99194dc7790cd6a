import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ChaosRun, formatReport } from './chaos-run.js';
import { FAULT_KINDS } from './faults.js';

/**
 * The short, seeded chaos run `npm test` does (the long one is `npm run chaos`): real redis-server,
 * master and worker processes on loopback, a worker in its own network namespace (root and
 * iproute2 needed), two faults of every kind in 50 s, then every (window, word) count must equal
 * the count computed from the seed.
 */
describe('chaos (short, seeded)', () => {
  it('loses and duplicates nothing through two faults of every kind', { timeout: 600_000 }, async () => {
    const seed = Number(process.env['CHAOS_SEED'] ?? 8);
    const logDir = join(tmpdir(), `kindling-chaos-test-${seed}-${process.pid}`);
    const report = await new ChaosRun({
      seed,
      faultWindowMs: 50_000,
      faultsPerKind: 2,
      linesPerSecond: 30,
      settleMs: 120_000,
      collectRows: 1_000_000,
      logDir,
      log: process.env['CHAOS_VERBOSE'] ? (line) => console.log(line) : undefined,
    }).run();
    const text = formatReport(report);
    console.log(`${text}\nprocess logs: ${logDir}`);
    for (const kind of FAULT_KINDS) expect(report.faults[kind], `${kind} injected\n${text}`).toBe(2);
    expect(report.secondRun.bothActive, `two live runs on one checkpoint\n${text}`).toBe(0);
    expect({ lost: report.lost, duplicated: report.duplicated, caughtUp: report.caughtUp }, text).toEqual({ lost: 0, duplicated: 0, caughtUp: true });
  });
});
