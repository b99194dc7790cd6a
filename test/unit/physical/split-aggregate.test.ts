import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchToRows, concatBatches, recordBatch, sliceBatch, type RecordBatch } from '../../../engine/batch/record-batch.js';
import { isUtf8Lines, utf8LinesVector } from '../../../engine/batch/utf8-lines.js';
import { constVector, valuesVector, type Vector } from '../../../engine/batch/vector.js';
import { MemoryStream } from '../../../engine/connectors/index.js';
import { E, type Expr } from '../../../engine/expr/expr.js';
import { Pipeline, type OperatorSpec, type TaskContext } from '../../../engine/physical/operator.js';
import { defaultOperators } from '../../../engine/physical/operators/index.js';
import type { SplitAggregateConfig } from '../../../engine/physical/operators/split-aggregate.js';
import { WordCounter } from '../../../engine/physical/operators/split-words.js';
import { Utf8WordCounter } from '../../../engine/physical/operators/split-words-utf8.js';
import { unfusedOps } from '../../../engine/physical/split-aggregate-planning.js';
import { planStreamingQuery } from '../../../engine/physical/streaming-planner.js';
import { newTaskMetrics, type TaskMetrics } from '../../../engine/physical/task-metrics.js';
import type { LogicalPlan } from '../../../engine/plan/logical-plan.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';
import { seededRandom } from '../../../engine/util/random.js';
import { localRuntime, type LocalRuntime } from '../../support/local-runtime.js';

let env: LocalRuntime;
beforeAll(() => {
  env = localRuntime();
});
afterAll(async () => {
  await env.close();
});

const input = schemaOf([T.field('line', T.string), T.field('x', T.integer)]);
const resolve = { timeZone: 'UTC', ansi: false };
const call = (fn: string, ...args: Expr[]): Expr => E.call(fn, args);
const str = (s: string): Expr => E.lit(s, T.string);

function read(): LogicalPlan {
  return { kind: 'read', source: { type: 'dataSource', format: 'memory-stream', options: { name: new MemoryStream(input).id }, paths: [] }, isStreaming: true };
}

/** `select(<generator>(split(line, pattern[, limit])).alias('word'), ...more)` */
const words = (src: LogicalPlan, o: { gen?: string; pattern?: string; limit?: number; more?: Expr[] } = {}): LogicalPlan => {
  const args = [E.col('line'), str(o.pattern ?? ' '), ...(o.limit === undefined ? [] : [E.lit(o.limit, T.integer)])];
  return { kind: 'project', input: src, exprs: [E.alias(call(o.gen ?? 'explode', call('split', ...args)), 'word'), ...(o.more ?? [])] };
};
const withNow = (src: LogicalPlan): LogicalPlan => ({
  kind: 'withWatermark',
  input: { kind: 'withColumns', input: src, columns: [{ name: 'now', expr: call('current_timestamp') }] },
  eventTime: 'now',
  delay: '5 seconds',
});
const windowOf = (time: Expr, w: string, s: string): Expr => call('window', time, str(w), str(s));
const grouped = (src: LogicalPlan, grouping: Expr[], aggregates: Expr[] = [call('count', E.lit(1, T.integer))]): LogicalPlan => ({
  kind: 'aggregate',
  input: src,
  groupType: 'groupby',
  grouping,
  aggregates,
});

function mapOps(plan: LogicalPlan): readonly OperatorSpec[] {
  return planStreamingQuery(env.session.analyze(plan), 'update', 4, env.runtime.registry, resolve).mapOps;
}

const ctx = (metrics: TaskMetrics): TaskContext => ({ batchTimestampUs: 1_700_000_000_123_456, timeZone: 'UTC', ansi: false, registry: env.runtime.registry, metrics });

async function run(specs: readonly OperatorSpec[], batches: readonly RecordBatch[]): Promise<{ rows: unknown[][]; metrics: TaskMetrics }> {
  const metrics = newTaskMetrics();
  const pipeline = Pipeline.create(specs, defaultOperators, ctx(metrics));
  const out: RecordBatch[] = [];
  for (const b of batches) pipeline.push(b, 0, out);
  out.push(...(await pipeline.finish()));
  const schema = out[0]?.schema;
  return { rows: schema ? batchToRows(concatBatches(schema, out)) : [], metrics };
}

const VOCABULARY = ['a', 'b', 'bb', 'ab', 'c', 'é', '😀', ''];

