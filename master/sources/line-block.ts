import { isUtf8 } from 'node:buffer';

/** What a held line costs beyond its bytes: its end (4 bytes), its time (8), a share of its block. */
export const LINE_OVERHEAD_BYTES = 16;

const NEWLINE = 10;
const CR = 13;

/**
 * Socket lines kept as the UTF-8 bytes they came in, not as a string each: `bytes` holds every
 * line followed by '\n', `ends[i]` is where line i's text ends (at its '\n'; line i starts after
 * line i-1's), `times[i]` when it arrived (ms). A batch's `lines` split is a copy of a byte range,
 * and the write-ahead log's records are the bytes with their time put before each: no line is
 * ever decoded, joined or encoded again on the driver.
 */
export class LineBlock {
  constructor(
    readonly bytes: Buffer,
    readonly ends: Int32Array,
    readonly times: Float64Array,
  ) {}

  static readonly EMPTY = new LineBlock(Buffer.alloc(0), new Int32Array(0), new Float64Array(0));

  get count(): number {
    return this.ends.length;
  }

  /** Bytes held for these lines, as `maxBufferedBytes` counts them. */
  get heldBytes(): number {
    return this.bytes.length + this.ends.length * LINE_OVERHEAD_BYTES;
  }

  private start(i: number): number {
    return i === 0 ? 0 : (this.ends[i - 1] as number) + 1;
  }

  /** Lines `[from, to)`, sharing this block's bytes. */
  slice(from: number, to: number): LineBlock {
    if (from === 0 && to === this.count) return this;
    if (to <= from) return LineBlock.EMPTY;
    const base = this.start(from);
    const ends = new Int32Array(to - from);
    for (let k = 0; k < ends.length; k++) ends[k] = (this.ends[from + k] as number) - base;
    return new LineBlock(this.bytes.subarray(base, (this.ends[to - 1] as number) + 1), ends, this.times.subarray(from, to));
  }

  static concat(blocks: readonly LineBlock[]): LineBlock {
    const parts = blocks.filter((b) => b.count > 0);
    if (parts.length === 0) return LineBlock.EMPTY;
    if (parts.length === 1) return parts[0] as LineBlock;
    let lines = 0;
    for (const b of parts) lines += b.count;
    const ends = new Int32Array(lines);
    const times = new Float64Array(lines);
    let at = 0;
    let base = 0;
    for (const b of parts) {
      for (let i = 0; i < b.count; i++) ends[at + i] = (b.ends[i] as number) + base;
      times.set(b.times, at);
      at += b.count;
      base += b.bytes.length;
    }
    return new LineBlock(Buffer.concat(parts.map((b) => b.bytes)), ends, times);
  }

  /**
   * The lines joined by '\n' (no newline after the last), in a buffer of their own: what a
   * `lines` split carries. A copy, since posting a view to a thread would copy its whole buffer.
   */
  joined(): Uint8Array {
    return new Uint8Array(this.bytes.subarray(0, Math.max(0, this.bytes.length - 1)));
  }

  /** The lines as strings (for a line log that takes strings, and tests). */
  lines(): string[] {
    if (this.count === 0) return [];
    return this.bytes.toString('utf8', 0, this.bytes.length - 1).split('\n');
  }

  /** The write-ahead log's records, `<time ms>\t<line>` each, as strings. */
  recordLines(): string[] {
    const lines = this.lines();
    for (let i = 0; i < lines.length; i++) lines[i] = `${this.times[i] ?? 0}\t${lines[i] as string}`;
    return lines;
  }

  /** The same records as bytes, each followed by '\n': the lines' bytes with a time put before each. */
  records(): Buffer {
    const n = this.count;
    const src = this.bytes;
    let size = src.length;
    let prefix = Buffer.alloc(0);
    let prefixTime = Number.NaN;
    for (let i = 0; i < n; i++) {
      const t = this.times[i] as number;
      if (t !== prefixTime) {
        prefixTime = t;
        prefix = Buffer.from(`${t}\t`, 'latin1');
      }
      size += prefix.length;
    }
    const out = Buffer.allocUnsafe(size);
    prefixTime = Number.NaN;
    let pos = 0;
    let from = 0;
    for (let i = 0; i < n; i++) {
      const t = this.times[i] as number;
      if (t !== prefixTime) {
        prefixTime = t;
        prefix = Buffer.from(`${t}\t`, 'latin1');
      }
      for (let k = 0; k < prefix.length; k++) out[pos++] = prefix[k] as number;
      const end = (this.ends[i] as number) + 1;
      // A plain loop: lines are short, and a native copy per line costs more in calls than it saves.
      for (let k = from; k < end; k++) out[pos++] = src[k] as number;
      from = end;
    }
    return out;
  }
}

/**
 * The last line after `from` such that the lines from `from + 1` to it hold at most `bytes` (at
 * least one line), among the lines held in `blocks` (the first is line `base`): how far a batch
 * may go so that the other half of the socket source's buffer keeps filling while it runs. Lines
 * before `base` (a replay from the log) and past the blocks are not limited.
 */
export function lastLineWithin(blocks: readonly LineBlock[], base: number, from: number, bytes: number): number {
  if (from + 1 < base) return Number.POSITIVE_INFINITY;
  let line = base;
  let room = bytes;
  for (const b of blocks) {
    const first = Math.max(0, from + 1 - line);
    if (first < b.count) {
      const rest = first === 0 ? b : b.slice(first, b.count);
      if (rest.heldBytes <= room) room -= rest.heldBytes;
      else {
        let start = 0;
        for (let i = 0; i < rest.count; i++) {
          const end = (rest.ends[i] as number) + 1;
          room -= end - start + LINE_OVERHEAD_BYTES;
          start = end;
          if (room < 0) return Math.max(from + 1, line + first + i - 1);
        }
      }
    }
    line += b.count;
  }
  return Number.POSITIVE_INFINITY;
}

