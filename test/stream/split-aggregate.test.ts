import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryStream } from '../../engine/connectors/index.js';
import { E, type Expr } from '../../engine/expr/expr.js';
import { planStreamingQuery } from '../../engine/physical/streaming-planner.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { T } from '../../engine/types/data-type.js';
import { schemaOf } from '../../engine/types/schema.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { Q } from './queries.js';
import { AddData, AssertOnQuery, CheckAnswer, StartStream, StopStream, testStream, type StreamAction } from './stream-test.js';

/**
 * The word count with its words counted straight from the lines (SplitAggregate), through the whole
 * engine batch after batch and across a restart from the checkpoint, against counts made here with
 * String.prototype.split: empty words of doubled and trailing spaces, empty and NULL lines included.
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

function words(stream: MemoryStream): LogicalPlan {
  return Q.select(Q.read(stream), E.alias(call('explode', call('split', E.col('line'), E.lit(' ', T.string))), 'word'));
}

const BATCHES: (string | null)[][] = [
  ['a b a', 'cat  dog ', '', null, 'é 😀 a'],
  ['a', ' b', 'dog dog dog'],
  ['zz a', null, '   '],
];

function splitWords(lines: readonly (string | null)[]): string[] {
  return lines.flatMap((l) => (l === null ? [] : l.split(' ')));
}

async function run(plan: LogicalPlan, stream: MemoryStream, expected: (lines: (string | null)[]) => unknown[][], extra: StreamAction[] = []): Promise<void> {
  const mapOps = planStreamingQuery(env.session.analyze(plan), 'complete', 3, env.runtime.registry, { timeZone: 'UTC', ansi: false }).mapOps;
  expect(mapOps.at(-1)?.name).toBe('SplitAggregate');
  const all: (string | null)[] = [];
  const actions: StreamAction[] = [];
  for (const [i, lines] of BATCHES.entries()) {
    all.push(...lines);
    actions.push(AddData(stream, ...lines.map((l) => [l])), CheckAnswer(...expected([...all])));
    if (i === 1) actions.push(StopStream, StartStream());
  }
  await testStream(env, plan, { outputMode: 'complete' }, [...actions, ...extra]);
}

describe('the word count, words counted from the lines', () => {
  it('groupBy(word).count(), across a restart', async () => {
    const stream = new MemoryStream(schemaOf([T.field('line', T.string)]));
    const plan = Q.groupBy(words(stream), [E.col('word')], [Q.count()]);
    await run(plan, stream, (lines) => {
      const counts = new Map<string, number>();
      for (const w of splitWords(lines)) counts.set(w, (counts.get(w) ?? 0) + 1);
      return [...counts].map(([w, n]) => [w, n]);
    });
  });

  it('sliding windows over a time made from the word, with a watermark, across a restart', async () => {
    const stream = new MemoryStream(schemaOf([T.field('line', T.string)]));
    const timed = Q.withWatermark(Q.withColumn(words(stream), 't', call('timestamp_seconds', call('length', E.col('word')))), 't', '1 hour');
    const plan = Q.groupBy(timed, [Q.window('t', '10 seconds', '5 seconds'), E.col('word')], [Q.count()]);
    const lastMaxS = Math.max(...splitWords(BATCHES.at(-1) ?? []).map((w) => w.length));
    await run(
      plan,
      stream,
      (lines) => {
        const counts = new Map<string, { start: number; word: string; n: number }>();
        for (const w of splitWords(lines)) {
          const t = w.length * S;
          for (let start = Math.floor(t / (5 * S)) * 5 * S; start > t - 10 * S; start -= 5 * S) {
            const key = `${start} ${w}`;
            const g = counts.get(key) ?? { start, word: w, n: 0 };
            g.n++;
            counts.set(key, g);
          }
        }
        return [...counts.values()].map((g) => [[g.start, g.start + 10 * S], g.word, g.n]);
      },
      [
        AssertOnQuery('the watermark statistics count every word', (q) =>
          expect(q.lastProgress()?.eventTime['max']).toBe(new Date(lastMaxS * 1000).toISOString()),
        ),
      ],
    );
  });
});
