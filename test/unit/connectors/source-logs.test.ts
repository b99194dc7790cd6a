import { describe, expect, it } from 'vitest';
import { valueAtSecond } from '../../../engine/connectors/rate/rate-math.js';
import type { SourceMetadataLog } from '../../../engine/connectors/source.js';
import { decodeRateStartTime, encodeRateStartTime } from '../../../engine/connectors/source-log.js';
import {
  FileStreamSourceLog,
  allValidBatches,
  batchesBeforeCompaction,
  decodeFileEntries,
  deriveCompactInterval,
  encodeFileEntries,
  type FileEntry,
} from '../../../engine/connectors/text/file-source-log.js';

/** A source's checkpoint entries by name, as both checkpoint stores keep them. */
class MapMetadata implements SourceMetadataLog {
  readonly entries = new Map<string, string>();
  get(name: string): Promise<string | undefined> {
    return Promise.resolve(this.entries.get(name));
  }
  putIfAbsent(name: string, value: string): Promise<string> {
    if (!this.entries.has(name)) this.entries.set(name, value);
    return Promise.resolve(this.entries.get(name) as string);
  }
  names(): Promise<string[]> {
    return Promise.resolve([...this.entries.keys()]);
  }
}

const entry = (batchId: number, name = `f${batchId}`): FileEntry => ({ path: `file:///in/${name}.txt`, timestamp: 1000 + batchId, batchId });

