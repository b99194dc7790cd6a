import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchToRows, concatBatches, recordBatch, type RecordBatch } from '../../../engine/batch/record-batch.js';
import { constVector, valuesVector, type Vector } from '../../../engine/batch/vector.js';
import { MemoryStream } from '../../../engine/connectors/index.js';
import { E, type Expr } from '../../../engine/expr/expr.js';
import { Pipeline, type OperatorSpec, type TaskContext } from '../../../engine/physical/operator.js';
import { defaultOperators } from '../../../engine/physical/operators/index.js';
import { Panes } from '../../../engine/physical/operators/panes.js';
import { windowsFor } from '../../../engine/physical/operators/time-window.js';
import { paneAggregateSpec, paneShuffleStages, paneStatePlan } from '../../../engine/physical/pane-planning.js';
import { stateKeyFromText, stateKeyOf, stateKeyText } from '../../../engine/state/state-key.js';
import { AggregateLayout } from '../../../engine/physical/aggregation.js';
import { PartialMerger } from '../../../engine/physical/operators/partial-merger.js';
import { narrowSpec, partialAggregateSpec } from '../../../engine/physical/specs.js';
import { planStreamingQuery } from '../../../engine/physical/streaming-planner.js';
import { newTaskMetrics } from '../../../engine/physical/task-metrics.js';
import type { AggregateNode, AnalyzedPlan } from '../../../engine/plan/analyzed-plan.js';
import type { LogicalPlan } from '../../../engine/plan/logical-plan.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';
import { seededRandom } from '../../../engine/util/random.js';
import { localRuntime, type LocalRuntime } from '../../support/local-runtime.js';

const S = 1_000_000;

describe('Panes', () => {
  it('are gcd(window, slide) wide and aligned with the start offset, negative times too', () => {
    expect(new Panes(60 * S, 5 * S, 0).paneUs).toBe(5 * S);
    expect(new Panes(10 * S, 4 * S, 0).paneUs).toBe(2 * S);
    expect(new Panes(10 * S, 10 * S, 0).paneUs).toBe(10 * S);
    const p = new Panes(10 * S, 4 * S, 1 * S);
    expect(p.paneOf(1 * S)).toBe(1 * S);
    expect(p.paneOf(3 * S - 1)).toBe(1 * S);
    expect(p.paneOf(3 * S)).toBe(3 * S);
    expect(p.paneOf(0)).toBe(-1 * S);
    expect(p.paneOf(-1 * S)).toBe(-1 * S);
    expect(p.paneOf(-1 * S - 1)).toBe(-3 * S);
    expect(new Panes(10 * S, 5 * S, -2 * S).paneOf(-7 * S)).toBe(-7 * S);
  });

  it('give every time of a pane exactly the windows TimeWindow gives it, latest first, one array per window', () => {
    const cases = [
      [60, 5, 0],
      [60, 30, 0],
      [10, 4, 1],
      [10, 4, -3],
      [7, 7, 2],
      [9, 6, -5],
      [12, 8, 7],
    ] as const;
    for (const [w, s, start] of cases) {
      const panes = new Panes(w, s, start);
      for (let t = -3 * w; t <= 3 * w; t++) {
        const windows = panes.windowsOf(panes.paneOf(t));
        expect(windows, `window ${w}, slide ${s}, start ${start}, t ${t}`).toEqual(windowsFor(t, w, s, start));
        for (const x of windows) expect(x[0] <= t && t < x[1]).toBe(true);
      }
      // The same window is the same array whichever pane it comes from (the reduce side caches its key text per object).
      const a = panes.windowsOf(panes.paneOf(0));
      const b = panes.windowsOf(panes.paneOf(s));
      const shared = a.filter((x) => b.some((y) => y[0] === x[0]));
      for (const x of shared) expect(b.find((y) => y[0] === x[0])).toBe(x);
    }
  });
});

let env: LocalRuntime;
beforeAll(() => {
  env = localRuntime();
});
afterAll(async () => {
  await env.close();
});

const input = schemaOf([T.field('t', T.timestamp), T.field('word', T.string), T.field('x', T.integer), T.field('d', T.double)]);

function read(stream: MemoryStream): LogicalPlan {
  return { kind: 'read', source: { type: 'dataSource', format: 'memory-stream', options: { name: stream.id }, paths: [] }, isStreaming: true };
}

const call = (fn: string, ...args: Expr[]): Expr => E.call(fn, args);
const windowOf = (time: Expr, w: string, s: string, start: string): Expr => call('window', time, E.lit(w, T.string), E.lit(s, T.string), E.lit(start, T.string));

