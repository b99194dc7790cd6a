import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A grouping key: a SQL string (`F.expr`), a column name, or `F.window(column, width, slide?)`. */
export type GroupKey = string | { readonly col: string } | { readonly window: readonly string[] };

/** `F.<fn>(column).alias(alias)`. */
export interface AggSpec {
  readonly fn: 'count' | 'sum' | 'min' | 'max' | 'avg';
  readonly column: string;
  readonly alias: string;
}

/** One DataFrame call of a fixture's query (see cases.py). */
export type QueryOp =
  | { readonly op: 'selectExpr'; readonly exprs: readonly string[] }
  | { readonly op: 'withColumn'; readonly name: string; readonly expr: string }
  | { readonly op: 'filter'; readonly condition: string }
  | { readonly op: 'withWatermark'; readonly eventTime: string; readonly delay: string }
  | { readonly op: 'groupByCount'; readonly keys: readonly GroupKey[] }
  | { readonly op: 'groupByAgg'; readonly keys: readonly GroupKey[]; readonly aggs: readonly AggSpec[] }
  | { readonly op: 'drop'; readonly columns: readonly string[] };

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
  /** Text source: the lines of the one file this step adds. rate-micro-batch: empty (a step is a run). */
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
    readonly source: { readonly format: 'text' | 'rate-micro-batch'; readonly options: Readonly<Record<string, string>> };
    /**
     * `default`: one query; each step adds one file, then processAllAvailable(). `availableNow`: each
     * step starts the query from the same checkpoint with Trigger.AvailableNow and awaits its end.
     */
    readonly trigger: 'default' | 'availableNow';
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
