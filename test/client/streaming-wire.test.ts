import { afterEach, describe, expect, it } from 'vitest';
import type { StreamingQueryCommandResult } from '../../proto/generated/spark/connect/StreamingQueryCommandResult.js';
import { F, PySparkNotImplementedError, SparkSession, StreamingQueryException } from '../../client/index.js';
import { FakeServer } from './fake-server.js';

const QID = { id: '11111111-1111-4111-8111-111111111111', run_id: '22222222-2222-4222-8222-222222222222' };
const progress = (batchId: number): string =>
  `{"id":"${QID.id}","runId":"${QID.run_id}","name":"wordcounts","timestamp":"2024-05-01T10:00:00.000Z","batchId":${batchId},` +
  `"batchDuration":5,"numInputRows":0,"inputRowsPerSecond":NaN,"stateOperators":[],"sources":[],"sink":{"description":"MemorySink","numOutputRows":-1}}`;

/** The fake server's answers to each StreamingQueryCommand choice. */
function queryResult(command: string, extended: boolean): StreamingQueryCommandResult {
  switch (command) {
    case 'status':
      return { query_id: QID, status: { status_message: 'Waiting for data to arrive', is_data_available: false, is_trigger_active: false, is_active: true } };
    case 'last_progress':
      return { query_id: QID, recent_progress: { recent_progress_json: [progress(3)] } };
    case 'recent_progress':
      return { query_id: QID, recent_progress: { recent_progress_json: [progress(2), progress(3)] } };
    case 'explain':
      return { query_id: QID, explain: { result: extended ? '== Parsed Logical Plan ==' : '== Physical Plan ==' } };
    case 'exception':
      if (!failed) return { query_id: QID, exception: {} };
      return {
        query_id: QID,
        exception: { exception_message: 'org.apache.spark.sql.streaming.StreamingQueryException: Connection refused: x', error_class: 'STREAM_FAILED' },
      };
    case 'await_termination':
      return { query_id: QID, await_termination: { terminated: false } };
    default:
      return { query_id: QID };
  }
}

let failed = true;
let server: FakeServer | undefined;
let spark: SparkSession | undefined;

afterEach(async () => {
  await spark?.stop();
  server?.close();
});

async function connect(): Promise<{ server: FakeServer; spark: SparkSession }> {
  server = await new FakeServer({
    execute: (call, s) => {
      const sid = call.request.session_id;
      const cmd = call.request.plan?.command;
      if (cmd?.write_stream_operation_start) {
        s.complete(call, sid, { write_stream_operation_start_result: { query_id: QID, name: 'wordcounts' } });
      } else if (cmd?.streaming_query_command) {
        const q = cmd.streaming_query_command;
        s.complete(call, sid, { streaming_query_command_result: queryResult(q.command ?? '', q.explain?.extended ?? false) });
      } else if (cmd?.streaming_query_manager_command) {
        const m = cmd.streaming_query_manager_command;
        const result =
          m.command === 'active'
            ? { active: { active_queries: [{ id: QID, name: 'wordcounts' }] } }
            : m.command === 'get_query'
              ? { query: { id: QID, name: 'wordcounts' } }
              : { await_any_termination: { terminated: true } };
        s.complete(call, sid, { streaming_query_manager_command_result: result });
      } else {
        s.complete(call, sid);
      }
    },
  }).start();
  const out: string[] = [];
  spark = await SparkSession.builder().remote(server.url()).output((t) => out.push(t)).create();
  return { server, spark };
}

