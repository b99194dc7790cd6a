import type { MergeOp } from '../../../engine/functions/function.js';
import { memberText, WHOLE_KEY, type StateKey } from '../../../engine/state/state-key.js';
import { encodeNumber, encodeSlot } from './codec.js';

const textEncoder = new TextEncoder();

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Past this many distinct groups in one batch the writer stops remembering new ones (see `GroupBytes`). */
const MAX_CACHED_GROUPS = 4096;

/**
 * A group's escaped text as written once, and the text of the last event time written with it: a
 * windowed count's group is its window, and every row of a window has the window's end as its
 * event time, so a batch writes a few dozen distinct group and time texts ~25 k times each.
 */
interface GroupBytes {
  readonly bytes: Uint8Array;
  /** `group.length` (what `escaped` returns). */
  readonly length: number;
  eventTimeUs: number | null;
  time: Uint8Array | undefined;
}

/**
 * The upserts argument of apply-batch.lua, written straight into bytes: exactly the UTF-8 of
 * `JSON.stringify([stateKeyText(row1), encodeRowValue(row1), ...])` (a test compares the two), so
 * Redis, the script and recovery see the same text as ever. A batch of a sliding-window query
 * changes ~25 k rows per partition; building each row's key and value as strings, an array of
 * them, their JSON text and then its UTF-8 made several short-lived objects per row (GC) and
 * walked every character three times. Here the common characters (printable ASCII, digits of
 * integers) are written as they are read; anything else takes `JSON.stringify`'s own text.
 */
export class PackedRowsWriter {
  private buf: Uint8Array;
  private pos = 1;
  private rows = 0;
  private readonly groups = new Map<string, GroupBytes>();
  /** The group of the row being written (its event time text is remembered there), if cached. */
  private group: GroupBytes | undefined;
  /** Lengths (UTF-16 code units, as `String.length`) of the key and value texts the last `add` wrote. */
  keyLength = 0;
  valueLength = 0;

  constructor(expectedRows: number) {
    this.buf = new Uint8Array(Math.max(256, expectedRows * 96));
    this.buf[0] = 0x5b; // [
  }

  /** Appends one row's key and value (its `encodeRowValue` text) as two JSON strings. */
  add(key: StateKey, eventTimeUs: number | null, buffers: readonly unknown[], ops: readonly MergeOp[]): void {
    this.reserve(64);
    if (this.rows++ > 0) this.byte(0x2c); // ,
    this.byte(QUOTE);
    this.group = undefined;
    this.keyLength = this.writeKey(key);
    this.byte(QUOTE);
    this.byte(0x2c);
    this.byte(QUOTE);
    this.valueLength = this.writeValue(eventTimeUs, buffers, ops);
    this.byte(QUOTE);
  }

  /** The packed array; the writer is done. */
  finish(): Buffer {
    this.reserve(1);
    this.byte(0x5d); // ]
    return Buffer.from(this.buf.buffer, this.buf.byteOffset, this.pos);
  }

  /** `stateKeyText(key)`, escaped as inside a JSON string; returns the text's length. */
  private writeKey(key: StateKey): number {
    if (key.member === WHOLE_KEY) return this.escaped(key.group);
    this.byte(0x5b);
    let length = 2;
    if (key.group !== '') {
      length += this.groupText(key.group) + 1;
      this.byte(0x2c);
    }
    const m = key.member;
    if (typeof m === 'string' && plainAscii(m)) {
      // memberText is JSON.stringify(m): the string in quotes, which are escaped once more here.
      this.reserve(m.length + 4);
      this.byte(BACKSLASH);
      this.byte(QUOTE);
      this.ascii(m);
      this.byte(BACKSLASH);
      this.byte(QUOTE);
      length += m.length + 2;
    } else length += this.escaped(memberText(m));
    this.reserve(1);
    this.byte(0x5d);
    return length;
  }

  /** `encodeRowValue(eventTimeUs, buffers, ops)`, escaped as inside a JSON string; returns its length. */
  private writeValue(eventTimeUs: number | null, buffers: readonly unknown[], ops: readonly MergeOp[]): number {
    this.reserve(24);
    this.byte(0x5b);
    let length = 2 + (eventTimeUs === null ? this.ascii('null') : this.eventTime(eventTimeUs));
    for (let i = 0; i < ops.length; i++) {
      this.reserve(24);
      this.byte(0x2c);
      const v = buffers[i];
      // Finite numbers (counts, sums) directly; anything else (and every error) through encodeSlot.
      length += 1 + (typeof v === 'number' && Number.isFinite(v) ? this.number(v, false) : this.escaped(encodeSlot(v, ops[i] as MergeOp)));
    }
    this.reserve(1);
    this.byte(0x5d);
    return length;
  }