function analyzed(plan: (source: LogicalPlan) => LogicalPlan): AnalyzedPlan {
  return env.session.analyze(plan(read(new MemoryStream(input))));
}

function aggregateOf(plan: AnalyzedPlan): AggregateNode {
  let p: AnalyzedPlan | undefined = plan;
  while (p && p.kind !== 'aggregate') p = 'input' in p ? p.input : undefined;
  if (p?.kind !== 'aggregate') throw new Error('no aggregate');
  return p;
}

const resolve = { timeZone: 'UTC', ansi: false };
const ctx = (): TaskContext => ({ batchTimestampUs: 0, timeZone: 'UTC', ansi: false, registry: env.runtime.registry, metrics: newTaskMetrics() });

async function run(specs: readonly OperatorSpec[], batches: readonly RecordBatch[]): Promise<unknown[][]> {
  const pipeline = Pipeline.create(specs, defaultOperators, ctx());
  const out: RecordBatch[] = [];
  for (const b of batches) pipeline.push(b, 0, out);
  out.push(...(await pipeline.finish()));
  const schema = out[0]?.schema;
  return schema ? batchToRows(concatBatches(schema, out)) : [];
}

/** TimeWindow + PartialAggregate, and PaneAggregate, over the same batches. */
async function bothPaths(agg: AggregateNode, batches: readonly RecordBatch[]): Promise<{ plain: unknown[][]; panes: unknown[][] }> {
  const tw = agg.input;
  if (tw.kind !== 'timeWindow') throw new Error('no time window under the aggregate');
  const plainSpecs = [narrowSpec(tw, agg, 'wm'), partialAggregateSpec(agg, env.runtime.registry, resolve).spec];
  const paneSpec = paneAggregateSpec(agg, env.runtime.registry, resolve);
  const paneSpecs = paneSpec ? [paneSpec] : [{ name: 'PaneAggregate', config: { ...(plainSpecs[1]?.config as object), time: tw.time, windowUs: tw.windowUs, slideUs: tw.slideUs, startUs: tw.startUs, windowColumn: tw.input.schema.fields.length } }];
  return { plain: await run(plainSpecs, batches), panes: await run(paneSpecs, batches) };
}

const WORDS = ['a', 'b', 'c', 'dd', null];

/** Random rows: times around 0 (negative too, on boundaries often, some NULL), a few words. */
function randomBatches(rnd: () => number, unit: number, constTime: number | null | undefined): RecordBatch[] {
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rnd() * xs.length)] as X;
  const batches: RecordBatch[] = [];
  const count = 1 + Math.floor(rnd() * 3);
  for (let b = 0; b < count; b++) {
    const n = 1 + Math.floor(rnd() * 40);
    const time = (): number | null => (rnd() < 0.1 ? null : rnd() < 0.3 ? Math.round(rnd() * 20 - 10) * unit : Math.floor((rnd() * 20 - 10) * unit));
    const column = (f: () => unknown): Vector => valuesVector(Array.from({ length: n }, f));
    batches.push(
      recordBatch(input, n, [
        constTime === undefined ? column(time) : constVector(constTime),
        column(() => pick(WORDS)),
        column(() => (rnd() < 0.15 ? null : Math.floor(rnd() * 200 - 100))),
        column(() => (rnd() < 0.15 ? null : rnd() * 10 - 5)),
      ]),
    );
  }
  return batches;
}

const ORDER_FREE = [call('count', E.lit(1, T.integer)), call('sum', E.col('x')), call('min', E.col('x')), call('max', E.col('t')), call('count', E.col('d'))];
const ORDER_BOUND = [call('collect_list', E.col('x')), call('first', E.col('x')), call('last', E.col('d')), call('avg', E.col('x')), call('sum', E.col('d')), call('stddev', E.col('d')), call('collect_set', E.col('word'))];

