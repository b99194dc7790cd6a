/**
 * A bounds check of an Arrow IPC stream's framing and metadata before apache-arrow reads it. The
 * reader trusts every count in the flatbuffer headers: one damaged byte can make it loop 2^31
 * times building buffer descriptors. This walks the same headers with every vector, table and
 * body region checked against the bytes actually present, and throws on the first that does not
 * fit. It checks structure only; the reader still decides what the bytes mean.
 */
export class IpcFramingError extends Error {}

const MAX_FIELD_DEPTH = 64;
const HEADER_SCHEMA = 1;
const HEADER_DICTIONARY_BATCH = 2;
const HEADER_RECORD_BATCH = 3;

/** A flatbuffer with every read bounds-checked. */
class Flat {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(pos: number, size: number): void {
    if (!(pos >= 0 && pos + size <= this.bytes.length)) throw new IpcFramingError(`metadata reaches past its ${this.bytes.length} bytes`);
  }

  u32(pos: number): number {
    this.need(pos, 4);
    return this.view.getUint32(pos, true);
  }

  i32(pos: number): number {
    this.need(pos, 4);
    return this.view.getInt32(pos, true);
  }

  u8(pos: number): number {
    this.need(pos, 1);
    return this.view.getUint8(pos);
  }

  i64(pos: number): number {
    this.need(pos, 8);
    return Number(this.view.getBigInt64(pos, true));
  }

  root(): number {
    return this.u32(0);
  }

  /** The position of field `index` of the table at `table`, or undefined when absent. */
  field(table: number, index: number): number | undefined {
    const vtable = table - this.i32(table);
    this.need(vtable, 4);
    const vtableSize = this.view.getUint16(vtable, true);
    if (4 + 2 * index + 2 > vtableSize) return undefined;
    this.need(vtable + 4 + 2 * index, 2);
    const offset = this.view.getUint16(vtable + 4 + 2 * index, true);
    return offset === 0 ? undefined : table + offset;
  }

  /** The table a field's offset points to. */
  table(table: number, index: number): number | undefined {
    const at = this.field(table, index);
    if (at === undefined) return undefined;
    const target = at + this.u32(at);
    this.need(target, 4);
    return target;
  }

  /** A vector field: its first element and length, checked to fit with `elementSize` bytes each. */
  vector(table: number, index: number, elementSize: number): { start: number; length: number } | undefined {
    const at = this.field(table, index);
    if (at === undefined) return undefined;
    const vec = at + this.u32(at);
    const length = this.u32(vec);
    this.need(vec + 4, length * elementSize);
    return { start: vec + 4, length };
  }

  /** The tables of a vector of tables. */
  tables(table: number, index: number): number[] {
    const v = this.vector(table, index, 4);
    if (v === undefined) return [];
    const out: number[] = [];
    for (let i = 0; i < v.length; i++) {
      const at = v.start + 4 * i;
      const target = at + this.u32(at);
      this.need(target, 4);
      out.push(target);
    }
    return out;
  }
}

function checkField(fb: Flat, field: number, depth: number): void {
  if (depth > MAX_FIELD_DEPTH) throw new IpcFramingError(`fields nest deeper than ${MAX_FIELD_DEPTH} levels`);
  fb.vector(field, 0, 1); // name
  fb.table(field, 3); // type
  const dictionary = fb.table(field, 4);
  if (dictionary !== undefined) fb.table(dictionary, 1); // index type
  fb.tables(field, 6); // custom metadata
  for (const child of fb.tables(field, 5)) checkField(fb, child, depth + 1);
}

function checkRecordBatch(fb: Flat, batch: number, bodyLength: number): void {
  fb.vector(batch, 1, 16); // field nodes: length, null count
  const buffers = fb.vector(batch, 2, 16); // offset, length
  if (buffers !== undefined) {
    for (let i = 0; i < buffers.length; i++) {
      const offset = fb.i64(buffers.start + 16 * i);
      const length = fb.i64(buffers.start + 16 * i + 8);
      if (!(offset >= 0 && length >= 0 && offset + length <= bodyLength)) throw new IpcFramingError('a buffer lies outside its message body');
    }
  }
  fb.vector(batch, 4, 8); // variadic buffer counts
}

/** Walks every message of an IPC stream (or file); throws IpcFramingError when one does not fit. */
export function checkIpcFraming(bytes: Uint8Array): void {
  let pos = 0;
  const magic = bytes.length >= 8 && String.fromCharCode(...bytes.subarray(0, 6)) === 'ARROW1';
  if (magic) pos = 8;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (pos + 4 <= bytes.length) {
    let metadataLength = view.getInt32(pos, true);
    pos += 4;
    if (metadataLength === -1) {
      if (pos + 4 > bytes.length) return;
      metadataLength = view.getInt32(pos, true);
      pos += 4;
    }
    if (metadataLength === 0) return; // end of stream (a file's footer follows)
    if (metadataLength < 0 || pos + metadataLength > bytes.length) throw new IpcFramingError('a message header reaches past the end of the data');
    const fb = new Flat(bytes.subarray(pos, pos + metadataLength));
    pos += metadataLength;
    const message = fb.root();
    const headerType = fb.field(message, 1) === undefined ? 0 : fb.u8(fb.field(message, 1) as number);
    const bodyAt = fb.field(message, 3);
    const bodyLength = bodyAt === undefined ? 0 : fb.i64(bodyAt);
    if (!(bodyLength >= 0 && pos + bodyLength <= bytes.length)) throw new IpcFramingError('a message body reaches past the end of the data');
    fb.tables(message, 4); // custom metadata
    const header = fb.table(message, 2);
    if (header !== undefined) {
      if (headerType === HEADER_SCHEMA) for (const f of fb.tables(header, 1)) checkField(fb, f, 0);
      else if (headerType === HEADER_RECORD_BATCH) checkRecordBatch(fb, header, bodyLength);
      else if (headerType === HEADER_DICTIONARY_BATCH) {
        const data = fb.table(header, 1);
        if (data !== undefined) checkRecordBatch(fb, data, bodyLength);
      }
    }
    pos += bodyLength;
  }
}
