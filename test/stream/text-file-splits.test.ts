import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { batchToRows } from '../../engine/batch/record-batch.js';
import { E } from '../../engine/expr/expr.js';
import type { LogicalPlan } from '../../engine/plan/logical-plan.js';
import { T } from '../../engine/types/data-type.js';
import { localRuntime, type LocalRuntime } from '../support/local-runtime.js';
import { Q } from './queries.js';

/**
 * A batch of 100 small files is packed into a few splits (Spark's maxSplitBytes / openCostInBytes
 * rule) and read with each line exactly once: exact counts per word and per sliding window.
 */
describe('text file source: many small files packed into splits', () => {
  let env: LocalRuntime | undefined;
  afterEach(async () => {
    await env?.close();
    env = undefined;
  });

  const read = (dir: string): LogicalPlan => ({ kind: 'read', source: { type: 'dataSource', format: 'text', options: {}, paths: [dir] }, isStreaming: true });

  for (const [label, conf] of [
    ['Spark defaults (4 MB open cost: one split)', {}],
    ['10-byte splits (files cut into ranges mid-line, many splits)', { 'spark.sql.files.openCostInBytes': '4', 'spark.sql.files.maxPartitionBytes': '10' }],
  ] as const) {
    it(`100 files, 12 sliding windows per word, exact counts: ${label}`, async () => {
      env = localRuntime({ conf: { 'spark.sql.shuffle.partitions': '3', ...conf } });
      const dir = join(env.dir, 'in');
      mkdirSync(dir);
      const expected = new Map<string, number>();
      for (let f = 0; f < 100; f++) {
        const lines: string[] = [];
        for (let l = 0; l < 1 + (f % 7); l++) {
          const word = `w${(f * 31 + l * 17) % 23}`;
          lines.push(word);
          expected.set(word, (expected.get(word) ?? 0) + 1);
        }
        writeFileSync(join(dir, `part-${String(f).padStart(3, '0')}.txt`), `${lines.join(f % 2 === 0 ? '\n' : '\r\n')}\n`);
      }
      const withTime = Q.withColumn(read(dir), 'timestamp', E.call('current_timestamp', []));
      const counts = Q.groupBy(withTime, [Q.window('timestamp', '60 seconds', '5 seconds'), E.col('value')], [Q.count()]);
      const q = await env.session.startStream({ input: counts, format: 'memory', options: {}, outputMode: 'complete', queryName: 'files', trigger: { kind: 'default' } });
      await q.processAllAvailable();
      const sink = env.session.catalog.memorySink('files');
      if (!sink) throw new Error('no memory table');
      const rows = batchToRows(sink.snapshot()) as [[number, number], string, number][];
      const windows = new Set(rows.map((r) => r[0][0]));
      expect(windows.size).toBe(12);
      const byWord = new Map<string, number[]>();
      for (const [, word, n] of rows) byWord.set(word, [...(byWord.get(word) ?? []), n]);
      expect(new Map([...byWord].map(([w, ns]) => [w, ns.length]))).toEqual(new Map([...expected].map(([w]) => [w, 12])));
      for (const [w, n] of expected) expect(byWord.get(w), w).toEqual(Array.from({ length: 12 }, () => n));
      expect(q.recentProgress().reduce((n, p) => n + p.numInputRows, 0)).toBe([...expected.values()].reduce((a, b) => a + b, 0));
      await q.stop();
    });
  }
});
