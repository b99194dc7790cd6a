import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { expect } from 'vitest';
import { batchToRows } from '../../engine/batch/record-batch.js';
import type { MemoryStream } from '../../engine/connectors/index.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import type { ManualClock } from '../../engine/util/clock.js';
import type { StreamingQuery } from '../../master/streaming/streaming-query.js';
import type { WriteStreamSpec } from '../../master/streaming/start-query.js';
import type { LocalRuntime } from '../support/local-runtime.js';
import { eventually } from '../support/eventually.js';

/**
 * Spark's StreamTest, in TypeScript: a script of actions run against a real query writing to a
 * memory sink with a checkpoint that survives StopStream/StartStream. On failure the script is
 * printed with an arrow at the failing step.
 */
export type StreamAction =
  | { readonly kind: 'AddData'; readonly stream: MemoryStream; readonly rows: unknown[][] }
  | { readonly kind: 'CheckLastBatch'; readonly rows: unknown[][] }
  | { readonly kind: 'CheckAnswer'; readonly rows: unknown[][] }
  | { readonly kind: 'CheckNewAnswer'; readonly rows: unknown[][] }
  | { readonly kind: 'StopStream' }
  | { readonly kind: 'StartStream'; readonly trigger?: WriteStreamSpec['trigger'] }
  | { readonly kind: 'AdvanceManualClock'; readonly ms: number }
  | { readonly kind: 'ProcessAllAvailable' }
  | { readonly kind: 'AssertOnQuery'; readonly message: string; readonly check: (q: StreamingQuery) => void | Promise<void> }
  | { readonly kind: 'Execute'; readonly run: (ctx: StreamContext) => void | Promise<void> }
  | { readonly kind: 'ExpectFailure'; readonly contains: string };

export const AddData = (stream: MemoryStream, ...values: unknown[]): StreamAction => ({
  kind: 'AddData',
  stream,
  rows: values.map((v) => (Array.isArray(v) ? v : [v])),
});
export const CheckLastBatch = (...rows: unknown[][]): StreamAction => ({ kind: 'CheckLastBatch', rows });
export const CheckAnswer = (...rows: unknown[][]): StreamAction => ({ kind: 'CheckAnswer', rows });
export const CheckNewAnswer = (...rows: unknown[][]): StreamAction => ({ kind: 'CheckNewAnswer', rows });
export const StopStream: StreamAction = { kind: 'StopStream' };
export const StartStream = (trigger?: WriteStreamSpec['trigger']): StreamAction =>
  trigger ? { kind: 'StartStream', trigger } : { kind: 'StartStream' };
export const AdvanceManualClock = (ms: number): StreamAction => ({ kind: 'AdvanceManualClock', ms });
export const ProcessAllAvailable: StreamAction = { kind: 'ProcessAllAvailable' };
export const AssertOnQuery = (message: string, check: (q: StreamingQuery) => void | Promise<void>): StreamAction => ({
  kind: 'AssertOnQuery',
  message,
  check,
});
export const Execute = (run: (ctx: StreamContext) => void | Promise<void>): StreamAction => ({ kind: 'Execute', run });
export const ExpectFailure = (contains: string): StreamAction => ({ kind: 'ExpectFailure', contains });

export interface StreamTestOptions {
  readonly outputMode: 'append' | 'update' | 'complete';
  readonly trigger?: WriteStreamSpec['trigger'];
  readonly clock?: ManualClock;
  /** Maps a sink row to what the checks compare (e.g. window struct → start seconds). */
  readonly project?: (row: unknown[]) => unknown[];
}

export interface StreamContext {
  readonly query: StreamingQuery | undefined;
  readonly lastBatch: unknown[][];
  readonly table: unknown[][];
}

