import { describe, expect, it } from 'vitest';
import { appendChunks, lineParts, LINE_OVERHEAD_BYTES, LineBlock, LineChunk } from '../../../master/sources/line-block.js';
import { LineCutter, MAX_LINE_BYTES } from '../../../master/sources/line-cutter.js';

/** What the socket source did before it kept bytes: a streaming TextDecoder, split on '\n', one '\r' dropped per line. */
function decodedLines(chunks: readonly Buffer[]): string[] {
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const out: string[] = [];
  let partial = '';
  for (const c of chunks) {
    const parts = (partial + decoder.decode(c, { stream: true })).split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) out.push(p.endsWith('\r') ? p.slice(0, -1) : p);
  }
  const rest = partial + decoder.decode();
  if (rest !== '') out.push(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
  return out;
}

function cutLines(chunks: readonly Buffer[]): { lines: string[]; blocks: LineBlock[] } {
  const cutter = new LineCutter();
  const blocks: LineBlock[] = [];
  for (const [i, c] of chunks.entries()) {
    blocks.push(...cutter.push(c, 1000 + i).blocks);
  }
  const last = cutter.end(9999);
  if (last) blocks.push(last);
  return { lines: LineBlock.concat(blocks).lines(), blocks };
}

/** `bytes` cut into reads at every `step` bytes. */
const reads = (bytes: Buffer, step: number): Buffer[] => {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += step) out.push(bytes.subarray(i, i + step));
  return out;
};

describe('LineCutter: socket bytes cut into lines as the text decoder cut them', () => {
  const text = Buffer.concat([
    Buffer.from('\ufeffplain\r\nzwei wörter\n\n日本語 テキスト\r\n\rcr inside\r\r\n'),
    Buffer.from([0x61, 0xe2, 0x28, 0xa1, 0x0a, 0xf0, 0x9f, 0x98, 0x0a, 0xff, 0x20, 0x62, 0x0a]), // invalid UTF-8 sequences
    Buffer.from('😀 emoji\nno newline at the end\r'),
  ]);

  it.each([1, 2, 3, 5, 7, 64, 1 << 16])('reads of %i bytes give the same lines', (step) => {
    const chunks = reads(text, step);
    expect(cutLines(chunks).lines).toEqual(decodedLines(chunks));
  });

  it('keeps each line as its UTF-8 bytes with its arrival time, and makes the log records and split payloads from them', () => {
    const { blocks } = cutLines([Buffer.from('a b\nc'), Buffer.from('\nd\r\n')]);
    const all = LineBlock.concat(blocks);
    expect(all.count).toBe(3);
    expect([...all.times]).toEqual([1000, 1001, 1001]);
    const chunk = new LineChunk(blocks);
    expect(chunk.count).toBe(3);
    expect(chunk.records().toString()).toBe('1000\ta b\n1001\tc\n1001\td\n');
    expect(chunk.recordLines()).toEqual(['1000\ta b', '1001\tc', '1001\td']);
    const split = lineParts(blocks, 0, 1, 3);
    expect(Buffer.concat(split.parts).toString()).toBe('c\nd');
    expect([...split.times]).toEqual([1001, 1001]);
    expect(all.slice(0, 1).lines()).toEqual(['a b']);
    expect(all.slice(2, 2).count).toBe(0);
    expect(all.heldBytes).toBe('a b\nc\nd\n'.length + 3 * LINE_OVERHEAD_BYTES);
  });

  it('cuts a line over the size limit where a character ends', () => {
    const cutter = new LineCutter();
    const long = Buffer.concat([Buffer.alloc(MAX_LINE_BYTES, 0x61), Buffer.from('é')]);
    // The read ends inside 'é': the cut keeps the whole 'a's and waits for the character's last byte.
    const { blocks, cut } = cutter.push(long.subarray(0, long.length - 1), 1);
    expect(cut).toBe(MAX_LINE_BYTES);
    expect(blocks.map((b) => b.count)).toEqual([1]);
    expect(blocks[0]?.bytes.length).toBe(MAX_LINE_BYTES + 1);
    const rest = cutter.push(Buffer.from([long[long.length - 1] as number, 0x0a]), 2);
    expect(rest.blocks.flatMap((b) => b.lines())).toEqual(['é']);
  });

  it('holds the lines a read finishes as a view of that read, copying only the line the read before left unfinished', () => {
    const cutter = new LineCutter();
    expect(cutter.push(Buffer.from('first li'), 1).blocks).toEqual([]);
    const read = Buffer.from('ne\nsecond\nthird\nfour');
    const { blocks } = cutter.push(read, 2);
    expect(blocks.map((b) => b.lines())).toEqual([['first line'], ['second', 'third']]);
    expect(blocks[1]?.bytes.buffer).toBe(read.buffer);
    expect(cutter.end(3)?.lines()).toEqual(['four']);
  });
});