/** Lines of random words with doubled, leading and trailing spaces, empty and NULL lines, and a batch of one repeated line. */
function randomBatches(rnd: () => number): RecordBatch[] {
  const pick = <X>(xs: readonly X[]): X => xs[Math.floor(rnd() * xs.length)] as X;
  const line = (): string | null => {
    if (rnd() < 0.08) return null;
    if (rnd() < 0.05) return ' '.repeat(Math.floor(rnd() * 3));
    return Array.from({ length: Math.floor(rnd() * 6) }, () => pick(VOCABULARY)).join(' ');
  };
  const batches: RecordBatch[] = [];
  for (let b = 0; b < 1 + Math.floor(rnd() * 4); b++) {
    const n = Math.floor(rnd() * 30);
    const xs = valuesVector(Array.from({ length: n }, () => Math.floor(rnd() * 10)));
    batches.push(recordBatch(input, n, [valuesVector(Array.from({ length: n }, line)), xs]));
  }
  batches.push(recordBatch(input, 3, [constVector(' a  b '), constVector(1)]));
  return batches;
}

/** Plans the query, expects the map stage to end in SplitAggregate, and runs it and the operators it replaced over the same lines. */
async function bothPaths(plan: LogicalPlan, seed: number): Promise<void> {
  const ops = mapOps(plan);
  const fused = ops[ops.length - 1];
  expect(fused?.name).toBe('SplitAggregate');
  const unfused = [...ops.slice(0, -1), ...unfusedOps(fused?.config as SplitAggregateConfig)];
  const rnd = seededRandom(seed);
  for (let trial = 0; trial < 25; trial++) {
    const batches = randomBatches(rnd);
    const a = await run(unfused, batches);
    const b = await run(ops, batches);
    expect(a.rows.length).toBeGreaterThan(0);
    expect(b.rows, `trial ${trial}`).toEqual(a.rows);
    expect(b.metrics.eventTime, `trial ${trial}`).toEqual(a.metrics.eventTime);
  }
}

describe('SplitAggregate', () => {
  it('gives the rows of Generate(explode(split)) + PaneAggregate over the batch clock, and the same watermark statistics', async () => {
    await bothPaths(grouped(withNow(words(read())), [windowOf(E.col('now'), '60 seconds', '30 seconds'), E.col('word')]), 1);
  });

  it('gives the rows of Generate + PartialAggregate, with several integral sums and keys derived from the word', async () => {
    const aggs = [call('count', E.lit(1, T.integer)), call('sum', call('length', E.col('word'))), call('count_if', call('==', E.col('word'), str('a'))), call('count', E.col('word'))];
    await bothPaths(grouped(words(read()), [E.col('word')], aggs), 2);
    await bothPaths(grouped(words(read()), [call('upper', E.col('word')), call('length', E.col('word'))], aggs), 3);
  });

  it('gives the rows of several panes when the window time varies with the word, and other literal separators', async () => {
    const time = call('timestamp_seconds', call('*', call('length', E.col('word')), E.lit(7, T.integer)));
    await bothPaths(grouped(words(read()), [windowOf(time, '10 seconds', '5 seconds'), E.col('word')]), 4);
    await bothPaths(grouped(words(read(), { pattern: 'b' }), [E.col('word')]), 5);
    await bothPaths(grouped(words(read(), { pattern: '\\.', limit: 0 }), [E.col('word')]), 6);
  });

  it('is not planned where counting words would change a result', () => {
    const last = (plan: LogicalPlan): string | undefined => mapOps(plan).at(-1)?.name;
    const count = (src: LogicalPlan): LogicalPlan => grouped(src, [E.col('word')]);
    expect(last(count(words(read())))).toBe('SplitAggregate');
    // explode_outer, posexplode, a regex or multi-character pattern, a positive limit.
    expect(last(count(words(read(), { gen: 'explode_outer' })))).toBe('PartialAggregate');
    expect(last(count(words(read(), { pattern: ' +' })))).toBe('PartialAggregate');
    expect(last(count(words(read(), { pattern: 'ab' })))).toBe('PartialAggregate');
    expect(last(count(words(read(), { limit: 2 })))).toBe('PartialAggregate');
    // An input column carried past the generator.
    expect(last(grouped(words(read(), { more: [E.col('x')] }), [E.col('word')], [call('sum', E.col('x'))]))).toBe('PartialAggregate');
    // Buffers that are not integral sums; a random key; a filter in between.
    expect(last(grouped(words(read()), [E.col('word')], [call('min', E.col('word'))]))).toBe('PartialAggregate');
    const withRand: LogicalPlan = { kind: 'withColumns', input: words(read()), columns: [{ name: 'r', expr: call('rand') }] };
    expect(last(grouped(withRand, [E.col('word')], [call('count_if', call('>', E.col('r'), E.lit(0.5, T.double)))]))).toBe('PartialAggregate');
    expect(last(grouped(words(read()), [E.col('word'), call('rand')]))).toBe('PartialAggregate');
    expect(last(count({ kind: 'filter', input: words(read()), condition: call('!=', E.col('word'), str('')) }))).toBe('PartialAggregate');
  });
});

