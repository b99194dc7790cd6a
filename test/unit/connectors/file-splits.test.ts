import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSplitOptions, maxSplitBytes, planFilePartitions } from '../../../engine/connectors/file-splits.js';
import { readTextRange, textLines } from '../../../engine/connectors/text/text-reader.js';
import { textFileReader } from '../../../engine/connectors/text/text-file-reader.js';
import { isUtf8Lines } from '../../../engine/batch/utf8-lines.js';
import type { FileRange } from '../../../engine/connectors/file-splits.js';
import type { EvalContext } from '../../../engine/functions/function.js';
import { seededRandom } from '../../../engine/util/random.js';

const MB = 1024 * 1024;
const spark = { maxPartitionBytes: 128 * MB, openCostInBytes: 4 * MB, minPartitionNum: 2 };

describe('file split planning (Spark FilePartition)', () => {
  it('maxSplitBytes = min(maxPartitionBytes, max(openCost, totalBytes / minPartitionNum))', () => {
    // 100 files of 200 KB: (200 KB + 4 MB) × 100 / 2 cores ≈ 210 MB → capped at 128 MB.
    const small = Array.from({ length: 100 }, (_, i) => ({ path: `f${i}`, length: 200 * 1024 }));
    expect(maxSplitBytes(small, spark)).toBe(128 * MB);
    // Two tiny files: the open cost is the floor.
    expect(maxSplitBytes([{ path: 'a', length: 10 }], spark)).toBe(4 * MB);
    // One 100 MB file on 4 cores: (100 + 4) MB / 4 = 26 MB.
    expect(maxSplitBytes([{ path: 'a', length: 100 * MB }], { ...spark, minPartitionNum: 4 })).toBe(26 * MB);
  });

  it('packs many small files into few partitions, each file costing its size plus the open cost', () => {
    const small = Array.from({ length: 100 }, (_, i) => ({ path: `f${i}`, length: 200 * 1024 }));
    const parts = planFilePartitions(small, spark);
    // 128 MB / (200 KB + 4 MB) → 31 files per partition (the 32nd would pass 128 MB).
    expect(parts.map((p) => p.length)).toEqual([31, 31, 31, 7]);
    expect(parts.flat().map((r) => r.path).sort()).toEqual(small.map((f) => f.path).sort());
    expect(parts.flat().every((r) => r.start === 0 && r.length === 200 * 1024)).toBe(true);
    // With a small open cost, the same files fill one partition per core.
    const cheap = planFilePartitions(small, { ...spark, openCostInBytes: 1024 });
    expect(cheap.length).toBe(2);
  });

  it('cuts large files into maxSplitBytes ranges, largest first, next-fit', () => {
    const parts = planFilePartitions(
      [
        { path: 'big', length: 10 * MB },
        { path: 'mid', length: 3 * MB },
        { path: 'tiny', length: 1 },
      ],
      { maxPartitionBytes: 4 * MB, openCostInBytes: MB, minPartitionNum: 1 },
    );
    expect(parts).toEqual([
      [{ path: 'big', start: 0, length: 4 * MB }],
      [{ path: 'big', start: 4 * MB, length: 4 * MB }],
      [{ path: 'mid', start: 0, length: 3 * MB }],
      [
        { path: 'big', start: 8 * MB, length: 2 * MB },
        { path: 'tiny', start: 0, length: 1 },
      ],
    ]);
  });

  it('reads the options from the conf, with Spark byte units, and refuses bad ones', () => {
    const conf: Record<string, string> = { 'spark.sql.files.maxPartitionBytes': '64m', 'spark.sql.files.openCostInBytes': '1024' };
    expect(fileSplitOptions((k) => conf[k], 3)).toEqual({ maxPartitionBytes: 64 * MB, openCostInBytes: 1024, minPartitionNum: 3 });
    expect(fileSplitOptions(() => undefined, 0)).toEqual({ maxPartitionBytes: 128 * MB, openCostInBytes: 4 * MB, minPartitionNum: 1 });
    expect(fileSplitOptions((k) => (k === 'spark.sql.files.minPartitionNum' ? '8' : undefined), 2).minPartitionNum).toBe(8);
    expect(() => fileSplitOptions((k) => (k === 'spark.sql.files.maxPartitionBytes' ? 'lots' : undefined), 2)).toThrow(/maxPartitionBytes/);
  });
});