/**
 * About the most one append sends to the write-ahead log: a flood's 100 k-line append was one 7.5 MB
 * script call, which Redis holds (and copies into its Lua engine) all at once.
 */
export const MAX_APPEND_BYTES = 1024 * 1024;

/**
 * `block` cut into appends of at most `maxLines` lines whose records (bytes plus their time prefix)
 * take at most about `maxBytes` each; a line longer than that is an append of its own.
 */
export function appendChunks(block: LineBlock, maxLines: number, maxBytes: number): LineBlock[] {
  const chunks: LineBlock[] = [];
  let first = 0;
  let firstByte = 0;
  for (let i = 0; i < block.count; i++) {
    const end = (block.ends[i] as number) + 1;
    const lines = i + 1 - first;
    if (lines > 1 && (lines > maxLines || end - firstByte + lines * RECORD_PREFIX_BYTES > maxBytes)) {
      chunks.push(block.slice(first, i));
      first = i;
      firstByte = i === 0 ? 0 : (block.ends[i - 1] as number) + 1;
    }
  }
  if (first < block.count) chunks.push(block.slice(first, block.count));
  return chunks;
}

/** A record's time prefix: 13 digits of milliseconds and a tab. */
const RECORD_PREFIX_BYTES = 14;

/** A line longer than this without a newline is cut here (garbage on the socket must not eat memory). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/**
 * Cuts socket data into `LineBlock`s exactly where the text decoder and `split('\n')` cut it
 * before: a '\r' ending a line is dropped, bytes that are not UTF-8 become U+FFFD (as a
 * non-fatal TextDecoder makes them; checked per read, so valid data is never decoded), a
 * byte-order mark opening the stream is skipped, and an unfinished line waits for the next read.
 */
export class LineCutter {
  private partial: Buffer | undefined;
  private started = false;
  private scratch = new Int32Array(1024);

  /** The complete lines of this read (with what was left of the last), or undefined. `cut`: a line over the size limit was cut. */
  push(chunk: Buffer, now: number): { block: LineBlock | undefined; cut: number } {
    let buf = this.partial === undefined ? chunk : Buffer.concat([this.partial, chunk]);
    this.partial = undefined;
    if (!this.started) {
      if (buf.length < 3 && BOM.subarray(0, buf.length).equals(buf)) {
        this.partial = buf;
        return { block: undefined, cut: 0 };
      }
      this.started = true;
      if (buf.subarray(0, 3).equals(BOM)) buf = buf.subarray(3);
    }
    const last = buf.lastIndexOf(NEWLINE);
    let block: LineBlock | undefined;
    if (last >= 0) {
      block = this.block(buf.subarray(0, last + 1), now, true);
      if (last + 1 < buf.length) this.partial = buf.subarray(last + 1);
    } else if (buf.length > 0) this.partial = buf;
    const rest = this.partial;
    if (rest !== undefined && rest.length > MAX_LINE_BYTES) {
      // Cut where a character ends; an unfinished character waits for its last bytes.
      const at = charBoundary(rest);
      const long = this.block(Buffer.concat([rest.subarray(0, at), NL]), now, false);
      this.partial = at < rest.length ? Buffer.from(rest.subarray(at)) : undefined;
      return { block: block ? LineBlock.concat([block, long]) : long, cut: at };
    }
    return { block, cut: 0 };
  }

  /** The socket closed: what is left is a last line (unless empty). */
  end(now: number): LineBlock | undefined {
    const rest = this.partial;
    this.partial = undefined;
    if (rest === undefined || rest.length === 0) return undefined;
    return this.block(Buffer.concat([rest, NL]), now, true);
  }

  /** `text`: lines each ending in '\n'. */
  private block(text: Buffer, now: number, dropCr: boolean): LineBlock {
    let bytes = text;
    if (!isUtf8(bytes)) bytes = Buffer.from(DECODER.decode(bytes), 'utf8');
    if (dropCr && bytes.includes(CR)) bytes = withoutCrBeforeNewline(bytes);
    let n = 0;
    let ends = this.scratch;
    for (let at = bytes.indexOf(NEWLINE); at >= 0; at = bytes.indexOf(NEWLINE, at + 1)) {
      if (n === ends.length) {
        const grown = new Int32Array(ends.length * 2);
        grown.set(ends);
        this.scratch = ends = grown;
      }
      ends[n++] = at;
    }
    return new LineBlock(bytes, ends.slice(0, n), new Float64Array(n).fill(now));
  }
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const NL = Buffer.from([NEWLINE]);
const DECODER = new TextDecoder('utf-8', { fatal: false });

function withoutCrBeforeNewline(bytes: Buffer): Buffer {
  const out = Buffer.allocUnsafe(bytes.length);
  let pos = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i] as number;
    if (c === CR && bytes[i + 1] === NEWLINE) continue;
    out[pos++] = c;
  }
  return out.subarray(0, pos);
}

/** Where the last complete UTF-8 character of `b` ends. */
function charBoundary(b: Buffer): number {
  let start = b.length - 1;
  while (start > 0 && b.length - start < 4 && ((b[start] as number) & 0xc0) === 0x80) start--;
  const lead = b[start] as number;
  const size = lead < 0x80 ? 1 : lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return start + size <= b.length ? b.length : start;
}
