import type { ReceivedLines } from '../../../engine/connectors/source.js';

/**
 * How one append to the Redis write-ahead log is stored (one list element):
 *
 *   0x01 <time>*<count>,<time>*<count>... '\n' <line> '\n' <line> ... <line>
 *
 * A header of arrival times, one per run of lines that arrived together (a socket read's lines
 * share theirs), then the lines as received. Lines logged with a time read back as the socket
 * source's records, `<time>\t<line>`; an empty header means plain lines, read back as they were.
 * Before this format each line carried its own 14-byte time prefix (a fifth of the log for a
 * 60-byte line); such chunks start with a digit (the socket source wrote only records), never 0x01,
 * and still read as they are.
 */
const MARKER = 0x01;
const NEWLINE = 0x0a;

/** Bytes of a chunk beyond its lines (a generous bound: every run's header entry). */
function headerBound(runs: number): number {
  return 2 + runs * 32;
}

/**
 * The chunk for lines received with their times, written into `scratch` when it is large enough
 * (a view of it is returned), else into a new buffer.
 */
export function encodeReceivedChunk(lines: ReceivedLines, scratch?: Buffer): Buffer {
  let bytes = 0;
  let runs = 0;
  for (const part of lines.parts) {
    bytes += part.bytes.length;
    let last = Number.NaN;
    for (let i = 0; i < part.times.length; i++) {
      if (part.times[i] !== last) runs++;
      last = part.times[i] as number;
    }
  }
  const bound = headerBound(runs) + bytes;
  const out = scratch !== undefined && scratch.length >= bound ? scratch : Buffer.allocUnsafe(bound);
  out[0] = MARKER;
  let pos = 1;
  let time = Number.NaN;
  let count = 0;
  const flush = (): void => {
    if (count === 0) return;
    pos += out.write(`${pos === 1 ? '' : ','}${time}*${count}`, pos, 'latin1');
  };
  for (const part of lines.parts) {
    for (let i = 0; i < part.times.length; i++) {
      const t = part.times[i] as number;
      if (t !== time) {
        flush();
        time = t;
        count = 0;
      }
      count++;
    }
  }
  flush();
  out[pos++] = NEWLINE;
  for (const part of lines.parts) {
    out.set(part.bytes, pos);
    pos += part.bytes.length;
  }
  // Every line was followed by '\n'; the chunk holds them joined by it.
  return out.subarray(0, bytes > 0 ? pos - 1 : pos);
}

/** The chunk for plain lines (no times). */
export function encodePlainChunk(lines: readonly string[]): string {
  return `\u0001\n${lines.join('\n')}`;
}

/** What a chunk holds, as appended: records `<time>\t<line>` for received lines, else the lines. */
export function decodeChunk(chunk: string): string[] {
  if (chunk.charCodeAt(0) !== MARKER) return chunk.split('\n');
  const headerEnd = chunk.indexOf('\n');
  const lines = chunk.slice(headerEnd + 1).split('\n');
  const header = chunk.slice(1, headerEnd);
  if (header === '') return lines;
  let at = 0;
  for (const run of header.split(',')) {
    const star = run.indexOf('*');
    const time = run.slice(0, star);
    const end = at + Number(run.slice(star + 1));
    for (; at < end && at < lines.length; at++) lines[at] = `${time}\t${lines[at] as string}`;
  }
  return lines;
}
