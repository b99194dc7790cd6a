import { describe, expect, it } from 'vitest';
import { batchFromRows, batchToRows } from '../../../engine/batch/record-batch.js';
import { RuntimeDataError } from '../../../engine/errors/errors.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';
import { MemorySink } from '../../../master/streaming/sinks/memory-sink.js';

const schema = schemaOf([T.field('value', T.string)]);
const batch = (...values: string[]) => batchFromRows(schema, values.map((v) => [v]));
const values = (s: MemorySink) => batchToRows(s.snapshot()).map((r) => r[0]);

function recorder(): { warn: (obj: object, msg?: string) => void; calls: { obj: object; msg?: string }[] } {
  const calls: { obj: object; msg?: string }[] = [];
  return { calls, warn: (obj, msg) => calls.push(msg === undefined ? { obj } : { obj, msg }) };
}

describe('MemorySink row cap', () => {
  it('complete mode: a result over the cap is refused with the table, count, cap and conf key; the table keeps the last result', async () => {
    const sink = new MemorySink('counts', schema, 'complete', 3);
    await sink.addBatch(0, batch('a', 'b'));
    const err = await sink.addBatch(1, batch('a', 'b', 'c', 'd')).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RuntimeDataError);
    expect((err as RuntimeDataError).errorClass).toBe('KINDLING_MEMORY_SINK_ROW_LIMIT_EXCEEDED');
    expect((err as RuntimeDataError).sqlState).toBe('54000');
    expect((err as Error).message).toBe(
      '[KINDLING_MEMORY_SINK_ROW_LIMIT_EXCEEDED] The memory sink table `counts` would hold 4 rows in complete mode, more than its limit of 3 rows. ' +
        'Kindling does not store a truncated complete-mode result: raise the limit with spark.conf.set("kindling.memorySink.maxRows", ...) ' +
        'before starting the query, or make the result smaller. SQLSTATE: 54000',
    );
    expect(values(sink)).toEqual(['a', 'b']);
    expect(sink.latestBatchId).toBe(0);
    // The batch was not stored, so a re-run of it is not skipped as a duplicate.
    await sink.addBatch(1, batch('x', 'y', 'z'));
    expect(values(sink)).toEqual(['x', 'y', 'z']);
    expect(sink.metrics()).toEqual({});
  });

  it('append mode: drops the oldest rows, warns once with the details, counts them in metrics()', async () => {
    const log = recorder();
    const sink = new MemorySink('lines', schema, 'append', 3, log);
    await sink.addBatch(0, batch('a', 'b'));
    expect(sink.metrics()).toEqual({});
    await sink.addBatch(1, batch('c', 'd'));
    await sink.addBatch(1, batch('c', 'd'));
    await sink.addBatch(2, batch('e', 'f', 'g', 'h'));
    expect(values(sink)).toEqual(['f', 'g', 'h']);
    expect(sink.droppedRows).toBe(5);
    expect(sink.metrics()).toEqual({ maxRows: '3', numRowsDropped: '5' });
    expect(log.calls).toHaveLength(1);
    expect(log.calls[0]?.obj).toEqual({ table: 'lines', batchId: 1, maxRows: 3, dropped: 1, conf: 'kindling.memorySink.maxRows' });
    expect(log.calls[0]?.msg).toContain('memory sink table `lines` (append mode) reached its limit of 3 rows (kindling.memorySink.maxRows)');
  });
});

describe('MemorySink.release', () => {
  it('drops the rows of a table whose session was released', async () => {
    const sink = new MemorySink('counts', schema, 'complete', 10);
    await sink.addBatch(0, batch('a', 'b'));
    sink.release();
    expect(values(sink)).toEqual([]);
    expect(sink.lastBatch().numRows).toBe(0);
  });
});
