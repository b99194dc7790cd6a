import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InternalError } from '../../../engine/errors/errors.js';
import { FileLineLog } from '../../../master/streaming/checkpoint/file-checkpoint.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function walPath(): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-file-line-log-'));
  dirs.push(dir);
  return { dir, path: join(dir, 'wal') };
}

/** Every line the segment files hold. */
function heldLines(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) n += (readFileLines(join(dir, name)));
  return n;
}

function readFileLines(path: string): number {
  return readFileSync(path, 'utf8').split('\n').length - 1;
}

describe('FileLineLog (the socket source write-ahead log in a file checkpoint)', () => {
  it('rolls segments past their size and trims whole segments below an index, keeping length and indexes', async () => {
    const { dir, path } = walPath();
    // 9-byte segments: each 3-line append of 'aN' lines (9 bytes) fills one.
    const log = new FileLineLog(path, 9);
    expect(await log.append(['a0', 'a1', 'a2'])).toBe(3);
    expect(await log.append(['a3', 'a4', 'a5'])).toBe(6);
    expect(await log.append(['a6', 'a7', 'a8'])).toBe(9);
    expect(await log.append(['a9'])).toBe(10);
    expect(readdirSync(dir).sort()).toEqual(['wal', 'wal.3', 'wal.6', 'wal.9']);
    // Line 4 is inside wal.3: only wal (lines 0-2) can go.
    await log.trim(4);
    expect(readdirSync(dir).sort()).toEqual(['wal.3', 'wal.6', 'wal.9']);
    expect(await log.length()).toBe(10);
    expect(await log.read(3, 10)).toEqual(['a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9']);
    expect(await log.read(5, 7)).toEqual(['a5', 'a6']);
    await expect(log.read(2, 4)).rejects.toThrow(InternalError);
    await log.trim(4);
    await log.trim(1);
    // Everything committed: the last segment stays (it is being appended to).
    await log.trim(10);
    expect(readdirSync(dir)).toEqual(['wal.9']);
    const fresh = new FileLineLog(path, 9);
    expect(await fresh.length()).toBe(10);
    expect(await fresh.read(9, 10)).toEqual(['a9']);
    await expect(fresh.read(8, 10)).rejects.toThrow(/trimmed up to line 9/);
    expect(await fresh.append(['b0'])).toBe(11);
    expect(await fresh.read(9, 11)).toEqual(['a9', 'b0']);
  });

  it('holds a bounded number of lines over a long run trimmed at each commit', async () => {
    const { dir, path } = walPath();
    const log = new FileLineLog(path, 200);
    let held = 0;
    for (let batch = 0; batch < 100; batch++) {
      const lines = Array.from({ length: 40 }, (_, i) => `b${batch}-${i}`.padEnd(9, '.'));
      await log.appendRecords(Buffer.from(`${lines.slice(0, 25).join('\n')}\n`), 25);
      expect(await log.append(lines.slice(25))).toBe(batch * 40 + 40);
      expect(await log.read(batch * 40, batch * 40 + 40)).toEqual(lines);
      await log.trim(batch * 40 + 40);
      held = Math.max(held, heldLines(dir));
    }
    // At most one batch (40 lines, 400 bytes) plus a segment's worth.
    expect(held).toBeLessThanOrEqual(80);
    expect(await new FileLineLog(path, 200).length()).toBe(4000);
  });

  it('reads a log written before segments existed (one wal file) and appends to it', async () => {
    const { dir, path } = walPath();
    mkdirSync(dir, { recursive: true });
    writeFileSync(path, 'x\ny\nz\n');
    const log = new FileLineLog(path);
    expect(await log.length()).toBe(3);
    expect(await log.read(0, 3)).toEqual(['x', 'y', 'z']);
    await log.trim(3);
    expect(await log.append(['w'])).toBe(4);
    expect(await log.read(1, 4)).toEqual(['y', 'z', 'w']);
    expect(readdirSync(dir)).toEqual(['wal']);
  });
});
