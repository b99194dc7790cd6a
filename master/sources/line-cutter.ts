import { isUtf8 } from 'node:buffer';
import { LineBlock } from './line-block.js';

const NEWLINE = 10;
const CR = 13;

/** A line longer than this without a newline is cut here (garbage on the socket must not eat memory). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/**
 * Cuts socket data into `LineBlock`s exactly where the text decoder and `split('\n')` cut it
 * before: a '\r' ending a line is dropped, bytes that are not UTF-8 become U+FFFD (as a
 * non-fatal TextDecoder makes them; checked per read, so valid data is never decoded), a
 * byte-order mark opening the stream is skipped, and an unfinished line waits for the next read.
 *
 * A read gives at most two blocks: the line it finishes (what was left of the last read and its
 * own first line, copied together) and its other whole lines, as a view of the read itself — so
 * the received bytes are held once, not copied again per read.
 */
export class LineCutter {
  /** The unfinished line so far, as the reads it came in. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private started = false;
  private scratch = new Int32Array(1024);

  /** The complete lines of this read (with what was left of the last). `cut`: a line over the size limit was cut. */
  push(chunk: Buffer, now: number): { blocks: LineBlock[]; cut: number } {
    let data = chunk;
    if (!this.started) {
      const head = this.take(data);
      if (head.length < 3 && BOM.subarray(0, head.length).equals(head)) {
        this.keep(head);
        return { blocks: [], cut: 0 };
      }
      this.started = true;
      data = head.subarray(0, 3).equals(BOM) ? head.subarray(3) : head;
    }
    const blocks: LineBlock[] = [];
    const first = data.indexOf(NEWLINE);
    if (first >= 0) {
      blocks.push(this.block(this.take(data.subarray(0, first + 1)), now, true));
      const last = data.lastIndexOf(NEWLINE);
      if (last > first) blocks.push(this.block(data.subarray(first + 1, last + 1), now, true));
      this.keep(data.subarray(last + 1));
    } else this.keep(data);
    if (this.partialBytes > MAX_LINE_BYTES) {
      // Cut where a character ends; an unfinished character waits for its last bytes.
      const rest = this.take(EMPTY);
      const at = charBoundary(rest);
      blocks.push(this.block(Buffer.concat([rest.subarray(0, at), NL]), now, false));
      if (at < rest.length) this.keep(Buffer.from(rest.subarray(at)));
      return { blocks, cut: at };
    }
    return { blocks, cut: 0 };
  }

  /** The socket closed: what is left is a last line (unless empty). */
  end(now: number): LineBlock | undefined {
    const rest = this.take(EMPTY);
    if (rest.length === 0) return undefined;
    return this.block(Buffer.concat([rest, NL]), now, true);
  }

  /** The unfinished line followed by `tail`, as one buffer; the unfinished line is then empty. */
  private take(tail: Buffer): Buffer {
    if (this.partial.length === 0) return tail;
    const all = Buffer.concat([...this.partial, tail]);
    this.partial = [];
    this.partialBytes = 0;
    return all;
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    this.partial.push(bytes);
    this.partialBytes += bytes.length;
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
const EMPTY = Buffer.alloc(0);
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
