import { afterEach, describe, expect, it } from 'vitest';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { loadFixtures, type BatchRecord, type Fixture } from './fixture.js';
import { replayOnKindling } from './replay.js';

/**
 * Differential tests: each fixture is a query and its input steps run on real Spark
 * (generate_fixtures.py); Kindling replays the same steps and must produce, step by step, the
 * same micro-batches (ids, no-data batches included), the same rows per batch (as multisets, like
 * Spark's CheckAnswer) and the same progress facts.
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
function differences(fixture: Fixture, actual: readonly (readonly BatchRecord[])[]): string[] {
  const out: string[] = [];
  fixture.steps.forEach((step, i) => {
    const where = `step ${i} (input ${JSON.stringify(step.input)})`;
    const got = actual[i] ?? [];
    const ids = (bs: readonly BatchRecord[]): number[] => bs.map((b) => b.batchId);
    if (JSON.stringify(ids(step.batches)) !== JSON.stringify(ids(got))) {
      out.push(`${where}: batch ids: Spark ${JSON.stringify(ids(step.batches))}, Kindling ${JSON.stringify(ids(got))}`);
    }
    for (const want of step.batches) {
      const have = got.find((b) => b.batchId === want.batchId);
      if (!have) continue;
      const at = `${where} batch ${want.batchId}`;
      const [wr, hr] = [multiset(want.rows), multiset(have.rows)];
      if (JSON.stringify(wr) !== JSON.stringify(hr)) out.push(`${at}: rows: Spark [${wr.join(', ')}], Kindling [${hr.join(', ')}]`);
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
        'count-by-value-complete',
        'count-by-value-update',
        'eviction-update',
        'late-rows-append',
        'sliding-append',
        'sliding-update',
        'tumbling-append',
        'tumbling-complete',
        'tumbling-update',
        'words-append',
      ].sort(),
    );
    for (const f of fixtures) {
      expect(f.sparkVersion).toMatch(/^\d+\.\d+\.\d+/);
      expect(f.command).toContain('fixtures:spark');
      expect(f.howMade).toContain('Real Spark');
      expect(f.steps.length).toBeGreaterThan(0);
      // Spark runs at least one batch per step: each step adds one file.
      for (const s of f.steps) expect(s.batches.length).toBeGreaterThan(0);
    }
  });
});

describe('Kindling vs Spark, batch by batch', () => {
  let env: LocalRuntime | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  for (const fixture of fixtures) {
    it(`${fixture.name} (${fixture.outputMode}): ${fixture.description}`, async () => {
      env = localRuntime({ conf: { ...fixture.conf } });
      const actual = await replayOnKindling(env, fixture, fixture.name.replace(/-/g, '_'));
      const diffs = differences(fixture, actual);
      expect(
        diffs,
        `Kindling differs from Spark ${fixture.sparkVersion} on ${fixture.name}\nquery: ${fixture.query.pyspark}\n` +
          `Kindling's batches per step: ${JSON.stringify(actual.map((s) => s.map((b) => ({ ...b, rows: multiset(b.rows) }))))}`,
      ).toEqual([]);
    });
  }
});
