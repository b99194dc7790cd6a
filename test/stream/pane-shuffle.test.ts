import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batchToRows } from '../../engine/batch/record-batch.js';
import { E } from '../../engine/expr/expr.js';
import type { PaneAggregateConfig } from '../../engine/physical/operators/pane-aggregate.js';
import { planStreamingQuery, windowLevelShuffle } from '../../engine/physical/streaming-planner.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { ManualClock } from '../../engine/util/clock.js';
import { seededRandom } from '../../engine/util/random.js';
import { PANE_SHUFFLE_CONF } from '../../master/streaming/resume-point.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { Q } from './queries.js';

/**
 * Pane partials shuffled by their keys (`paneShuffleStages`): the planner picks it for a sliding
 * window aggregation done pane first; batch after batch, through a restart, in every output mode
 * and with late rows, the sink gets exactly the rows window-level shuffling gives; a checkpoint
 * started without the scheme keeps window-level shuffling (its state rows are where those hash).
 */
const ENTRY = new URL('../../dist/worker/thread-entry.js', import.meta.url);
const SPLITS = { 'spark.sql.files.openCostInBytes': '4', 'spark.sql.files.maxPartitionBytes': '60' };

const read = (dir: string): LogicalPlan => ({ kind: 'read', source: { type: 'dataSource', format: 'text', options: {}, paths: [dir] }, isStreaming: true });

/** Lines `seconds word`: event time and word, grouped by (60 s window sliding by 5 s, word). */
function query(dir: string, withWatermark: boolean): LogicalPlan {
  const timed = Q.withColumn(Q.withColumn(read(dir), 't', E.exprString("timestamp_seconds(cast(split(value, ' ')[0] as long))")), 'word', E.exprString("split(value, ' ')[1]"));
  const input = withWatermark ? Q.withWatermark(timed, 't', '20 seconds') : timed;
  return Q.groupBy(input, [Q.window('t', '60 seconds', '5 seconds'), E.col('word')], [Q.count(), E.call('max', [E.col('t')]), E.call('min', [E.exprString('length(value)')])]);
}

/** Q2 of the bench: the batch's clock as the time, so one pane per batch (order-bound aggregates allowed). */
function clockQuery(dir: string): LogicalPlan {
  const timed = Q.withColumn(read(dir), 'timestamp', E.call('current_timestamp', []));
  return Q.groupBy(timed, [Q.window('timestamp', '60 seconds', '5 seconds'), E.col('value')], [Q.count(), E.call('collect_list', [E.col('value')])]);
}

type Mode = 'append' | 'update' | 'complete';

/** Batches of files (several splits each): event times moving forward, some rows late. */
function batches(seed: number, n: number): string[][][] {
  const rnd = seededRandom(seed);
  const out: string[][][] = [];
  for (let b = 0; b < n; b++) {
    const files: string[][] = [];
    for (let f = 0; f < 3; f++) {
      const lines: string[] = [];
      for (let l = 0; l < 15; l++) {
        const late = rnd() < 0.15;
        const s = late ? Math.floor(rnd() * 40) : 40 * b + Math.floor(rnd() * 50);
        lines.push(`${s} w${Math.floor(rnd() * 9)}`);
      }
      files.push(lines);
    }
    out.push(files);
  }
  return out;
}

const sorted = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();

interface Run {
  readonly env: LocalRuntime;
  readonly dir: string;
  readonly checkpoint: string;
}

/** Runs `input`'s batches into a memory sink, restarting the query before batch `restartAt`: the table after each batch, sorted. */
async function runBatches(run: Run, plan: LogicalPlan, mode: Mode, input: readonly string[][][], restartAt: number, between?: () => void): Promise<string[][]> {
  const { env, dir, checkpoint } = run;
  const seen: string[][] = [];
  const start = () =>
    env.session.startStream({ input: plan, format: 'memory', options: { checkpointLocation: checkpoint, '_kindling.test.recoverMemorySink': 'true' }, outputMode: mode, queryName: 'panes', trigger: { kind: 'default' } });
  let q = await start();
  for (let b = 0; b < input.length; b++) {
    if (b === restartAt) {
      await q.stop();
      between?.();
      q = await start();
    }
    (input[b] as string[][]).forEach((lines, f) => writeFileSync(join(dir, `b${b}-f${f}.txt`), `${lines.join('\n')}\n`));
    await q.processAllAvailable();
    const sink = env.session.catalog.memorySink('panes');
    if (!sink) throw new Error('no memory table');
    seen.push(sorted(batchToRows(sink.snapshot())));
  }
  expect(q.exception()).toBeUndefined();
  await q.stop();
  return seen;
}