export async function testStream(
  env: LocalRuntime,
  plan: LogicalPlan,
  options: StreamTestOptions,
  actions: readonly StreamAction[],
): Promise<void> {
  const name = `stream_test_${randomUUID().replace(/-/g, '')}`;
  const checkpoint = join(env.dir, name);
  let query: StreamingQuery | undefined;
  let seenRows = 0;
  const project = options.project ?? ((r: unknown[]) => r);
  const sink = (): { last: unknown[][]; table: unknown[][] } => {
    const s = env.session.catalog.memorySink(name);
    return {
      last: s ? batchToRows(s.lastBatch()).map(project) : [],
      table: s ? batchToRows(s.snapshot()).map(project) : [],
    };
  };
  const start = async (trigger: WriteStreamSpec['trigger'] | undefined): Promise<void> => {
    query = await env.session.startStream({
      input: plan,
      format: 'memory',
      options: { checkpointLocation: checkpoint, '_kindling.test.recoverMemorySink': 'true' },
      outputMode: options.outputMode,
      queryName: name,
      trigger: trigger ?? options.trigger ?? { kind: 'default' },
    });
  };
  const settle = async (): Promise<void> => {
    if (!query) return;
    if (options.clock) await waitForClockBlock(options.clock, query);
    else await query.processAllAvailable();
  };
  const sameRows = (actual: unknown[][], expected: unknown[][]): void => {
    const norm = (rows: unknown[][]): string[] => rows.map((r) => JSON.stringify(r)).sort();
    expect(norm(actual)).toEqual(norm(expected));
  };

  for (let step = 0; step < actions.length; step++) {
    const a = actions[step] as StreamAction;
    try {
      // Execute runs against whatever is there (also nothing, e.g. right after ExpectFailure).
      const needsQuery = a.kind !== 'StartStream' && a.kind !== 'AddData' && a.kind !== 'StopStream' && a.kind !== 'Execute';
      if (!query && needsQuery) await start(undefined);
      switch (a.kind) {
        case 'AddData':
          a.stream.addData(...a.rows);
          break;
        case 'CheckLastBatch':
          await settle();
          sameRows(sink().last, a.rows);
          break;
        case 'CheckAnswer':
          await settle();
          sameRows(sink().table, a.rows);
          seenRows = sink().table.length;
          break;
        case 'CheckNewAnswer': {
          await settle();
          const table = sink().table;
          sameRows(table.slice(seenRows), a.rows);
          seenRows = table.length;
          break;
        }
        case 'StopStream':
          if (query) {
            await query.stop();
            expect(query.isActive).toBe(false);
            expect(query.exception()).toBeUndefined();
          }
          query = undefined;
          seenRows = 0;
          break;
        case 'StartStream':
          await start(a.trigger);
          // With a manual clock, the first trigger runs before the script goes on (as in Spark).
          if (options.clock && query) await waitForClockBlock(options.clock, query);
          break;
        case 'AdvanceManualClock': {
          const clock = options.clock;
          if (!clock || !query) throw new Error('AdvanceManualClock needs a manual clock and a running query');
          await eventually(() => clock.isWaiting() || !query?.isActive, { intervalMs: 5, message: 'the stream to wait on the clock' });
          clock.advance(a.ms);
          await waitForClockBlock(clock, query);
          break;
        }
        case 'ProcessAllAvailable':
          await query?.processAllAvailable();
          break;
        case 'AssertOnQuery':
          if (!query) throw new Error('no query');
          await a.check(query);
          break;
        case 'Execute': {
          const s = sink();
          await a.run({ query, lastBatch: s.last, table: s.table });
          break;
        }
        case 'ExpectFailure': {
          if (!query) throw new Error('no query');
          await expect(query.awaitTermination(30_000)).rejects.toThrow(a.contains);
          query = undefined;
          break;
        }
        default: {
          const never: never = a;
          throw new Error(`unknown action ${JSON.stringify(never)}`);
        }
      }
    } catch (e) {
      const script = actions.map((x, i) => `${i === step ? '=> ' : '   '}${describe(x)}`).join('\n');
      const err = e as Error;
      err.message = `${err.message}\n\nStream test failed at step ${step}:\n${script}\n\nSink: last batch ${JSON.stringify(safe(() => sink().last))}, table ${JSON.stringify(safe(() => sink().table))}`;
      await query?.stop().catch(() => undefined);
      throw err;
    }
  }
  await query?.stop();
}

function describe(a: StreamAction): string {
  switch (a.kind) {
    case 'AddData':
      return `AddData(${a.rows.map((r) => JSON.stringify(r)).join(', ')})`;
    case 'CheckLastBatch':
    case 'CheckAnswer':
    case 'CheckNewAnswer':
      return `${a.kind}(${a.rows.map((r) => JSON.stringify(r)).join(', ')})`;
    case 'AdvanceManualClock':
      return `AdvanceManualClock(${a.ms})`;
    case 'AssertOnQuery':
      return `AssertOnQuery(${a.message})`;
    case 'ExpectFailure':
      return `ExpectFailure(${a.contains})`;
    default:
      return a.kind;
  }
}

function safe<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    return String(e);
  }
}

/** With a manual clock, "settled" means the query is blocked waiting for the clock again. */
async function waitForClockBlock(clock: ManualClock, query: StreamingQuery): Promise<void> {
  await eventually(() => !query.isActive || (clock.isWaiting() && !query.status().isTriggerActive), { intervalMs: 5, message: 'the stream to wait on the clock' });
}
