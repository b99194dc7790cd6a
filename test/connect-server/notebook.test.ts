import { tableFromIPC, type Table, type Timestamp } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeArrowIpc } from '../../engine/arrow/index.js';
import { batchToRows } from '../../engine/batch/record-batch.js';
import { expectWellFormed, lineServer, startHarness, type ClientSession, type Harness, type Response } from './harness.js';
import { managerCommand, queryCommand, root, showString, socketLines, sql, sqlCommand, wordCounts } from './pyspark-plans.js';

const LINES = ['cat dog cat', 'dog bird', 'cat', 'the cat sat on the mat'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Word counts computed without the engine: every word of every line. */
function expectedCounts(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) for (const w of line.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
  return counts;
}

type QueryId = { id: string; run_id: string };

async function queryResult(s: ClientSession, id: QueryId, choice: Record<string, unknown>): Promise<NonNullable<Response['streaming_query_command_result']>> {
  const messages = await s.ok(queryCommand(id, choice));
  expectWellFormed(messages, s.sessionId);
  expect(messages).toHaveLength(2);
  const result = messages[0]?.streaming_query_command_result;
  if (!result) throw new Error('no streaming_query_command_result');
  expect(result.query_id).toEqual(id);
  return result;
}

/** Arrow batches of a query result, each checked against PySpark's framing rules. */
function arrowTables(messages: readonly Response[]): Table[] {
  const batches = messages.filter((m) => m.response_type === 'arrow_batch');
  expect(batches.length).toBeGreaterThan(0);
  let offset = 0;
  return batches.map((m) => {
    const b = m.arrow_batch;
    if (!b) throw new Error('no arrow_batch');
    const table = tableFromIPC(b.data);
    expect(table.batches).toHaveLength(1);
    expect(Number(b.row_count)).toBe(table.numRows);
    expect(Number(b.start_offset)).toBe(offset);
    offset += table.numRows;
    return table;
  });
}

describe('the streaming-exercise notebook over Spark Connect (spark-connect-subset.md §8)', () => {
  let h: Harness;
  let feed: Awaited<ReturnType<typeof lineServer>>;

  beforeAll(async () => {
    h = await startHarness();
    feed = await lineServer(LINES);
  });

  afterAll(async () => {
    await h.close();
    await feed.close();
  });

  it('answers every call of the notebook as PySpark expects', async () => {
    const s = h.session({ userId: 'jovyan' });

    // 1-2. getOrCreate: two silent sets of the app name.
    for (let i = 0; i < 2; i++) {
      const set = await s.config({ set: { pairs: [{ key: 'spark.app.name', value: 'streaming-exercise' }], silent: true } });
      expect(set.session_id).toBe(s.sessionId);
      expect(set.server_side_session_id).toMatch(UUID);
      expect(set.pairs).toEqual([]);
    }
    const serverSide = s.serverSideSessionId;
    await s.config({ set: { pairs: [{ key: 'spark.sql.shuffle.partitions', value: '4' }] } });

    // 4.1 plan compression probe.
    const compression = await s.config({
      get: { keys: ['spark.connect.session.planCompression.threshold', 'spark.connect.session.planCompression.defaultAlgorithm'] },
    });
    expect(compression.pairs.map((p) => [p.key, p.value])).toEqual([
      ['spark.connect.session.planCompression.threshold', '-1'],
      ['spark.connect.session.planCompression.defaultAlgorithm', 'NONE'],
    ]);

    // 4.2 lines.value: the schema of the socket read, without starting it.
    const analyzed = await s.analyze({ schema: { plan: root(socketLines(feed.port)) } });
    expect(analyzed.session_id).toBe(s.sessionId);
    expect(analyzed.server_side_session_id).toBe(serverSide);
    const fields = analyzed.schema?.schema?.struct?.fields ?? [];
    expect(fields.map((f) => [f.name, f.data_type?.kind, f.nullable])).toEqual([['value', 'string', true]]);

    // 5. The debugging flag probe.
    const debug = await s.config({ get_with_default: { pairs: [{ key: 'spark.python.sql.dataFrameDebugging.enabled', value: 'true' }] } });
    expect(debug.pairs).toEqual([{ key: 'spark.python.sql.dataFrameDebugging.enabled', value: 'true', _value: 'value' }]);

    // 7. start(): memory sink, complete mode, named.
    const started = await s.ok({
      command: {
        write_stream_operation_start: { input: wordCounts(feed.port), format: 'memory', output_mode: 'complete', query_name: 'wordcounts' },
      },
    });
    expectWellFormed(started, s.sessionId);
    expect(started).toHaveLength(2);
    const startResult = started[0]?.write_stream_operation_start_result;
    expect(startResult?.name).toBe('wordcounts');
    expect(startResult?.query_started_event_json).toBeUndefined();
    const id: QueryId = { id: startResult?.query_id?.id ?? '', run_id: startResult?.query_id?.run_id ?? '' };
    expect(id.id).toMatch(UUID);
    expect(id.run_id).toMatch(UUID);

    // Wait until the query has read every line the feed sent.
    let rowsIn = 0;
    for (let attempt = 0; attempt < 500 && rowsIn < LINES.length; attempt++) {
      await queryResult(s, id, { process_all_available: true });
      const recent = await queryResult(s, id, { recent_progress: true });
      rowsIn = (recent.recent_progress?.recent_progress_json ?? []).reduce(
        (n, j) => n + (JSON.parse(j) as { numInputRows: number }).numInputRows,
        0,
      );
    }
    expect(rowsIn).toBe(LINES.length);

    // 8. The query handle.
    const status = await queryResult(s, id, { status: true });
    expect(status.result_type).toBe('status');
    expect(status.status?.is_active).toBe(true);
    expect(typeof status.status?.status_message).toBe('string');

    const last = await queryResult(s, id, { last_progress: true });
    expect(last.result_type).toBe('recent_progress');
    const lastJson = last.recent_progress?.recent_progress_json ?? [];
    expect(lastJson).toHaveLength(1);
    const recent = await queryResult(s, id, { recent_progress: true });
    const progresses = (recent.recent_progress?.recent_progress_json ?? []).map((j) => JSON.parse(j) as Record<string, unknown>);
    expect(progresses.length).toBeGreaterThan(0);
    expect(progresses[progresses.length - 1]).toEqual(JSON.parse(lastJson[0] ?? '{}'));
    for (const p of progresses) {
      for (const key of ['id', 'runId', 'name', 'timestamp', 'batchId', 'batchDuration', 'stateOperators', 'sources', 'sink']) {
        expect(p).toHaveProperty(key);
      }
      expect(p['id']).toBe(id.id);
      expect(p['runId']).toBe(id.run_id);
      expect(p['name']).toBe('wordcounts');
      expect(p['timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      for (const op of p['stateOperators'] as Record<string, unknown>[]) {
        for (const key of [
          'operatorName',
          'numRowsTotal',
          'numRowsUpdated',
          'allUpdatesTimeMs',
          'numRowsRemoved',
          'allRemovalsTimeMs',
          'commitTimeMs',
          'memoryUsedBytes',
          'numRowsDroppedByWatermark',
          'numShufflePartitions',
          'numStateStoreInstances',
        ]) {
          expect(op).toHaveProperty(key);
        }
      }
      for (const src of p['sources'] as Record<string, unknown>[]) {
        for (const key of ['description', 'startOffset', 'endOffset', 'latestOffset', 'numInputRows', 'inputRowsPerSecond', 'processedRowsPerSecond']) {
          expect(src).toHaveProperty(key);
        }
      }
      expect(p['sink']).toHaveProperty('description');
      expect(p['sink']).toHaveProperty('numOutputRows');
    }

    const explain = await queryResult(s, id, { explain: { extended: false } });
    expect(explain.explain?.result).toContain('== Physical Plan ==');

    const exception = await queryResult(s, id, { exception: true });
    expect(exception.result_type).toBe('exception');
    expect(exception.exception?.exception_message).toBeUndefined();

    const waited = await queryResult(s, id, { await_termination: { timeout_ms: 10 } });
    expect(waited.await_termination?.terminated).toBe(false);

    // 9. spark.streams.active
    const active = await s.ok(managerCommand({ active: true }));
    expectWellFormed(active, s.sessionId);
    const activeQueries = active[0]?.streaming_query_manager_command_result?.active?.active_queries ?? [];
    expect(activeQueries.map((q) => [q.id?.id, q.id?.run_id, q.name])).toEqual([[id.id, id.run_id, 'wordcounts']]);

    // 10. spark.sql is eager and echoes the relation.
    const echoed = await s.ok(sqlCommand('SELECT * FROM wordcounts'));
    expectWellFormed(echoed, s.sessionId);
    expect(echoed).toHaveLength(2);
    const relation = echoed[0]?.sql_command_result?.relation;
    expect(relation?.sql?.query).toBe('SELECT * FROM wordcounts');

    // 11. show(): one utf8 cell holding Spark's table.
    const shown = await s.ok(root(showString({ ...relation, common: { plan_id: 31 } })));
    expectWellFormed(shown, s.sessionId);
    expect(shown[0]?.schema?.struct?.fields.map((f) => [f.name, f.data_type?.kind])).toEqual([['show_string', 'string']]);
    const [showTable] = arrowTables(shown);
    expect(showTable?.numRows).toBe(1);
    const text = String(showTable?.getChildAt(0)?.get(0));
    const counts = expectedCounts(LINES);
    const textLines = text.trimEnd().split('\n');
    expect(textLines[0]).toMatch(/^\+-+\+-+\+-+\+$/);
    expect(textLines[1]).toMatch(/^\|\s*window\|\s*word\|count\|$/);
    const bodyLines = textLines.slice(3, -1);
    // Each word falls into two sliding windows (60 s long, every 30 s).
    expect(bodyLines).toHaveLength(counts.size * 2);
    for (const line of bodyLines) {
      const m = /^\|\{\d{4}-\d\d-\d\d \d\d:\d\d\.\.\.\|\s*(\S+)\|\s*(\d+)\|$/.exec(line);
      expect(m, line).not.toBeNull();
      expect(Number(m?.[2])).toBe(counts.get(m?.[1] ?? ''));
    }

    // 13. toPandas(): the config it reads first, then the rows as Arrow.
    const pandasConf = await s.config({
      get: {
        keys: ['spark.sql.session.timeZone', 'spark.sql.execution.pandas.structHandlingMode', 'spark.sql.execution.arrow.pyspark.selfDestruct.enabled'],
      },
    });
    expect(pandasConf.pairs.map((p) => p.value)).toEqual(['UTC', 'legacy', 'false']);
    const endEchoed = await s.ok(sqlCommand('SELECT window.end, * FROM wordcounts'));
    const endRelation = endEchoed[0]?.sql_command_result?.relation;
    const result = await s.ok(root({ ...endRelation, common: { plan_id: 40 } }));
    expectWellFormed(result, s.sessionId);
    expect(result[0]?.response_type).toBeUndefined();
    expect(result[0]?.schema?.struct?.fields.map((f) => f.name)).toEqual(['end', 'window', 'word', 'count']);
    const tables = arrowTables(result);
    const endType = tables[0]?.schema.fields[0]?.type as Timestamp;
    expect(endType.timezone).toBe('UTC');
    const rows = result
      .filter((m) => m.response_type === 'arrow_batch')
      .flatMap((m) => batchToRows(decodeArrowIpc(new Uint8Array(m.arrow_batch?.data ?? Buffer.alloc(0)))));
    const totals = new Map<string, number>();
    for (const [end, window, word, count] of rows as [number, [number, number], string, number][]) {
      expect(end).toBe(window[1]);
      expect(window[1] - window[0]).toBe(60_000_000);
      totals.set(word, (totals.get(word) ?? 0) + count);
    }
    expect(new Map([...totals].sort())).toEqual(new Map([...counts].map(([w, n]) => [w, n * 2] as [string, number]).sort()));

    // 14. Stop every active query.
    const stopped = await queryResult(s, id, { stop: true });
    expect(stopped.result_type).toBeUndefined();
    const after = await queryResult(s, id, { status: true });
    expect(after.status?.is_active).toBe(false);
    const none = await s.ok(managerCommand({ active: true }));
    expect(none[0]?.streaming_query_manager_command_result?.active?.active_queries).toEqual([]);

    // 15. spark.stop()
    const released = await s.releaseSession();
    expect(released.session_id).toBe(s.sessionId);
    expect(released.server_side_session_id).toBe(serverSide);

    // A new session (what getOrCreate does after stop) works; the released id is refused.
    const next = h.session({ userId: 'jovyan' });
    const again = await next.config({ get: { keys: ['spark.sql.shuffle.partitions'] } });
    expect(again.pairs[0]?.value).toBe('200');
    await expect(s.config({ get: { keys: ['x'] } })).rejects.toMatchObject({ details: expect.stringContaining('INVALID_HANDLE.SESSION_CLOSED') });
  });
});
