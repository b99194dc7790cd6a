import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { batchFromRows } from '../../engine/batch/record-batch.js';
import { T } from '../../engine/types/data-type.js';
import { schemaOf } from '../../engine/types/schema.js';
import { resultResponses as lazyResponses } from '../../master/connect/responses.js';

const resultResponses = (...args: Parameters<typeof lazyResponses>) => [...lazyResponses(...args)];

const schema = schemaOf([T.field('i', T.long, false), T.field('s', T.string), T.field('t', T.timestamp)]);
const rows = (n: number): unknown[][] => Array.from({ length: n }, (_, i) => [i, `row ${i}`, i * 1_000_000]);

function batches(bodies: ReturnType<typeof resultResponses>): { rows: number; offset: number; recordBatches: number; tz: string | null }[] {
  return bodies.slice(1).map((b) => {
    const arrow = b.arrow_batch;
    if (!arrow?.data) throw new Error('not an arrow batch');
    const table = tableFromIPC(arrow.data as Uint8Array);
    expect(Number(arrow.row_count)).toBe(table.numRows);
    const t = table.schema.fields[2]?.type as { timezone?: string | null };
    return { rows: table.numRows, offset: Number(arrow.start_offset), recordBatches: table.batches.length, tz: t.timezone ?? null };
  });
}

describe('query results as ExecutePlan responses', () => {
  it('sends the schema first, then at least one (empty) record batch', () => {
    const bodies = resultResponses(batchFromRows(schema, []), 'UTC');
    expect(bodies[0]?.schema?.struct?.fields?.map((f) => f.name)).toEqual(['i', 's', 't']);
    expect(batches(bodies)).toEqual([{ rows: 0, offset: 0, recordBatches: 1, tz: 'UTC' }]);
  });

  it('splits by rows: one record batch per message, exact counts and offsets', () => {
    const bodies = resultResponses(batchFromRows(schema, rows(20_000)), 'Europe/Paris');
    expect(batches(bodies)).toEqual([
      { rows: 8192, offset: 0, recordBatches: 1, tz: 'Europe/Paris' },
      { rows: 8192, offset: 8192, recordBatches: 1, tz: 'Europe/Paris' },
      { rows: 3616, offset: 16384, recordBatches: 1, tz: 'Europe/Paris' },
    ]);
  });

  it('splits by size when rows are large', () => {
    const big = batchFromRows(schema, rows(64).map((r, i) => [r[0], 'x'.repeat(1000 + i), r[2]]));
    const parts = batches(resultResponses(big, 'UTC', { maxRows: 8192, maxBytes: 16 * 1024 }));
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.reduce((n, p) => n + p.rows, 0)).toBe(64);
    let offset = 0;
    for (const p of parts) {
      expect(p.offset).toBe(offset);
      expect(p.recordBatches).toBe(1);
      offset += p.rows;
    }
  });
});