describe('PaneAggregate', () => {
  it('gives PartialAggregate’s rows, row for row, over random times, slides, offsets and NULLs', async () => {
    const rnd = seededRandom(20261207);
    for (let trial = 0; trial < 60; trial++) {
      const slide = 1 + Math.floor(rnd() * 6);
      const width = slide * (1 + Math.floor(rnd() * 4)) + (rnd() < 0.4 ? Math.floor(rnd() * slide) : 0);
      const start = Math.floor(rnd() * (2 * slide - 1)) - (slide - 1);
      // timestamp, timestamp_ntz, and a date (which the window casts to a timestamp).
      const time = [E.col('t'), E.cast(E.col('t'), { kind: 'timestamp_ntz' }), E.cast(E.col('t'), { kind: 'date' })][trial % 3] as Expr;
      const agg = aggregateOf(
        analyzed((src) => ({
          kind: 'aggregate',
          input: src,
          groupType: 'groupby',
          grouping: [windowOf(time, `${width} seconds`, `${slide} seconds`, `${start} seconds`), E.col('word')],
          aggregates: ORDER_FREE,
        })),
      );
      expect(paneAggregateSpec(agg, env.runtime.registry, resolve)?.name).toBe('PaneAggregate');
      const { plain, panes } = await bothPaths(agg, randomBatches(rnd, trial % 3 === 2 ? 86_400 * S : S, undefined));
      expect(plain.length).toBeGreaterThan(0);
      expect(panes, `trial ${trial}: window ${width} s, slide ${slide} s, start ${start} s`).toEqual(plain);
    }
  });

  it('keeps order-bound buffers (lists, first/last, double sums, moments, sets) exact when the time is one constant', async () => {
    const rnd = seededRandom(7);
    for (let trial = 0; trial < 20; trial++) {
      const agg = aggregateOf(
        analyzed((src) => ({
          kind: 'aggregate',
          input: src,
          groupType: 'groupby',
          grouping: [E.col('word'), windowOf(E.col('t'), '60 seconds', '5 seconds', '0 seconds')],
          aggregates: [...ORDER_FREE, ...ORDER_BOUND],
        })),
      );
      const time = trial % 5 === 4 ? null : Math.floor((rnd() * 200 - 100) * S);
      const { plain, panes } = await bothPaths(agg, randomBatches(rnd, S, time));
      expect(panes, `trial ${trial}`).toEqual(plain);
      if (time !== null) expect(panes.length).toBeGreaterThan(0);
    }
  });

  it('refuses to merge order-bound buffers of several panes (the planner never asks it to)', async () => {
    const agg = aggregateOf(
      analyzed((src) => ({ kind: 'aggregate', input: src, groupType: 'groupby', grouping: [windowOf(E.col('t'), '10 seconds', '5 seconds', '0 seconds'), E.col('word')], aggregates: ORDER_BOUND })),
    );
    const rnd = seededRandom(3);
    const batches = [...randomBatches(rnd, S, 0), ...randomBatches(rnd, S, 5 * S)];
    await expect(bothPaths(agg, batches)).rejects.toThrow(/several panes/);
  });
});

/**
 * The reduce side's input both ways, map tasks' outputs concatenated in task order: window partials
 * (TimeWindow + PartialAggregate), or pane partials (PaneAggregate shuffling by keys) through
 * PaneExpand; each merged per (window, keys) as the stateful aggregation merges them.
 */