function frozen(checkpoint: string): Record<string, string>[] {
  const dir = join(checkpoint, 'offsets');
  return readdirSync(dir)
    .filter((f) => /^\d+$/.test(f))
    .map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8').split('\n')[1] as string) as { conf: Record<string, string> }).conf);
}

/** The checkpoint as a Kindling from before the pane shuffle wrote it: no frozen value for it. */
function forgetPaneShuffle(checkpoint: string): void {
  const dir = join(checkpoint, 'offsets');
  for (const f of readdirSync(dir).filter((x) => /^\d+$/.test(x))) {
    const [v, meta, ...rest] = readFileSync(join(dir, f), 'utf8').split('\n');
    const m = JSON.parse(meta as string) as { conf: Record<string, string> };
    delete m.conf[PANE_SHUFFLE_CONF];
    writeFileSync(join(dir, f), [v, JSON.stringify(m), ...rest].join('\n'));
  }
}

describe('pane shuffle', () => {
  let env: LocalRuntime | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  // A clock that stands still: the batch clock (current_timestamp) is then one time for every batch of both runs,
  // so a batch crossing a 5 s pane boundary on the wall clock cannot split one run's counts differently.
  const fresh = (conf: Record<string, string>, threads = false): Run => {
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:02Z'));
    env = localRuntime({ clock, conf: { 'spark.sql.shuffle.partitions': '4', ...SPLITS, ...conf }, ...(threads ? { workers: 2, threadEntry: ENTRY } : {}) });
    const dir = join(env.dir, 'in');
    mkdirSync(dir);
    return { env, dir, checkpoint: join(env.dir, 'checkpoint') };
  };

  it('is planned for a pane-first window aggregation with other keys: exchange by the keys alone, PaneExpand before the state', () => {
    const run = fresh({});
    const plan = planStreamingQuery(run.env.session.analyze(query(run.dir, true)), 'update', 4, run.env.runtime.registry, { timeZone: 'UTC', ansi: false });
    expect(plan.mapOps.map((o) => o.name).slice(-1)).toEqual(['PaneAggregate']);
    expect((plan.mapOps.at(-1)?.config as PaneAggregateConfig).shuffleByKeys).toBe(true);
    expect(plan.exchange?.keyTypes.map((t) => t.kind)).toEqual(['string']);
    expect(plan.reduceOps.map((o) => o.name)).toEqual(['PaneExpand', 'StatefulAggregate']);
    const old = windowLevelShuffle(plan);
    expect((old.mapOps.at(-1)?.config as PaneAggregateConfig).shuffleByKeys).toBeUndefined();
    expect(old.exchange?.keyTypes.map((t) => t.kind)).toEqual(['struct', 'string']);
    expect(old.reduceOps.map((o) => o.name)).toEqual(['StatefulAggregate']);
    expect(old.paneShuffle).toBeUndefined();
    // The window alone as key: nothing to hash but the window, so window partials are shuffled.
    const windowOnly = Q.groupBy(Q.withColumn(read(run.dir), 't', E.call('current_timestamp', [])), [Q.window('t', '60 seconds', '5 seconds')], [Q.count()]);
    const plain = planStreamingQuery(run.env.session.analyze(windowOnly), 'update', 4, run.env.runtime.registry, { timeZone: 'UTC', ansi: false });
    expect(plain.mapOps.map((o) => o.name).slice(-1)).toEqual(['PaneAggregate']);
    expect(plain.paneShuffle).toBeUndefined();
    expect(plain.reduceOps.map((o) => o.name)).toEqual(['StatefulAggregate']);
  });

  for (const mode of ['update', 'append', 'complete'] as const) {
    it(`gives window-level shuffling's rows batch after batch, through a restart (${mode} mode, late rows, several map tasks)`, async () => {
      const input = batches(mode.length * 7, 5);
      const byScheme: string[][][] = [];
      for (const on of [true, false]) {
        const run = fresh({ [PANE_SHUFFLE_CONF]: String(on) });
        byScheme.push(await runBatches(run, query(run.dir, mode !== 'complete'), mode, input, 3));
        expect(frozen(run.checkpoint).every((c) => c[PANE_SHUFFLE_CONF] === String(on))).toBe(true);
        await env?.close();
        env = undefined;
      }
      const [panes, windows] = byScheme;
      expect(panes).toEqual(windows);
      expect((windows ?? []).flat().length).toBeGreaterThan(0);
    });
  }

  it('worker threads, the batch clock as time (one pane, collect_list): the same rows as window-level shuffling', async () => {
    const lines = Array.from({ length: 4 }, (_, f) => Array.from({ length: 20 }, (_, l) => `w${(f * 7 + l * 3) % 11}`));
    const byScheme: string[][][] = [];
    for (const on of [true, false]) {
      const run = fresh({ [PANE_SHUFFLE_CONF]: String(on) }, true);
      const rows = await runBatches(run, clockQuery(run.dir), 'complete', [lines], 1);
      // Windows differ between the runs (the clock): compare per word, its window count and its counts.
      byScheme.push(rows.map((b) => b.map((r) => { const [, word, n, list] = JSON.parse(r) as [unknown, string, number, string[]]; return JSON.stringify([word, n, [...list].sort()]); }).sort()));
      await env?.close();
      env = undefined;
    }
    expect(byScheme[0]).toEqual(byScheme[1]);
    expect(byScheme[0]?.[0]?.length).toBe(11 * 12);
  });

  it('the seed word count (explode(split), the batch clock) fuses into SplitAggregate over the pane shuffle, with the same counts', async () => {
    const seedQuery = (dir: string): LogicalPlan => {
      const words = Q.select(read(dir), E.alias(E.exprString("explode(split(value, ' '))"), 'word'));
      const timed = Q.withWatermark(Q.withColumn(words, 'timestamp', E.call('current_timestamp', [])), 'timestamp', '5 seconds');
      return Q.groupBy(timed, [Q.window('timestamp', '60 seconds', '5 seconds'), E.col('word')], [Q.count()]);
    };
    const lines = Array.from({ length: 3 }, (_, f) => Array.from({ length: 25 }, (_, l) => `w${(f * 5 + l) % 13} w${(l * 7) % 13}  w${l % 4}`));
    const byScheme: string[][][] = [];
    for (const on of [true, false]) {
      const run = fresh({ [PANE_SHUFFLE_CONF]: String(on) }, true);
      if (on) {
        const plan = planStreamingQuery(run.env.session.analyze(seedQuery(run.dir)), 'complete', 4, run.env.runtime.registry, { timeZone: 'UTC', ansi: false });
        const last = plan.mapOps.at(-1);
        expect(last?.name).toBe('SplitAggregate');
        const inner = (last?.config as { aggregate: { name: string; config: PaneAggregateConfig } }).aggregate;
        expect(inner.name).toBe('PaneAggregate');
        expect(inner.config.shuffleByKeys).toBe(true);
        expect(plan.reduceOps.map((o) => o.name)).toEqual(['PaneExpand', 'StatefulAggregate']);
      }
      const rows = await runBatches(run, seedQuery(run.dir), 'complete', [lines, lines.slice(1)], 1);
      byScheme.push(rows.map((b) => b.map((r) => { const [, word, n] = JSON.parse(r) as [unknown, string, number]; return JSON.stringify([word, n]); }).sort()));
      await env?.close();
      env = undefined;
    }
    expect(byScheme[0]).toEqual(byScheme[1]);
    // 13 words and the empty word (two spaces), in 12 windows each.
    expect(byScheme[1]?.at(-1)?.length).toBe(14 * 12);
  });

  it('a checkpoint without the frozen conf (started before the pane shuffle) resumes with window-level shuffling', async () => {
    const input = batches(5, 6);
    const reference = fresh({ [PANE_SHUFFLE_CONF]: 'false' });
    const expected = await runBatches(reference, query(reference.dir, true), 'update', input, 3);
    await env?.close();
    // Started window-level, then the checkpoint loses the key as an old one never had it; restarted
    // where a new query would shuffle panes.
    const run = fresh({ [PANE_SHUFFLE_CONF]: 'false' });
    const plan = query(run.dir, true);
    const seen = await runBatches(run, plan, 'update', input, 3, () => {
      forgetPaneShuffle(run.checkpoint);
      run.env.session.conf.set(PANE_SHUFFLE_CONF, 'true');
    });
    expect(seen).toEqual(expected);
    expect(frozen(run.checkpoint).every((c) => !(PANE_SHUFFLE_CONF in c))).toBe(true);
  });

  it('a new query freezes the pane shuffle in its offset log (default on)', async () => {
    const run = fresh({});
    await runBatches(run, query(run.dir, true), 'update', batches(3, 2), 99);
    const confs = frozen(run.checkpoint);
    expect(confs.length).toBeGreaterThanOrEqual(2);
    expect(confs.every((c) => c[PANE_SHUFFLE_CONF] === 'true')).toBe(true);
  });
});