describe('streaming through Spark Connect commands', () => {
  it('start() sends WriteStreamOperationStart with the notebook fields and returns the handle', async () => {
    const { server, spark } = await connect();
    const lines = spark.readStream.format('socket').option('host', 'localhost').option('port', 9999).load();
    const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
    const counts = words.withColumn('timestamp', F.current_timestamp()).groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word').count();
    const q = await counts.writeStream.outputMode('complete').format('memory').queryName('wordcounts').start();
    expect([q.id, q.runId, q.name]).toEqual([QID.id, QID.run_id, 'wordcounts']);
    const start = (server.callsOf('ExecutePlan')[0]?.request['plan'] as Record<string, Record<string, Record<string, unknown>>>)['command']?.[
      'write_stream_operation_start'
    ];
    expect(start).toMatchObject({ format: 'memory', output_mode: 'complete', query_name: 'wordcounts', options: {} });
    expect(start?.['trigger']).toBeUndefined();
    expect(start?.['sink_destination']).toBeUndefined();
    expect((start?.['input'] as Record<string, unknown>)['aggregate']).toBeDefined();
  });

  it('triggers, options and toTable map to their proto fields; foreachBatch is refused locally', async () => {
    const { server, spark } = await connect();
    const df = spark.readStream.format('rate').options({ rowsPerSecond: 5, flag: true }).load();
    await df.writeStream.format('console').trigger({ processingTime: '2 seconds' }).option('truncate', false).start();
    await df.writeStream.trigger({ availableNow: true }).toTable('t1');
    const starts = server.callsOf('ExecutePlan').map(
      (c) => (c.request['plan'] as Record<string, Record<string, Record<string, unknown>>>)['command']?.['write_stream_operation_start'],
    );
    expect(starts[0]).toMatchObject({ processing_time_interval: '2 seconds', trigger: 'processing_time_interval', options: { truncate: 'false' } });
    expect((starts[0]?.['input'] as Record<string, Record<string, Record<string, unknown>>>)['read']?.['data_source']?.['options']).toEqual({
      rowsPerSecond: '5',
      flag: 'true',
    });
    expect(starts[1]).toMatchObject({ available_now: true, table_name: 't1', sink_destination: 'table_name' });
    expect(() => df.writeStream.foreachBatch()).toThrow(PySparkNotImplementedError);
    expect(() => df.writeStream.trigger({ processingTime: '1 second', once: true } as never)).toThrow(/ONLY_ALLOW_SINGLE_TRIGGER/);
  });

  it('query handle calls: status, isActive, progress, explain, exception, awaitTermination, stop', async () => {
    const { server, spark } = await connect();
    const q = await spark.range(1).writeStream.format('memory').queryName('wordcounts').start();
    expect(await q.status()).toEqual({ message: 'Waiting for data to arrive', isDataAvailable: false, isTriggerActive: false });
    expect(await q.isActive()).toBe(true);
    const last = await q.lastProgress();
    expect(last?.['batchId']).toBe(3);
    expect(last?.['inputRowsPerSecond']).toBeNaN();
    expect((await q.recentProgress()).map((p) => p['batchId'])).toEqual([2, 3]);
    expect(await q.explainString()).toBe('== Physical Plan ==');
    expect(await q.explainString(true)).toBe('== Parsed Logical Plan ==');
    const ex = await q.exception();
    expect(ex).toBeInstanceOf(StreamingQueryException);
    expect(ex?.message).toBe('Connection refused: x');
    expect(ex?.getCondition()).toBe('STREAM_FAILED');
    failed = false;
    expect(await q.exception()).toBeNull();
    expect(await q.awaitTermination(1.5)).toBe(false);
    await q.stop();
    const cmds = server
      .callsOf('ExecutePlan')
      .map((c) => (c.request['plan'] as Record<string, Record<string, Record<string, unknown>>>)['command']?.['streaming_query_command'])
      .filter((c) => c !== undefined);
    expect(cmds.every((c) => JSON.stringify(c?.['query_id']) === JSON.stringify(QID))).toBe(true);
    expect(cmds.find((c) => c?.['command'] === 'await_termination')?.['await_termination']).toEqual({ timeout_ms: '1500', _timeout_ms: 'timeout_ms' });
    expect(cmds.map((c) => c?.['command'])).toContain('stop');
  });

  it('spark.streams: active, get, awaitAnyTermination', async () => {
    const { spark } = await connect();
    const active = await spark.streams.active();
    expect(active.map((q) => [q.name, q.id, q.runId])).toEqual([['wordcounts', QID.id, QID.run_id]]);
    expect((await spark.streams.get(QID.id))?.runId).toBe(QID.run_id);
    expect(await spark.streams.awaitAnyTermination(0.1)).toBe(true);
  });
});
