import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Row, SparkSession } from '../../client/index.js';
import { Timestamp } from '../../client/timestamp.js';
import { startConnectServer, type ConnectServer } from '../../master/connect/server.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';

/**
 * Batch SQL differential cases (batch_cases.py, a seeded grammar of query shapes), recorded on
 * real Spark by generate_batch_fixtures.py. Each case runs on a Kindling Connect server through
 * our TypeScript client, and must give Spark's column names, column types (`simpleString`) and
 * rows (in order when the case says so, else as multisets), or fail with Spark's error class.
 */

interface Table {
  readonly name: string;
  readonly schema: string;
  readonly rows: readonly (readonly unknown[])[];
  readonly select: readonly string[];
}

interface BatchCase {
  readonly name: string;
  readonly sql: string;
  readonly ordered: boolean;
  readonly columns?: readonly string[];
  readonly types?: readonly string[];
  readonly rows?: readonly (readonly unknown[])[];
  readonly error?: string;
}

interface BatchFixtures {
  readonly sparkVersion: string;
  readonly command: string;
  readonly howMade: string;
  readonly conf: Readonly<Record<string, string>>;
  readonly tables: readonly Table[];
  readonly cases: readonly BatchCase[];
}

const fixtures = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'batch-fixtures.json'), 'utf8'),
) as BatchFixtures;

function two(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** A collected value in the fixture's plain JSON form (see `plain` in generate_batch_fixtures.py). */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Timestamp) {
    const ms = Math.floor(v.micros / 1000);
    const d = new Date(ms);
    const micros = v.micros - Math.floor(v.micros / 1_000_000) * 1_000_000;
    return `${two(d.getUTCFullYear(), 4)}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${two(micros, 6)}`;
  }
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (v instanceof Row) return v.toArray().map(plain);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) {
    return [...v.entries()].map(([k, x]) => [plain(k), plain(x)]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return v;
}

function rowTexts(rows: readonly (readonly unknown[])[], ordered: boolean): string[] {
  const texts = rows.map((r) => JSON.stringify(r));
  return ordered ? texts : texts.sort();
}

describe('batch differential fixtures came from a real Spark run', () => {
  it('holds at least 300 generated cases, each with a result or an error class', () => {
    expect(fixtures.sparkVersion).toMatch(/^4\.\d+\.\d+/);
    expect(fixtures.howMade).toContain('Real Spark');
    expect(fixtures.command).toContain('fixtures:spark:batch');
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(300);
    for (const c of fixtures.cases) expect(c.error !== undefined || c.rows !== undefined).toBe(true);
  });
});

describe('Kindling vs Spark on generated batch SQL, over Spark Connect', () => {
  let env: LocalRuntime;
  let server: ConnectServer;
  let spark: SparkSession;

  beforeAll(async () => {
    env = localRuntime({ workers: 2 });
    server = await startConnectServer({ runtime: env.runtime, host: '127.0.0.1', port: 0, log: pino({ level: 'silent' }) });
    spark = await SparkSession.builder().remote(`sc://127.0.0.1:${server.port}`).create();
    for (const [k, v] of Object.entries(fixtures.conf)) await spark.conf.set(k, v);
    for (const t of fixtures.tables) {
      await spark
        .createDataFrame(t.rows.map((r) => [...r]), t.schema)
        .selectExpr(...t.select)
        .createOrReplaceTempView(t.name);
    }
  });

  afterAll(async () => {
    await spark?.stop();
    await server?.close();
    await env?.close();
  });

  for (const c of fixtures.cases) {
    it(`${c.name}: ${c.sql}`, async () => {
      let outcome: { columns: string[]; types: string[]; rows: unknown[][] } | { error: string | undefined; message: string };
      try {
        const df = spark.sql(c.sql);
        const dtypes = await df.dtypes();
        const rows = await df.collect();
        outcome = { columns: dtypes.map(([n]) => n), types: dtypes.map(([, t]) => t), rows: rows.map((r) => r.toArray().map(plain)) };
      } catch (e) {
        outcome = { error: (e as { errorClass?: string }).errorClass, message: (e as Error).message };
      }
      if (c.error !== undefined) {
        expect('error' in outcome ? outcome.error : `no error: ${JSON.stringify(outcome)}`, `Spark fails with ${c.error}`).toBe(c.error);
        return;
      }
      if ('error' in outcome) throw new Error(`Spark answers, Kindling fails: ${outcome.error ?? ''} ${outcome.message}`);
      expect({ columns: outcome.columns, types: outcome.types }).toEqual({ columns: c.columns, types: c.types });
      expect(rowTexts(outcome.rows, c.ordered)).toEqual(rowTexts(c.rows ?? [], c.ordered));
    });
  }
});
