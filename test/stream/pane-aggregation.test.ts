import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStream } from '../../engine/connectors/index.js';
import { E, type Expr } from '../../engine/expr/expr.js';
import { planStreamingQuery } from '../../engine/physical/streaming-planner.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { T } from '../../engine/types/data-type.js';
import { schemaOf } from '../../engine/types/schema.js';
import { seededRandom } from '../../engine/util/random.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { Q } from './queries.js';
import { AddData, AssertOnQuery, CheckAnswer, type StreamAction, testStream } from './stream-test.js';

/**
 * Sliding-window aggregations over random event times, run through the whole engine (map stage,
 * shuffle, state, memory sink) batch after batch, against counts worked out here row by row:
 * the pane-first map stage (order-free aggregates) and the TimeWindow path (an order-bound
 * aggregate among them) must both give them.
 */
let env: LocalRuntime;
beforeAll(() => {
  env = localRuntime({ conf: { 'spark.sql.shuffle.partitions': '3' } });
});
afterAll(async () => {
  await env.close();
});

const S = 1_000_000;
const call = (fn: string, ...args: Expr[]): Expr => E.call(fn, args);

interface Spec {
  readonly widthS: number;
  readonly slideS: number;
  readonly startS: number;
}

type Row = [number | null, string | null, number | null];

function query(stream: MemoryStream, w: Spec, withAvg: boolean): LogicalPlan {
  const timed = Q.withColumn(Q.read(stream), 't', call('timestamp_micros', E.col('us')));
  const window = call('window', E.col('t'), E.lit(`${w.widthS} seconds`, T.string), E.lit(`${w.slideS} seconds`, T.string), E.lit(`${w.startS} seconds`, T.string));
  const aggregates = [Q.count(), call('sum', E.col('x')), call('min', E.col('x')), call('max', E.col('t')), ...(withAvg ? [call('avg', E.col('x'))] : [])];
  return Q.groupBy(Q.withWatermark(timed, 't', '1 hour'), [window, E.col('word')], aggregates);
}

/** Every (window, word) over all rows so far, row by row: windows found by walking starts, not by TimeWindow's arithmetic. */
function expected(rows: readonly Row[], w: Spec, withAvg: boolean): unknown[][] {
  const groups = new Map<string, { start: number; word: string | null; xs: number[]; n: number; maxT: number }>();
  const width = w.widthS * S;
  const slide = w.slideS * S;
  for (const [us, word, x] of rows) {
    if (us === null) continue;
    for (let start = w.startS * S + Math.floor((us - w.startS * S) / slide) * slide; start > us - width; start -= slide) {
      const key = JSON.stringify([start, word]);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { start, word, xs: [], n: 0, maxT: us }));
      g.n++;
      g.maxT = Math.max(g.maxT, us);
      if (x !== null) g.xs.push(x);
    }
  }
  return [...groups.values()].map((g) => {
    const sum = g.xs.length ? g.xs.reduce((a, b) => a + b, 0) : null;
    const row = [[g.start, g.start + width], g.word, g.n, sum, g.xs.length ? Math.min(...g.xs) : null, g.maxT];
    return withAvg ? [...row, sum === null ? null : sum / g.xs.length] : row;
  });
}

function randomRows(rnd: () => number, n: number): Row[] {
  const words = ['a', 'b', 'c', null];
  return Array.from({ length: n }, (): Row => {
    const us = rnd() < 0.08 ? null : rnd() < 0.3 ? Math.round(rnd() * 60 - 30) * S : Math.floor((rnd() * 60 - 30) * S);
    return [us, words[Math.floor(rnd() * words.length)] ?? null, rnd() < 0.1 ? null : Math.floor(rnd() * 100 - 50)];
  });
}

describe('sliding windows over random event times, pane first or not', () => {
  const specs: Spec[] = [
    { widthS: 10, slideS: 4, startS: 1 },
    { widthS: 60, slideS: 5, startS: 0 },
    { widthS: 9, slideS: 6, startS: -5 },
    { widthS: 7, slideS: 7, startS: 3 },
  ];
  for (const withAvg of [false, true]) {
    for (const w of specs) {
      it(`window ${w.widthS} s, slide ${w.slideS} s, start ${w.startS} s${withAvg ? ', with avg (TimeWindow path)' : ''}`, async () => {
        const stream = new MemoryStream(schemaOf([T.field('us', T.long), T.field('word', T.string), T.field('x', T.integer)]));
        const plan = query(stream, w, withAvg);
        const mapOps = planStreamingQuery(env.session.analyze(plan), 'complete', 3, env.runtime.registry, { timeZone: 'UTC', ansi: false }).mapOps;
        expect(mapOps.map((o) => o.name).slice(-1)).toEqual([withAvg ? 'PartialAggregate' : 'PaneAggregate']);
        const rnd = seededRandom(w.widthS * 100 + w.slideS + (withAvg ? 7 : 0));
        const all: Row[] = [];
        const actions: StreamAction[] = [];
        let last: Row[] = [];
        for (let batch = 0; batch < 3; batch++) {
          last = randomRows(rnd, 30 + Math.floor(rnd() * 50));
          all.push(...last);
          actions.push(AddData(stream, ...last), CheckAnswer(...expected([...all], w, withAvg)));
        }
        const maxEventUs = Math.max(...last.flatMap(([us]) => (us === null ? [] : [us])));
        actions.push(
          AssertOnQuery('the watermark follows the raw rows’ max event time', (q) =>
            expect(q.lastProgress()?.eventTime['max']).toBe(new Date(Math.floor(maxEventUs / 1000)).toISOString()),
          ),
        );
        await testStream(env, plan, { outputMode: 'complete' }, actions);
      });
    }
  }
});