async function reducedBothWays(
  agg: AggregateNode,
  tasks: readonly (readonly RecordBatch[])[],
): Promise<{ windows: string[]; panes: string[]; paneState: { expanded: string[]; fromPanes: string[] | undefined; readBack: string[] | undefined } }> {
  const tw = agg.input;
  if (tw.kind !== 'timeWindow') throw new Error('no time window under the aggregate');
  const windowOps = [narrowSpec(tw, agg, 'wm'), partialAggregateSpec(agg, env.runtime.registry, resolve).spec];
  // A constant time column stands for the batch clock (the planner only sees a column here).
  const paneSpec = paneAggregateSpec(agg, env.runtime.registry, resolve) ?? {
    name: 'PaneAggregate',
    config: { ...(windowOps[1]?.config as object), time: tw.time, windowUs: tw.windowUs, slideUs: tw.slideUs, startUs: tw.startUs, windowColumn: tw.input.schema.fields.length },
  };
  const stages = paneShuffleStages({ mapOps: [paneSpec], exchange: { keyTypes: [], numPartitions: 1 }, reduceOps: [] });
  if (!stages) throw new Error('no pane shuffle');
  const layout = new AggregateLayout(agg.aggregates, env.runtime.registry, ctx());
  const merged = (rows: RecordBatch[]): string[] => {
    const merger = new PartialMerger(agg.groupings.length, layout.mergeOps);
    for (const b of rows) merger.add(b);
    return merger.groups().map((g) => JSON.stringify([g.keyValues, g.buffers], (_, v: unknown) => (v instanceof Set ? [...v] : v))).sort();
  };
  const batchesOf = async (specs: readonly OperatorSpec[], batches: readonly RecordBatch[]): Promise<RecordBatch[]> => {
    const pipeline = Pipeline.create(specs, defaultOperators, ctx());
    const out: RecordBatch[] = [];
    for (const b of batches) pipeline.push(b, 0, out);
    out.push(...(await pipeline.finish()));
    return out;
  };
  const windowRows: RecordBatch[] = [];
  const paneRows: RecordBatch[] = [];
  for (const t of tasks) {
    windowRows.push(...(await batchesOf(windowOps, t)));
    paneRows.push(...(await batchesOf(stages.mapOps, t)));
  }
  // With `paneState` in complete mode: the (pane, keys) rows PaneExpand leaves for the state store
  // make the same windows, also read back from their key text (no decoded values, as from Redis).
  const stateCtx: TaskContext = { ...ctx(), state: { store: undefined as never, batchId: 0, lateBeforeUs: null, evictBeforeUs: null, outputMode: 'complete', emit: 'updated' } };
  const paneStateOps = paneStatePlan({ reduceOps: stages.reduceOps }).reduceOps;
  const pipeline = Pipeline.create(paneStateOps, defaultOperators, stateCtx);
  const expanded: RecordBatch[] = [];
  for (const b of paneRows) pipeline.push(b, 0, expanded);
  expanded.push(...(await pipeline.finish()));
  const left = stateCtx.state?.paneRows;
  // Each pane row's identity is the one its grouping values give ([pane, key]).
  for (const r of left?.rows ?? []) expect({ group: r.group, member: r.member }).toEqual(stateKeyOf(r.keyValues ?? []));
  const fromPanes = left && merged([left.windows(left.rows)]);
  const readBack = left && merged([left.windows(left.rows.map((r) => ({ ...stateKeyFromText(stateKeyText(r)), eventTimeUs: null, buffers: r.buffers })))]);
  return { windows: merged(windowRows), panes: merged(await batchesOf(stages.reduceOps, paneRows)), paneState: { expanded: merged(expanded), fromPanes, readBack } };
}

describe('PaneExpand (the reduce side of a pane shuffle)', () => {
  it('gives the (window, keys) partials window partials give, over map tasks with several panes each', async () => {
    const rnd = seededRandom(91);
    for (let trial = 0; trial < 40; trial++) {
      const slide = 1 + Math.floor(rnd() * 6);
      const width = slide * (1 + Math.floor(rnd() * 4)) + (rnd() < 0.4 ? Math.floor(rnd() * slide) : 0);
      const start = Math.floor(rnd() * (2 * slide - 1)) - (slide - 1);
      const agg = aggregateOf(
        analyzed((src) => ({
          kind: 'aggregate',
          input: src,
          groupType: 'groupby',
          grouping: trial % 2 === 0 ? [windowOf(E.col('t'), `${width} seconds`, `${slide} seconds`, `${start} seconds`), E.col('word')] : [E.col('x'), windowOf(E.col('t'), `${width} seconds`, `${slide} seconds`, `${start} seconds`), E.col('word')],
          aggregates: ORDER_FREE,
        })),
      );
      const tasks = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => randomBatches(rnd, S, undefined));
      const { windows, panes, paneState } = await reducedBothWays(agg, tasks);
      expect(windows.length).toBeGreaterThan(0);
      expect(panes, `trial ${trial}: window ${width} s, slide ${slide} s, start ${start} s`).toEqual(windows);
      expect(paneState.expanded).toEqual(windows);
      // Pane rows for the state only with one key besides the window (a string word here).
      expect(paneState.fromPanes).toEqual(trial % 2 === 0 ? windows : undefined);
      expect(paneState.readBack).toEqual(trial % 2 === 0 ? windows : undefined);
    }
  });

  it('keeps order-bound buffers exact (merged in task order) when the time is the batch constant', async () => {
    const rnd = seededRandom(17);
    for (let trial = 0; trial < 15; trial++) {
      const agg = aggregateOf(
        analyzed((src) => ({
          kind: 'aggregate',
          input: src,
          groupType: 'groupby',
          grouping: [E.col('word'), windowOf(E.col('t'), '60 seconds', '5 seconds', '0 seconds')],
          aggregates: [...ORDER_FREE, ...ORDER_BOUND],
        })),
      );
      const time = Math.floor((rnd() * 200 - 100) * S);
      const tasks = Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => randomBatches(rnd, S, time));
      const { windows, panes } = await reducedBothWays(agg, tasks);
      expect(panes, `trial ${trial}`).toEqual(windows);
    }
  });
});

