import { afterEach, describe, expect, it } from 'vitest';
import { batchToRows } from '../../../engine/batch/record-batch.js';
import { builtinSources, builtinSplitReaders, type Source, type SourceContext } from '../../../engine/connectors/index.js';
import { rateMicroBatchOptions } from '../../../engine/connectors/rate-micro-batch/index.js';
import { AnalysisError, IllegalArgumentError, NotSupportedError } from '../../../engine/errors/errors.js';
import type { LogicalPlan } from '../../../engine/plan/logical-plan.js';
import { schemaOf } from '../../../engine/types/schema.js';
import { T } from '../../../engine/types/data-type.js';
import { systemClock } from '../../../engine/util/clock.js';
import { localRuntime, type LocalRuntime } from '../../support/local-runtime.js';

/** Spark's RatePerMicroBatchStream / RatePerMicroBatchProvider(Suite), checked on Kindling's source. */

const provider = builtinSources().get('rate-micro-batch');
const reader = builtinSplitReaders().get('rate-micro-batch');

function ctx(parallelism = 2): SourceContext {
  const kv = new Map<string, string>();
  return {
    clock: systemClock,
    metadata: {
      get: (n) => Promise.resolve(kv.get(n)),
      putIfAbsent: (n, v) => {
        if (!kv.has(n)) kv.set(n, v);
        return Promise.resolve(kv.get(n) as string);
      },
      names: () => Promise.resolve([...kv.keys()]),
    },
    lineLog: () => {
      throw new Error('unused');
    },
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    parallelism: () => parallelism,
  };
}

function stream(options: Record<string, string>, parallelism = 2): Source {
  if (!provider?.createStream) throw new Error('rate-micro-batch is not registered');
  return provider.createStream(options, undefined, ctx(parallelism));
}

/** Rows of batch (start, end] as [timestampMicros, value, partition], partition by partition. */
async function read(source: Source, start: unknown, end: unknown): Promise<[unknown, unknown, number][]> {
  if (!reader) throw new Error('no rate-micro-batch reader');
  const out: [unknown, unknown, number][] = [];
  const splits = await source.planSplits(start as never, end as never);
  for (const [p, split] of splits.entries()) {
    const batches = await reader.read(split, { timeZone: 'UTC', ansi: true, batchTimestampUs: 0 });
    let n = 0;
    for (const b of batches) for (const [ts, v] of batchToRows(b)) {
      out.push([ts, v, p]);
      n++;
    }
    expect(n).toBe(split.numRows);
  }
  return out;
}