describe('WordCounter', () => {
  it('counts what String.prototype.split gives, distinct words in first-seen order, across a growing table', () => {
    const counter = new WordCounter(' ');
    const rnd = seededRandom(11);
    for (let round = 0; round < 5; round++) {
      // Enough distinct words to make the table grow several times.
      const lines = Array.from({ length: 400 }, () => (rnd() < 0.05 ? null : Array.from({ length: Math.floor(rnd() * 8) }, () => `w${Math.floor(rnd() * 3000)}`).join(rnd() < 0.2 ? '  ' : ' ')));
      const expected = new Map<string, number>();
      for (const l of lines) if (l !== null) for (const w of l.split(' ')) expected.set(w, (expected.get(w) ?? 0) + 1);
      const { words: got, weights } = counter.count(valuesVector(lines), lines.length);
      expect(got).toEqual([...expected.keys()]);
      expect(Array.from(weights)).toEqual([...expected.values()]);
    }
  });
});

describe('lines kept as UTF-8 bytes (a socket split)', () => {
  const encoder = new TextEncoder();
  const utf8Batch = (lines: readonly string[]): RecordBatch =>
    recordBatch(input, lines.length, [utf8LinesVector(encoder.encode(lines.join('\n')), lines.length), constVector(1)]);
  const stringBatch = (lines: readonly string[]): RecordBatch => recordBatch(input, lines.length, [valuesVector([...lines]), constVector(1)]);
  const randomLines = (rnd: () => number, n: number): string[] =>
    Array.from({ length: n }, () => Array.from({ length: Math.floor(rnd() * 6) }, () => VOCABULARY[Math.floor(rnd() * VOCABULARY.length)] as string).join(rnd() < 0.2 ? '  ' : ' '));

  it('Utf8WordCounter counts what split gives on the decoded lines, with multibyte words, across a growing table', () => {
    const counter = new Utf8WordCounter(' ');
    const rnd = seededRandom(12);
    for (let round = 0; round < 5; round++) {
      const lines = Array.from({ length: 400 }, () => Array.from({ length: Math.floor(rnd() * 8) }, () => `w${Math.floor(rnd() * 3000)}${rnd() < 0.3 ? 'é😀' : ''}`).join(rnd() < 0.2 ? '  ' : ' '));
      const expected = new Map<string, number>();
      for (const l of lines) for (const w of l.split(' ')) expected.set(w, (expected.get(w) ?? 0) + 1);
      const { words: got, weights } = counter.count(encoder.encode(lines.join('\n')), lines.length);
      expect(got).toEqual([...expected.keys()]);
      expect(Array.from(weights)).toEqual([...expected.values()]);
    }
    expect(counter.count(new Uint8Array(0), 1)).toEqual({ words: [''], weights: new Float64Array([1]) });
    expect(counter.count(new Uint8Array(0), 0).words).toEqual([]);
  });

  it('SplitAggregate gives the same rows from the bytes as from the strings, also sliced as a map task slices', async () => {
    const ops = mapOps(grouped(words(read()), [E.col('word')]));
    expect(ops.at(-1)?.name).toBe('SplitAggregate');
    const rnd = seededRandom(13);
    for (let trial = 0; trial < 10; trial++) {
      const lines = randomLines(rnd, 1 + Math.floor(rnd() * 40));
      const cut = Math.floor(rnd() * lines.length);
      const fromBytes = utf8Batch(lines);
      const sliced = [sliceBatch(fromBytes, 0, cut), sliceBatch(fromBytes, cut, lines.length)];
      expect(sliced.every((b) => isUtf8Lines(b.columns[0] as Vector))).toBe(true);
      expect(sliced.flatMap((b) => [...(b.columns[0] as Vector & { values: unknown[] }).values])).toEqual(lines);
      const a = await run(ops, [stringBatch(lines)]);
      expect((await run(ops, [fromBytes])).rows, `trial ${trial}`).toEqual(a.rows);
      expect((await run(ops, sliced)).rows, `trial ${trial} sliced`).toEqual(a.rows);
    }
  });
});