describe("Spark's FileStreamSourceLog format", () => {
  it('writes v1 then one JSON entry per line, no trailing newline', () => {
    expect(encodeFileEntries([entry(0, 'a b'), { path: 'file:///in/c.txt', timestamp: 1480730949000, batchId: 0 }])).toBe(
      'v1\n{"path":"file:///in/a b.txt","timestamp":1000,"batchId":0}\n{"path":"file:///in/c.txt","timestamp":1480730949000,"batchId":0}',
    );
    expect(encodeFileEntries([])).toBe('v1');
  });

  it("reads Spark's own log files (file-source-log-version-2.1.0/2.compact, trailing newline included)", () => {
    const text =
      'v1\n{"path":"/a/b/0","timestamp":1480730949000,"batchId":0}\n{"path":"/a/b/1","timestamp":1480730950000,"batchId":1}\n' +
      '{"path":"/a/b/2","timestamp":1480730950000,"batchId":2}\n';
    expect(decodeFileEntries(text, '2.compact')).toEqual([
      { path: '/a/b/0', timestamp: 1480730949000, batchId: 0 },
      { path: '/a/b/1', timestamp: 1480730950000, batchId: 1 },
      { path: '/a/b/2', timestamp: 1480730950000, batchId: 2 },
    ]);
  });

  it('refuses a missing or newer version line', () => {
    expect(() => decodeFileEntries('{"path":"x","timestamp":1,"batchId":0}', '0')).toThrow(/failed to detect the log file version line/);
    expect(() => decodeFileEntries('v2\n{"path":"x","timestamp":1,"batchId":0}', '0')).toThrow(
      /maximum supported log version is v1, but encountered v2/,
    );
  });

  it('compaction batches and the batches they merge (Spark rules)', () => {
    expect(batchesBeforeCompaction(5, 3)).toEqual([2, 3, 4]);
    expect(batchesBeforeCompaction(2, 3)).toEqual([0, 1]);
    expect(allValidBatches(7, 3)).toEqual([5, 6, 7]);
    expect(allValidBatches(1, 3)).toEqual([0, 1]);
    expect(allValidBatches(5, 3)).toEqual([5]);
    // CompactibleFileStreamLogSuite "deriveCompactInterval", and the 5 → 6 case from Spark's comment.
    expect(deriveCompactInterval(5, 4)).toBe(5);
    expect(deriveCompactInterval(4, 9)).toBe(5);
    expect(deriveCompactInterval(5, 11)).toBe(6);
    expect(deriveCompactInterval(10, 2)).toBe(3);
    expect(deriveCompactInterval(7, 11)).toBe(12);
  });

  it('names batches N and N.compact, compacts every interval, and serves batches from either', async () => {
    const store = new MapMetadata();
    const log = new FileStreamSourceLog(store, 3);
    for (let b = 0; b < 7; b++) expect(await log.add(b, [entry(b), entry(b, `g${b}`)])).toBe(true);
    expect([...store.entries.keys()]).toEqual(['0', '1', '2.compact', '3', '4', '5.compact', '6']);
    expect(decodeFileEntries(store.entries.get('2.compact') as string, '').map((e) => e.batchId)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(decodeFileEntries(store.entries.get('5.compact') as string, '').map((e) => e.batchId)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(store.entries.get('6')).toBe(encodeFileEntries([entry(6), entry(6, 'g6')]));
    expect(await log.get(4)).toEqual([entry(4), entry(4, 'g4')]);
    expect(await log.get(5)).toEqual([entry(5), entry(5, 'g5')]);

    // A restarted source: the latest batch and every file, read from 5.compact and 6 only.
    const again = new FileStreamSourceLog(store, 10);
    expect(await again.compactInterval()).toBe(3);
    expect(await again.latestBatchId()).toBe(6);
    store.entries.delete('0');
    store.entries.delete('3');
    expect((await again.allFiles()).map((e) => e.path)).toEqual(
      [0, 1, 2, 3, 4, 5, 6].flatMap((b) => [`file:///in/f${b}.txt`, `file:///in/g${b}.txt`]),
    );
    expect(await again.add(7, [entry(7)])).toBe(true);
    expect(await again.add(8, [entry(8)])).toBe(true);
    expect(store.entries.has('8.compact')).toBe(true);
  });

  it('a batch written twice with the same files is fine; other files mean another writer', async () => {
    const store = new MapMetadata();
    const log = new FileStreamSourceLog(store, 10);
    expect(await log.add(0, [entry(0)])).toBe(true);
    expect(await log.add(0, [entry(0)])).toBe(true);
    expect(await log.add(0, [entry(0, 'other')])).toBe(false);
  });

  it('the compact interval must be positive', () => {
    expect(() => new FileStreamSourceLog(new MapMetadata(), 0)).toThrow(
      'requirement failed: Please set spark.sql.streaming.fileSource.log.compactInterval (was 0) to a positive value.',
    );
  });
});

describe("Spark's rate source start-time entry and timeline", () => {
  it('is v1 then the start time in ms (a LongOffset)', () => {
    expect(encodeRateStartTime(1_700_000_000_123)).toBe('v1\n1700000000123');
    expect(decodeRateStartTime('v1\n1700000000123', '0')).toBe(1_700_000_000_123);
    expect(() => decodeRateStartTime('1700000000123', '0')).toThrow(/version line/);
    expect(() => decodeRateStartTime('v1\nsoon', '0')).toThrow(/not a number of milliseconds/);
  });

  it('ramps up in whole rows per second, as Spark divides longs', () => {
    // RateStreamProviderSuite "valueAtSecond" / the comment in RateStreamProvider: rows 10, ramp-up 4 s.
    expect([0, 1, 2, 3, 4, 5, 6].map((s) => valueAtSecond(s, 10, 4))).toEqual([0, 2, 6, 12, 20, 30, 40]);
    // 10 / 3 = 3 more rows each second (not 3.33).
    expect([0, 1, 2, 3, 4].map((s) => valueAtSecond(s, 10, 2))).toEqual([0, 3, 9, 19, 29]);
    expect([0, 1, 2, 3].map((s) => valueAtSecond(s, 5, 0))).toEqual([0, 5, 10, 15]);
    // Fewer rows than ramp-up seconds: no rows until the ramp-up ends.
    expect([0, 1, 2, 3, 4].map((s) => valueAtSecond(s, 2, 3))).toEqual([0, 0, 0, 0, 2]);
  });
});