describe('rate-micro-batch: options (RatePerMicroBatchProvider.getTable)', () => {
  it('has Spark defaults and schema (timestamp, value)', () => {
    expect(rateMicroBatchOptions({ rowsPerBatch: '10' })).toEqual({
      rowsPerBatch: 10,
      numPartitions: undefined,
      startTimestamp: 0,
      advanceMillisPerBatch: 1000,
    });
    const schema = provider?.schema({ ROWSPERBATCH: '3' }, undefined, true);
    expect(schema?.fields.map((f) => [f.name, f.type.kind])).toEqual([
      ['timestamp', 'timestamp'],
      ['value', 'long'],
    ]);
  });

  it.each([
    ['rowsPerBatch', '-1', "Invalid value '-1'. The option 'rowsPerBatch' must be positive"],
    ['rowsPerBatch', '0', "Invalid value '0'. The option 'rowsPerBatch' must be positive"],
    ['numPartitions', '-1', "Invalid value '-1'. The option 'numPartitions' must be positive"],
    ['numPartitions', '0', "Invalid value '0'. The option 'numPartitions' must be positive"],
    ['advanceMillisPerBatch', '-1', "Invalid value '-1'. The option 'advanceMillisPerBatch' must be non-negative"],
    ['startTimestamp', '-1', "Invalid value '-1'. The option 'startTimestamp' must be non-negative"],
    ['rowsPerBatch', 'x', 'For input string: "x"'],
  ])('rejects %s=%s with IllegalArgumentException', (option, value, message) => {
    const options = option === 'rowsPerBatch' ? { [option]: value } : { rowsPerBatch: '1', [option]: value };
    const e = (() => {
      try {
        provider?.schema(options, undefined, true);
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(e).toBeInstanceOf(IllegalArgumentError);
    expect((e as Error).message).toBe(message);
  });

  it('requires rowsPerBatch (default 0 is not positive)', () => {
    expect(() => provider?.schema({}, undefined, true)).toThrow("Invalid value '0'. The option 'rowsPerBatch' must be positive");
  });

  it('refuses a user-specified schema and batch reads, as Spark does', () => {
    const schema = schemaOf([T.field('a', T.integer)]);
    expect(() => provider?.schema({ rowsPerBatch: '1' }, schema, true)).toThrow(NotSupportedError);
    expect(() => provider?.schema({ rowsPerBatch: '1' }, schema, true)).toThrow(
      'RatePerMicroBatchProvider source does not support user-specified schema.',
    );
    expect(() => provider?.schema({ rowsPerBatch: '1' }, undefined, false)).toThrow(AnalysisError);
    expect(() => provider?.schema({ rowsPerBatch: '1' }, undefined, false)).toThrow('rate-micro-batch is not a valid Spark SQL Data Source.');
  });
});

describe('rate-micro-batch: offsets and rows (RatePerMicroBatchStream)', () => {
  it('describes itself as Spark does', () => {
    expect(stream({ rowsPerBatch: '7', numPartitions: '3', startTimestamp: '1000', advanceMillisPerBatch: '5000' }).description).toBe(
      'RatePerMicroBatchStream[rowsPerBatch=7, numPartitions=3, startTimestamp=1000, advanceMsPerBatch=5000]',
    );
    // numPartitions defaults to the cluster's parallelism (Spark: the default parallelism).
    expect(stream({ rowsPerBatch: '7' }, 5).description).toBe(
      'RatePerMicroBatchStream[rowsPerBatch=7, numPartitions=5, startTimestamp=0, advanceMsPerBatch=1000]',
    );
  });

  it('moves rowsPerBatch values and advanceMillisPerBatch ms per batch, from {offset: 0, timestamp: startTimestamp}', async () => {
    const s = stream({ rowsPerBatch: '10', startTimestamp: '1000', advanceMillisPerBatch: '50' });
    const first = await s.latestOffset(null);
    expect(JSON.stringify(first)).toBe('{"offset":10,"timestamp":1050}');
    expect(await s.latestOffset()).toEqual(first);
    const second = await s.latestOffset(first);
    expect(JSON.stringify(second)).toBe('{"offset":20,"timestamp":1100}');
    // The same offset as its JSON text (as a log would hold it).
    expect(await s.latestOffset('{"offset":20,"timestamp":1100}')).toEqual({ offset: 30, timestamp: 1150 });
  });

  it('gives every row of a batch the batch start timestamp; partition p holds start + p + k·numPartitions', async () => {
    const s = stream({ rowsPerBatch: '7', numPartitions: '3', startTimestamp: '1000', advanceMillisPerBatch: '5000' });
    const end0 = await s.latestOffset(null);
    // What Spark 4.3 produced for the first batch (values by spark_partition_id()).
    expect(await read(s, null, end0)).toEqual([
      [1_000_000, 0, 0],
      [1_000_000, 3, 0],
      [1_000_000, 6, 0],
      [1_000_000, 1, 1],
      [1_000_000, 4, 1],
      [1_000_000, 2, 2],
      [1_000_000, 5, 2],
    ]);
    const end1 = await s.latestOffset(end0);
    const rows = await read(s, end0, end1);
    expect(rows.map((r) => r[1]).sort((a, b) => Number(a) - Number(b))).toEqual([7, 8, 9, 10, 11, 12, 13]);
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set([6_000_000]));
    // An empty range (a no-data batch) has no partitions.
    expect(await s.planSplits(end1, end1 as never)).toEqual([]);
  });

  it('replays: the same offsets give the same rows in a new source object (a restart)', async () => {
    const opts = { rowsPerBatch: '5', numPartitions: '2' };
    const a = stream(opts);
    const b = stream(opts);
    const start = { offset: 15, timestamp: 3000 };
    const end = await a.latestOffset(start);
    expect(await b.latestOffset(start)).toEqual(end);
    expect(await read(a, start, end)).toEqual(await read(b, start, end));
  });

  it('under Trigger.AvailableNow keeps the first answer as the target of the run', async () => {
    const s = stream({ rowsPerBatch: '4' });
    await s.prepareForTriggerAvailableNow?.();
    const target = await s.latestOffset({ offset: 8, timestamp: 2000 });
    expect(target).toEqual({ offset: 12, timestamp: 3000 });
    expect(await s.latestOffset(target)).toEqual(target);
  });
});

describe('rate-micro-batch: streaming queries on Kindling', () => {
  let env: LocalRuntime | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const read = (options: Record<string, string>): LogicalPlan => ({
    kind: 'read',
    source: { type: 'dataSource', format: 'rate-micro-batch', options, paths: [] },
    isStreaming: true,
  });

  it('runs one batch per availableNow start and continues the timeline after a restart (Spark\'s "restart")', async () => {
    env = localRuntime({ conf: { 'spark.sql.shuffle.partitions': '2' } });
    const checkpointLocation = `${env.dir}/cp`;
    const seen: unknown[][][] = [];
    for (let run = 0; run < 3; run++) {
      const name = `rmb${run}`;
      const query = await env.session.startStream({
        input: read({ rowsPerBatch: '10', numPartitions: '3', startTimestamp: '1000', advanceMillisPerBatch: '50' }),
        format: 'memory',
        options: { checkpointLocation, '_kindling.test.recoverMemorySink': 'true' },
        outputMode: 'append',
        queryName: name,
        trigger: { kind: 'availableNow' },
      });
      await query.awaitTermination();
      expect(query.exception()).toBeUndefined();
      const progress = query.recentProgress();
      expect(progress.map((p) => p.batchId)).toEqual([run]);
      const [p] = progress;
      expect(p?.numInputRows).toBe(10);
      expect(p?.sources[0]?.description).toBe('RatePerMicroBatchStream[rowsPerBatch=10, numPartitions=3, startTimestamp=1000, advanceMsPerBatch=50]');
      expect(JSON.stringify(p?.sources[0]?.endOffset)).toBe(`{"offset":${10 * (run + 1)},"timestamp":${1000 + 50 * (run + 1)}}`);
      expect(p?.sources[0]?.startOffset ?? null).toEqual(run === 0 ? null : { offset: 10 * run, timestamp: 1000 + 50 * run });
      const sink = env.session.catalog.memorySink(name);
      seen.push((sink ? batchToRows(sink.snapshot()) : []).map((r) => [Number(r[0]), Number(r[1])]).sort((x, y) => (x[1] as number) - (y[1] as number)));
    }
    for (const [run, rows] of seen.entries()) {
      expect(rows).toEqual(Array.from({ length: 10 }, (_, i) => [(1000 + 50 * run) * 1000, 10 * run + i]));
    }
  });

  it('feeds a windowed aggregation with a watermark: a no-data batch evicts after the watermark moves', async () => {
    env = localRuntime({ conf: { 'spark.sql.shuffle.partitions': '2' } });
    const checkpointLocation = `${env.dir}/cp`;
    const { E } = await import('../../../engine/expr/expr.js');
    const plan: LogicalPlan = {
      kind: 'aggregate',
      input: { kind: 'withWatermark', input: read({ rowsPerBatch: '7', numPartitions: '3', startTimestamp: '1000', advanceMillisPerBatch: '5000' }), eventTime: 'timestamp', delay: '5 seconds' },
      groupType: 'groupby',
      grouping: [E.exprString("window(timestamp, '10 seconds')"), E.exprString('value % 2 AS k')],
      aggregates: [E.alias(E.call('count', [E.lit(1, T.integer)]), 'count')],
    };
    const ids: number[][] = [];
    let appended = 0;
    for (let run = 0; run < 4; run++) {
      const query = await env.session.startStream({
        input: plan,
        format: 'memory',
        options: { checkpointLocation, '_kindling.test.recoverMemorySink': 'true' },
        outputMode: 'append',
        queryName: `agg${run}`,
        trigger: { kind: 'availableNow' },
      });
      await query.awaitTermination();
      expect(query.exception()).toBeUndefined();
      ids.push(query.recentProgress().map((p) => p.batchId));
      appended += env.session.catalog.memorySink(`agg${run}`)?.snapshot().numRows ?? 0;
    }
    // What Spark 4.3 ran for the same query (one data batch per start, then a no-data batch once
    // the watermark moved), and window [0, 10) for both keys appended by batch 6.
    expect(ids).toEqual([[0], [1, 2], [3, 4], [5, 6]]);
    expect(appended).toBe(2);
  });
});