  /** `escaped(group)`, copied from the bytes it was written as the first time in this batch. */
  private groupText(group: string): number {
    const cached = this.groups.get(group);
    if (cached !== undefined) {
      this.copy(cached.bytes);
      this.group = cached;
      return cached.length;
    }
    const start = this.pos;
    const length = this.escaped(group);
    if (this.groups.size < MAX_CACHED_GROUPS) {
      this.group = { bytes: this.buf.slice(start, this.pos), length, eventTimeUs: null, time: undefined };
      this.groups.set(group, this.group);
    }
    return length;
  }

  /** `number(t, true)`, copied when the row's group was last written with the same time. */
  private eventTime(t: number): number {
    const g = this.group;
    if (g === undefined) return this.number(t, true);
    // Object.is: -0 is written "-0", 0 "0".
    if (Object.is(g.eventTimeUs, t) && g.time !== undefined) {
      this.copy(g.time);
      return g.time.length;
    }
    const start = this.pos;
    const length = this.number(t, true);
    g.eventTimeUs = t;
    g.time = this.buf.slice(start, this.pos);
    return length;
  }

  /** Appends `bytes` (short: a loop beats `set`'s call for a few dozen bytes). */
  private copy(bytes: Uint8Array): void {
    const n = bytes.length;
    this.reserve(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = bytes[i] as number;
    this.pos = pos;
  }

  /** A number's exact text (`encodeNumber`'s): safe integers digit by digit, others by `String`. */
  private number(n: number, eventTime: boolean): number {
    if (Object.is(n, -0) || !Number.isSafeInteger(n)) return this.ascii(eventTime ? encodeNumber(n) : Object.is(n, -0) ? '-0' : String(n));
    this.reserve(18);
    let length = 0;
    if (n < 0) {
      this.byte(0x2d);
      n = -n;
      length = 1;
    }
    if (n < 1e8) return length + this.digits(n, 0);
    // Two halves below 1e8 each, so the digits come from int32 arithmetic (a microsecond time has 16).
    let hi = Math.floor(n / 1e8);
    let lo = n - hi * 1e8;
    // The quotient may round across an integer: put the halves right.
    if (lo < 0) {
      hi--;
      lo += 1e8;
    } else if (lo >= 1e8) {
      hi++;
      lo -= 1e8;
    }
    return length + this.digits(hi, 0) + this.digits(lo, 8);
  }

  /** The digits of an integer in [0, 1e8), left-padded with zeros to `width`; returns how many. */
  private digits(x: number, width: number): number {
    let count = 1;
    for (let y = x; y >= 10; y = (y / 10) | 0) count++;
    if (count < width) count = width;
    const buf = this.buf;
    let at = this.pos + count;
    this.pos = at;
    for (let i = 0; i < count; i++) {
      const q = (x / 10) | 0;
      buf[--at] = 0x30 + x - q * 10;
      x = q;
    }
    return count;
  }

  /** `text` as inside a JSON string (JSON.stringify(text) without its quotes); returns `text.length`. */
  private escaped(text: string): number {
    const n = text.length;
    this.reserve(2 * n);
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c < 0x20 || c >= 0x7f) {
        // Control characters, non-ASCII, lone surrogates: JSON.stringify's own escapes, in UTF-8.
        const json = JSON.stringify(text);
        this.pos = start;
        this.reserve(3 * json.length);
        this.pos = start + textEncoder.encodeInto(json.slice(1, -1), this.buf.subarray(start)).written;
        return n;
      }
      if (c === QUOTE || c === BACKSLASH) buf[pos++] = BACKSLASH;
      buf[pos++] = c;
    }
    this.pos = pos;
    return n;
  }

  /** Printable ASCII without quotes or backslashes (the caller checked); returns its length. */
  private ascii(text: string): number {
    const n = text.length;
    this.reserve(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = text.charCodeAt(i);
    this.pos = pos;
    return n;
  }

  private byte(b: number): void {
    // A typed array drops writes past its end silently: never let one be lost.
    if (this.pos >= this.buf.length) this.reserve(1);
    this.buf[this.pos++] = b;
  }

  /** Room for `n` more bytes. */
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }
}

/** Printable ASCII with no character JSON escapes (its JSON text is itself in quotes). */
function plainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === QUOTE || c === BACKSLASH) return false;
  }
  return true;
}
