import { describe, expect, it } from 'vitest';
import { appendChunks, LINE_OVERHEAD_BYTES, LineBlock, LineCutter, MAX_LINE_BYTES } from '../../../master/sources/line-block.js';

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
    const { block } = cutter.push(c, 1000 + i);
    if (block) blocks.push(block);
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
    expect(all.records().toString()).toBe('1000\ta b\n1001\tc\n1001\td\n');
    expect(all.recordLines()).toEqual(['1000\ta b', '1001\tc', '1001\td']);
    expect(Buffer.from(all.slice(1, 3).joined()).toString()).toBe('c\nd');
    expect(all.slice(0, 1).lines()).toEqual(['a b']);
    expect(all.slice(2, 2).count).toBe(0);
    expect(all.heldBytes).toBe('a b\nc\nd\n'.length + 3 * LINE_OVERHEAD_BYTES);
  });

  it('cuts a line over the size limit where a character ends', () => {
    const cutter = new LineCutter();
    const long = Buffer.concat([Buffer.alloc(MAX_LINE_BYTES, 0x61), Buffer.from('é')]);
    // The read ends inside 'é': the cut keeps the whole 'a's and waits for the character's last byte.
    const { block, cut } = cutter.push(long.subarray(0, long.length - 1), 1);
    expect(cut).toBe(MAX_LINE_BYTES);
    expect(block?.count).toBe(1);
    expect(block?.bytes.length).toBe(MAX_LINE_BYTES + 1);
    const rest = cutter.push(Buffer.from([long[long.length - 1] as number, 0x0a]), 2);
    expect(rest.block?.lines()).toEqual(['é']);
  });
});

describe('appendChunks (what one write-ahead log append takes)', () => {
  const block = (lines: readonly string[], now = 1_700_000_000_000): LineBlock =>
    new LineCutter().push(Buffer.from(lines.map((l) => `${l}\n`).join('')), now).block as LineBlock;

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
    expect(byBytes.reduce((n, c) => n + c.heldBytes, 0)).toBe(b.heldBytes);
  });

  it('gives a line over the byte cap an append of its own', () => {
    const lines = ['a', 'b'.repeat(500), 'c', 'd'];
    expect(appendChunks(block(lines), 100, 64).map((c) => c.lines())).toEqual([['a'], ['b'.repeat(500)], ['c', 'd']]);
    expect(appendChunks(LineBlock.EMPTY, 100, 64)).toEqual([]);
  });
});

