/** What a held line costs beyond its bytes: its end (4 bytes), its time (8), a share of its block. */
export const LINE_OVERHEAD_BYTES = 16;

/**
 * Socket lines kept as the UTF-8 bytes they came in, not as a string each: `bytes` holds every
 * line followed by '\n', `ends[i]` is where line i's text ends (at its '\n'; line i starts after
 * line i-1's), `times[i]` when it arrived (ms). The bytes are usually a view of the socket read
 * they came in (line-cutter.ts), so holding received lines costs no copy: a batch's split payload
 * and a log append's records are each one copy of a range of them, and no line is ever decoded,
 * joined or encoded again on the driver.
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

  /** Where line i's text starts. */
  start(i: number): number {
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

  /** The lines as strings (for a line log that takes strings, and tests). */
  lines(): string[] {
    if (this.count === 0) return [];
    return this.bytes.toString('utf8', 0, this.bytes.length - 1).split('\n');
  }
}

/**
 * Received lines `[from, to)` among `blocks` (the first holds line `base`) joined by '\n' (no
 * newline after the last), as views of the blocks' bytes in order — what a `lines` split carries,
 * so a batch's lines are not copied on the driver before a transport writes them out — with each
 * line's arrival time.
 */
export function lineParts(blocks: readonly LineBlock[], base: number, from: number, to: number): { parts: Buffer[]; times: Float64Array } {
  const parts: Buffer[] = [];
  const times = new Float64Array(Math.max(0, to - from));
  let line = base;
  let at = 0;
  for (const block of blocks) {
    const lo = Math.max(from, line) - line;
    const hi = Math.min(to, line + block.count) - line;
    if (lo < hi) {
      // Every line's newline but the range's last.
      const end = (block.ends[hi - 1] as number) + (line + hi === to ? 0 : 1);
      parts.push(block.bytes.subarray(block.start(lo), end));
      times.set(block.times.subarray(lo, hi), at);
      at += hi - lo;
    }
    line += block.count;
    if (line >= to) break;
  }
  return { parts, times };
}

/**
 * The lines of one write-ahead log append: consecutive blocks (or parts of them), kept as
 * received, written to the log as one buffer of records.
 */
export class LineChunk {
  readonly count: number;

  constructor(readonly blocks: readonly LineBlock[]) {
    let n = 0;
    for (const b of blocks) n += b.count;
    this.count = n;
  }

  get heldBytes(): number {
    let n = 0;
    for (const b of this.blocks) n += b.heldBytes;
    return n;
  }

  lines(): string[] {
    return this.blocks.flatMap((b) => b.lines());
  }

  /** The write-ahead log's records, `<time ms>\t<line>` each, as strings. */
  recordLines(): string[] {
    const out: string[] = [];
    for (const b of this.blocks) {
      const lines = b.lines();
      for (let i = 0; i < lines.length; i++) out.push(`${b.times[i] ?? 0}\t${lines[i] as string}`);
    }
    return out;
  }

  /**
   * The same records as bytes, each followed by '\n': the lines' bytes with a time put before each.
   * Written into `scratch` when it is large enough (a view of it is returned), else into a new buffer.
   */
  records(scratch?: Buffer): Buffer {
    const prefixes = new TimePrefixes();
    let size = 0;
    for (const b of this.blocks) {
      size += b.bytes.length;
      for (let i = 0; i < b.count; i++) size += prefixes.of(b.times[i] as number).length;
    }
    const out = scratch !== undefined && scratch.length >= size ? scratch.subarray(0, size) : Buffer.allocUnsafe(size);
    let pos = 0;
    for (const b of this.blocks) {
      const src = b.bytes;
      let from = 0;
      for (let i = 0; i < b.count; i++) {
        const prefix = prefixes.of(b.times[i] as number);
        for (let k = 0; k < prefix.length; k++) out[pos++] = prefix[k] as number;
        const end = (b.ends[i] as number) + 1;
        // A plain loop: lines are short, and a native copy per line costs more in calls than it saves.
        for (let k = from; k < end; k++) out[pos++] = src[k] as number;
        from = end;
      }
    }
    return out;
  }
}

/** `<time>\t` as bytes, made once per run of lines with one time (a socket read's lines share theirs). */
class TimePrefixes {
  private time = Number.NaN;
  private prefix = Buffer.alloc(0);

  of(time: number): Buffer {
    if (time !== this.time) {
      this.time = time;
      this.prefix = Buffer.from(`${time}\t`, 'latin1');
    }
    return this.prefix;
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
 * The lines of `blocks` cut into appends of at most `maxLines` lines whose records (bytes plus
 * their time prefix) take at most about `maxBytes` each; a line longer than that is an append of
 * its own. Blocks are shared, not copied: a block is sliced only where an append ends inside it.
 */
export function appendChunks(blocks: readonly LineBlock[], maxLines: number, maxBytes: number): LineChunk[] {
  const chunks: LineChunk[] = [];
  let parts: LineBlock[] = [];
  let lines = 0;
  let bytes = 0;
  const close = (): void => {
    if (lines > 0) chunks.push(new LineChunk(parts));
    parts = [];
    lines = 0;
    bytes = 0;
  };
  for (const block of blocks) {
    let first = 0;
    for (let i = 0; i < block.count; i++) {
      const size = (block.ends[i] as number) + 1 - block.start(i) + RECORD_PREFIX_BYTES;
      if (lines + i - first > 0 && (lines + i - first + 1 > maxLines || bytes + size > maxBytes)) {
        if (i > first) parts.push(block.slice(first, i));
        lines += i - first;
        close();
        first = i;
      }
      bytes += size;
    }
    if (first < block.count) {
      parts.push(block.slice(first, block.count));
      lines += block.count - first;
    }
  }
  close();
  return chunks;
}

/** A record's time prefix: 13 digits of milliseconds and a tab. */
const RECORD_PREFIX_BYTES = 14;
