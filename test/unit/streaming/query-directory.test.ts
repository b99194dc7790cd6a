import { describe, expect, it } from 'vitest';
import { batchFromRows, batchToRows } from '../../../engine/batch/record-batch.js';
import { T } from '../../../engine/types/data-type.js';
import { schemaOf } from '../../../engine/types/schema.js';
import { QueryDirectory, type QueryRunEntry } from '../../../master/streaming/query-directory.js';
import { MemorySink } from '../../../master/streaming/sinks/memory-sink.js';
import type { StreamingQuery } from '../../../master/streaming/streaming-query.js';

const schema = schemaOf([T.field('value', T.string)]);

/** Just what the directory reads of a query: its id, whether it runs, and its listeners. */
function fakeQuery(id: string): { query: StreamingQuery; end: () => void } {
  let active = true;
  const ended: (() => void)[] = [];
  const query = { id, get isActive() { return active; }, onProgress: () => undefined, onTermination: (l: () => void) => ended.push(l) } as unknown as StreamingQuery;
  return { query, end: () => { active = false; ended.forEach((l) => l()); } };
}

function entry(query: StreamingQuery, sessionId: string, table: MemorySink): QueryRunEntry {
  return { query, sessionId, userId: 'u', startedAtMs: 0, sinkFormat: 'memory', table, watermarkMs: () => 0, hasWatermark: false, explain: () => '' };
}

describe('QueryDirectory.sessionReleased', () => {
  it("drops the memory tables of the released session's finished runs, keeps the runs listed, leaves other sessions alone", async () => {
    const dir = new QueryDirectory();
    const a = fakeQuery('a');
    const b = fakeQuery('b');
    const ta = new MemorySink('ta', schema, 'complete', 10);
    const tb = new MemorySink('tb', schema, 'complete', 10);
    await ta.addBatch(0, batchFromRows(schema, [['x']]));
    await tb.addBatch(0, batchFromRows(schema, [['y']]));
    dir.add(entry(a.query, 's1', ta));
    dir.add(entry(b.query, 's2', tb));
    a.end();
    dir.sessionReleased('u', 's1');
    expect(dir.get('a')?.table).toBeUndefined();
    expect(dir.byTable('ta')).toBeUndefined();
    expect(batchToRows(ta.snapshot())).toEqual([]);
    expect(dir.get('b')?.table).toBe(tb);
    expect(batchToRows(tb.snapshot())).toEqual([['y']]);
  });
});
