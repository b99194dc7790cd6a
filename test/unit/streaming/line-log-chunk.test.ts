import { describe, expect, it } from 'vitest';
import type { ReceivedLines } from '../../../engine/connectors/source.js';
import { decodeChunk, encodePlainChunk, encodeReceivedChunk } from '../../../master/streaming/checkpoint/line-log-chunk.js';

/** `runs`: [arrival time, lines] per socket read. */
const received = (runs: readonly (readonly [number, readonly string[]])[]): ReceivedLines => ({
  parts: runs.map(([t, ls]) => ({ bytes: Buffer.from(ls.map((l) => `${l}\n`).join('')), times: ls.map(() => t) })),
  count: runs.reduce((n, [, ls]) => n + ls.length, 0),
});

describe('the Redis write-ahead log chunk (one time per run of lines)', () => {
  it('reads received lines back as the records `<time>\\t<line>`, in order, across parts and runs', () => {
    const lines = received([
      [1_700_000_000_000, ['a b', '', 'ünï cødé']],
      [1_700_000_000_000, ['same time, next read']],
      [1_700_000_000_007, ['tab\tinside', '\u0001 leading marker byte']],
      [1_700_000_000_003, ['time went back']],
    ]);
    const chunk = encodeReceivedChunk(lines);
    expect(chunk.subarray(0, 1)[0]).toBe(1);
    // One header entry per run of equal times, not per line or per read.
    expect(chunk.toString('utf8').split('\n')[0]).toBe('\u00011700000000000*4,1700000000007*2,1700000000003*1');
    expect(decodeChunk(chunk.toString('utf8'))).toEqual([
      '1700000000000\ta b',
      '1700000000000\t',
      '1700000000000\tünï cødé',
      '1700000000000\tsame time, next read',
      '1700000000007\ttab\tinside',
      '1700000000007\t\u0001 leading marker byte',
      '1700000000003\ttime went back',
    ]);
  });

  it('writes into the scratch buffer when it is large enough, else into a buffer of its own', () => {
    const lines = received([[5, ['x'.repeat(1000), 'y']]]);
    const scratch = Buffer.alloc(4096);
    const inScratch = encodeReceivedChunk(lines, scratch);
    expect(inScratch.buffer).toBe(scratch.buffer);
    const own = encodeReceivedChunk(lines, Buffer.alloc(16));
    expect(own.equals(inScratch)).toBe(true);
    expect(decodeChunk(own.toString('utf8'))).toEqual([`5\t${'x'.repeat(1000)}`, '5\ty']);
  });

  it('keeps plain lines as they were, and reads chunks written before the header (a time before each line)', () => {
    expect(decodeChunk(encodePlainChunk(['a', '', '\u0001b', 'c\td']))).toEqual(['a', '', '\u0001b', 'c\td']);
    expect(decodeChunk(encodePlainChunk(['']))).toEqual(['']);
    expect(decodeChunk('1700000000000\tx\n1700000000001\ty')).toEqual(['1700000000000\tx', '1700000000001\ty']);
  });
});