describe('lineParts (a split payload from the held blocks)', () => {
  it('gives any range of lines across blocks as views that join to the lines, with their times', () => {
    const cutter = new LineCutter();
    const blocks = ['a\nbb\n', 'ccc\n', 'd\ne\nf\n'].flatMap((t, i) => cutter.push(Buffer.from(t), 10 * i).blocks);
    const lines = ['a', 'bb', 'ccc', 'd', 'e', 'f'];
    for (let from = 0; from <= lines.length; from++) {
      for (let to = from; to <= lines.length; to++) {
        const { parts, times } = lineParts(blocks, 100, 100 + from, 100 + to);
        expect(Buffer.concat(parts).toString()).toBe(lines.slice(from, to).join('\n'));
        expect(parts.every((p) => blocks.some((b) => b.bytes.buffer === p.buffer))).toBe(true);
        expect([...times]).toEqual([0, 0, 10, 20, 20, 20].slice(from, to));
      }
    }
  });
});

describe('appendChunks (what one write-ahead log append takes)', () => {
  const block = (lines: readonly string[], now = 1_700_000_000_000): LineBlock[] =>
    new LineCutter().push(Buffer.from(lines.map((l) => `${l}\n`).join('')), now).blocks;

  it('cuts at the line cap and at about the byte cap, keeping every line once and in order', () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => `line ${i} `.padEnd(100, 'x'));
    const b = block(lines);
    const byLines = appendChunks(b, 3000, 1 << 30);
    expect(byLines.map((c) => c.count)).toEqual([3000, 3000, 3000, 1000]);
    const byBytes = appendChunks(b, 1_000_000, 64 * 1024);
    for (const c of byBytes) expect(c.records().length).toBeLessThanOrEqual(64 * 1024);
    // Full but for the last: each is cut only where the next 115-byte record would not fit.
    for (const c of byBytes.slice(0, -1)) expect(c.records().length).toBeGreaterThan(64 * 1024 - 115);
    expect(byBytes.flatMap((c) => c.lines())).toEqual(lines);
    expect(byBytes.reduce((n, c) => n + c.heldBytes, 0)).toBe(b.reduce((n, x) => n + x.heldBytes, 0));
  });

  it('gives a line over the byte cap an append of its own', () => {
    const lines = ['a', 'b'.repeat(500), 'c', 'd'];
    expect(appendChunks(block(lines), 100, 64).map((c) => c.lines())).toEqual([['a'], ['b'.repeat(500)], ['c', 'd']]);
    expect(appendChunks([LineBlock.EMPTY], 100, 64)).toEqual([]);
  });

  it('cuts across blocks as through one, sharing their bytes', () => {
    const cutter = new LineCutter();
    const lines = Array.from({ length: 50 }, (_, i) => `w${i}`);
    const reads = [lines.slice(0, 7), lines.slice(7, 30), lines.slice(30)].map((ls) => Buffer.from(ls.map((l) => `${l}\n`).join('')));
    const blocks = reads.flatMap((r, i) => cutter.push(r, i).blocks);
    const chunks = appendChunks(blocks, 11, 1 << 20);
    expect(chunks.map((c) => c.count)).toEqual([11, 11, 11, 11, 6]);
    expect(chunks.flatMap((c) => c.lines())).toEqual(lines);
    expect(chunks.flatMap((c) => c.blocks).every((b) => reads.some((r) => r.buffer === b.bytes.buffer))).toBe(true);
  });
});