describe('text ranges', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-ranges-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ranges that tile a file read every line exactly once, whatever the terminators', async () => {
    const rnd = seededRandom(11);
    const pieces = ['a', 'bb', 'ccc', 'é', '', 'x y'];
    const terms = ['\n', '\r\n', '\r'];
    for (let trial = 0; trial < 40; trial++) {
      let content = '';
      const n = 1 + Math.floor(rnd() * 30);
      for (let i = 0; i < n; i++) content += (pieces[Math.floor(rnd() * pieces.length)] as string) + (i === n - 1 && rnd() < 0.3 ? '' : (terms[Math.floor(rnd() * terms.length)] as string));
      const path = join(dir, `t${trial}.txt`);
      writeFileSync(path, content);
      const size = Buffer.byteLength(content);
      const step = 1 + Math.floor(rnd() * 7);
      const lines: string[] = [];
      for (let start = 0; start < size; start += step) lines.push(...(await readTextRange({ path, start, length: Math.min(step, size - start) })));
      expect(lines, JSON.stringify({ content, step })).toEqual(textLines(content));
    }
  });

  it("a split's column holds the lines of its ranges in order; '\\n'-only UTF-8 stays bytes, anything else is decoded", async () => {
    const rnd = seededRandom(23);
    const pieces = ['a', 'bb', 'ccc', 'é', '', 'x y', '\uFEFFz'];
    const read = async (files: FileRange[]): Promise<{ rows: unknown[]; bytes: boolean }> => {
      const [batch] = await textFileReader.read({ reader: 'text-file', config: { files } }, {} as EvalContext);
      const col = batch?.columns[0];
      if (!batch || !col || col.kind !== 'values') throw new Error('one batch of one values column expected');
      expect(col.values.length).toBe(batch.numRows);
      return { rows: [...col.values], bytes: isUtf8Lines(col) };
    };
    for (let trial = 0; trial < 40; trial++) {
      const terms = trial % 4 === 3 ? ['\n', '\r\n', '\r'] : ['\n'];
      const expected: string[] = [];
      const files: FileRange[] = [];
      for (let f = 0; f < 1 + Math.floor(rnd() * 4); f++) {
        let content = '';
        const n = Math.floor(rnd() * 12);
        for (let i = 0; i < n; i++) content += (pieces[Math.floor(rnd() * pieces.length)] as string) + (i === n - 1 && rnd() < 0.3 ? '' : (terms[Math.floor(rnd() * terms.length)] as string));
        const path = join(dir, `s${trial}-${f}.txt`);
        writeFileSync(path, content);
        const size = Buffer.byteLength(content);
        expected.push(...textLines(content));
        // Whole files, or the file cut in ranges (read past their ends to whole lines).
        const step = rnd() < 0.5 ? Math.max(1, size) : 1 + Math.floor(rnd() * 7);
        for (let start = 0; start < size; start += step) files.push({ path, start, length: Math.min(step, size - start) });
      }
      const got = await read(files);
      expect(got.rows, JSON.stringify({ trial, files })).toEqual(expected);
      if (expected.length > 0) expect(got.bytes).toBe(!files.some((r) => readFileSync(r.path).includes(13)));
    }
    // A whole file named by `path`.
    const one = join(dir, 'one.txt');
    writeFileSync(one, 'a b\n\nc\n');
    const [batch] = await textFileReader.read({ reader: 'text-file', config: { path: one } }, {} as EvalContext);
    expect(batch?.numRows).toBe(3);
    const col = batch?.columns[0];
    expect(col?.kind === 'values' ? col.values : undefined).toEqual(['a b', '', 'c']);
    // Malformed UTF-8 is decoded as before (U+FFFD), not kept as bytes.
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, Buffer.from([0x61, 0xff, 0x0a, 0x62]));
    expect(await read([{ path: bad, start: 0, length: 4 }])).toEqual({ rows: ['a\uFFFD', 'b'], bytes: false });
  });
});
