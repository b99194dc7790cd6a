import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One DataFrame call of a fixture's query; arguments are SQL expression strings (see cases.py). */
export type QueryOp =
  | { readonly op: 'selectExpr'; readonly exprs: readonly string[] }
  | { readonly op: 'withColumn'; readonly name: string; readonly expr: string }
  | { readonly op: 'filter'; readonly condition: string }
  | { readonly op: 'withWatermark'; readonly eventTime: string; readonly delay: string }
  | { readonly op: 'groupByCount'; readonly keys: readonly string[] };

export interface StateFacts {
  readonly numRowsTotal: number;
  readonly numRowsUpdated: number;
  readonly numRowsRemoved: number;
  readonly numRowsDroppedByWatermark: number;
}

/** What one micro-batch did: its sink rows (a multiset) and the progress facts worth comparing. */
export interface BatchRecord {
  readonly batchId: number;
  readonly rows: readonly (readonly unknown[])[];
  readonly numInputRows: number;
  readonly eventTime: Readonly<Record<string, string>>;
  readonly stateOperator?: StateFacts;
}

export interface FixtureStep {
  /** The lines of the one file this step adds to the input directory. */
  readonly input: readonly string[];
  /** Every micro-batch Spark ran for the step, no-data batches included. */
  readonly batches: readonly BatchRecord[];
}

/** A fixture written by generate_fixtures.py from a real Spark run. */
export interface Fixture {
  readonly name: string;
  readonly description: string;
  readonly sparkVersion: string;
  readonly generatedAt: string;
  readonly command: string;
  readonly howMade: string;
  readonly conf: Readonly<Record<string, string>>;
  readonly query: {
    readonly source: { readonly format: 'text'; readonly options: Readonly<Record<string, string>> };
    readonly ops: readonly QueryOp[];
    readonly pyspark: string;
  };
  readonly outputMode: 'append' | 'update' | 'complete';
  readonly columns: readonly string[];
  readonly steps: readonly FixtureStep[];
}

export const FIXTURE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export function loadFixtures(dir = FIXTURE_DIR): Fixture[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Fixture);
}
