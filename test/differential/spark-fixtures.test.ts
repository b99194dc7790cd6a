import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkSession } from '../../client/index.js';
import { startConnectServer, type ConnectServer } from '../../master/connect/server.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { loadFixtures, type BatchRecord, type Fixture } from './fixture.js';
import { replayOnKindling, type ReplayedBatch } from './replay.js';

/**
 * Differential tests: each fixture is a query and its input steps run on real Spark
 * (generate_fixtures.py); Kindling, a real Spark Connect server here, replays the same steps
 * driven by our TypeScript client and must produce, step by step, the same micro-batches (ids,
 * no-data batches included), the same rows per batch (as multisets, like Spark's CheckAnswer) and
 * the same progress facts.
 */

const fixtures = loadFixtures();

/** Values as JSON would carry them (Kindling may hold longs as bigint). */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (Array.isArray(v)) return v.map(plain);
  return v;
}

function multiset(rows: readonly (readonly unknown[])[]): string[] {
  return rows.map((r) => JSON.stringify(plain(r))).sort();
}

/** Every way Kindling's steps differ from Spark's, one precise line each (empty = equal). */
function differences(fixture: Fixture, actual: readonly (readonly ReplayedBatch[])[]): string[] {
  const out: string[] = [];
  fixture.steps.forEach((step, i) => {
    const where = `step ${i} (input ${JSON.stringify(step.input)})`;
    const got = actual[i] ?? [];
    const ids = (bs: readonly (BatchRecord | ReplayedBatch)[]): number[] => bs.map((b) => b.batchId);
    if (JSON.stringify(ids(step.batches)) !== JSON.stringify(ids(got))) {
      out.push(`${where}: batch ids: Spark ${JSON.stringify(ids(step.batches))}, Kindling ${JSON.stringify(ids(got))}`);
    }
    for (const want of step.batches) {
      const have = got.find((b) => b.batchId === want.batchId);
      if (!have) continue;
      const at = `${where} batch ${want.batchId}`;
      // null: a complete-mode batch the memory sink cannot show alone (not the step's last).
      if (have.rows !== null) {
        const [wr, hr] = [multiset(want.rows), multiset(have.rows)];
        if (JSON.stringify(wr) !== JSON.stringify(hr)) out.push(`${at}: rows: Spark [${wr.join(', ')}], Kindling [${hr.join(', ')}]`);
      }
      if (want.numInputRows !== have.numInputRows) out.push(`${at}: numInputRows: Spark ${want.numInputRows}, Kindling ${have.numInputRows}`);
      const [we, he] = [JSON.stringify(sorted(want.eventTime)), JSON.stringify(sorted(have.eventTime))];
      if (we !== he) out.push(`${at}: eventTime: Spark ${we}, Kindling ${he}`);
      const [ws, hs] = [JSON.stringify(want.stateOperator ?? null), JSON.stringify(have.stateOperator ?? null)];
      if (ws !== hs) out.push(`${at}: stateOperator: Spark ${ws}, Kindling ${hs}`);
    }
  });
  return out;
}

function sorted(m: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).sort(([a], [b]) => a.localeCompare(b)));
}

describe('differential fixtures came from a real Spark run', () => {
  it('covers every case of cases.py, each stating the Spark version and how it was made', () => {
    expect(fixtures.map((f) => f.name).sort()).toEqual(
      [
        'catpm-append',
        'catpm-update',
        'count-by-value-complete',
        'count-by-value-update',
        'eviction-update',
        'late-rows-append',
        'rate-aggregates-update',
        'rate-late-rows-append',
        'rate-sliding-complete',
        'rate-window-append',
        'rate-window-update',
        'sliding-append',
        'sliding-update',
        'tumbling-append',
        'tumbling-complete',
        'tumbling-update',
        'word-counts-sliding-append',
        'word-counts-sliding-complete',
        'word-window-update',
        'words-append',
      ].sort(),
    );
    for (const f of fixtures) {
      expect(f.sparkVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(f.command).toContain('fixtures:spark');
      expect(f.howMade).toContain('Real Spark');
      expect(f.query.trigger).toBe(f.query.source.format === 'text' ? 'default' : 'availableNow');
      expect(f.steps.length).toBeGreaterThan(0);
      // Spark runs at least one batch per step: each step adds one file, or is one availableNow run.
      for (const s of f.steps) expect(s.batches.length).toBeGreaterThan(0);
    }
  });
});

describe('Kindling vs Spark, batch by batch, over Spark Connect', () => {
  let env: LocalRuntime;
  let server: ConnectServer;
  let dir: string;

  beforeAll(async () => {
    env = localRuntime({ workers: 2 });
    server = await startConnectServer({ runtime: env.runtime, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
    dir = mkdtempSync(join(tmpdir(), 'kindling-differential-'));
  });

  afterAll(async () => {
    await server?.close();
    await env?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const fixture of fixtures) {
    it(`${fixture.name} (${fixture.outputMode}): ${fixture.description}`, async () => {
      // A session per fixture, as a notebook would open one: conf set through Spark Connect.
      const spark = await SparkSession.builder().remote(`sc://127.0.0.1:${server.port}`).create();
      let actual: ReplayedBatch[][];
      try {
        actual = await replayOnKindling(spark, fixture, fixture.name.replace(/-/g, '_'), dir);
      } finally {
        await spark.stop();
      }
      const diffs = differences(fixture, actual);
      expect(
        diffs,
        `Kindling differs from Spark ${fixture.sparkVersion} on ${fixture.name}\nquery: ${fixture.query.pyspark}\n` +
          `Kindling's batches per step: ${JSON.stringify(actual.map((s) => s.map((b) => ({ ...b, rows: b.rows && multiset(b.rows) }))))}`,
      ).toEqual([]);
    });
  }
});