describe('the streaming planner', () => {
  const mapOps = (plan: (source: LogicalPlan) => LogicalPlan): string[] =>
    planStreamingQuery(analyzed(plan), 'update', 4, env.runtime.registry, resolve).mapOps.map((o) => o.name);
  const grouped = (time: Expr, aggregates: Expr[], extra: (src: LogicalPlan) => LogicalPlan = (s) => s) => (src: LogicalPlan): LogicalPlan => ({
    kind: 'aggregate',
    input: extra(src),
    groupType: 'groupby',
    grouping: [windowOf(time, '60 seconds', '5 seconds', '0 seconds'), E.col('word')],
    aggregates,
  });
  const withNow = (src: LogicalPlan): LogicalPlan => ({
    kind: 'withWatermark',
    input: { kind: 'withColumns', input: src, columns: [{ name: 'now', expr: call('current_timestamp') }] },
    eventTime: 'now',
    delay: '5 seconds',
  });

  it('aggregates pane first for order-free buffers over any time, and for any buffer over the batch clock', () => {
    expect(mapOps(grouped(E.col('t'), ORDER_FREE))).toEqual(['PaneAggregate']);
    expect(mapOps(grouped(E.col('now'), [...ORDER_FREE, ...ORDER_BOUND], withNow))).toEqual(['Project', 'EventTimeWatermark', 'PaneAggregate']);
  });

  it('keeps TimeWindow + PartialAggregate where panes could change a result', () => {
    // Order-bound buffers over a time that varies by row.
    expect(mapOps(grouped(E.col('t'), [call('avg', E.col('x'))]))).toEqual(['TimeWindow', 'PartialAggregate']);
    expect(mapOps(grouped(call('timestamp_seconds', call('rand')), [call('collect_list', E.col('x'))]))).toEqual(['TimeWindow', 'PartialAggregate']);
    // An aggregate reading the window itself.
    expect(mapOps(grouped(E.col('t'), [call('max', E.col('window.end'))]))).toEqual(['TimeWindow', 'PartialAggregate']);
    // Grouping by an expression of the window rather than the window.
    expect(
      mapOps((src) => ({ kind: 'aggregate', input: src, groupType: 'groupby', grouping: [E.col('word')], aggregates: [call('max', call('window', E.col('t'), E.lit('10 seconds', T.string)))] })),
    ).toEqual(['TimeWindow', 'PartialAggregate']);
  });
});

describe('a batch aggregation over a time window', () => {
  it('runs pane first and gives TimeWindow + PartialAggregate’s rows in their order (NULL time dropped, negative times, start offset)', async () => {
    const w = `window(timestamp_micros(us), '10 seconds', '4 seconds', '1 second')`;
    const query = `SELECT ${w} AS w, word, count(*) AS n, sum(x) AS s, min(x) AS mn, max(us) AS mx
      FROM VALUES (-3000000, 'a', 1), (1000000, 'a', 2), (4500000, 'b', 3), (NULL, 'a', 4), (9000000, 'a', NULL), (-9000001, NULL, 5) AS v(us, word, x)
      GROUP BY ${w}, word`;
    const out = await env.session.execute({ kind: 'sql', query, namedArgs: {}, posArgs: [] });
    // What the TimeWindow + PartialAggregate path gave for this query, row for row.
    expect(batchToRows(out)).toEqual([
      [[-3 * S, 7 * S], 'a', 2, 3, 1, 1 * S],
      [[-7 * S, 3 * S], 'a', 2, 3, 1, 1 * S],
      [[-11 * S, -1 * S], 'a', 1, 1, 1, -3 * S],
      [[1 * S, 11 * S], 'a', 2, 2, 2, 9 * S],
      [[1 * S, 11 * S], 'b', 1, 3, 3, 4.5 * S],
      [[-3 * S, 7 * S], 'b', 1, 3, 3, 4.5 * S],
      [[9 * S, 19 * S], 'a', 1, null, null, 9 * S],
      [[5 * S, 15 * S], 'a', 1, null, null, 9 * S],
      [[-11 * S, -1 * S], null, 1, 5, 5, -9 * S - 1],
      [[-15 * S, -5 * S], null, 1, 5, 5, -9 * S - 1],
      [[-19 * S, -9 * S], null, 1, 5, 5, -9 * S - 1],
    ]);
  });
});
