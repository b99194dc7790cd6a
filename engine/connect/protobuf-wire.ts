/**
 * The few protobuf wire-format primitives needed to hand-encode google.rpc.Status (the
 * `grpc-status-details-bin` trailer) without loading .proto files: varints and length-delimited
 * fields. Unknown fields are skipped on read, as protobuf requires.
 */

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: false });

export class ProtoWriter {
  private readonly parts: number[] = [];

  varint(field: number, value: number): this {
    this.tag(field, 0);
    this.rawVarint(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.rawVarint(value.length);
    for (const b of value) this.parts.push(b);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts);
  }

  private tag(field: number, wireType: number): void {
    this.rawVarint(field * 8 + wireType);
  }

  /** Negative int32 values take ten bytes (sign-extended to 64 bits), as protobuf encodes them. */
  private rawVarint(value: number): void {
    let v = BigInt.asUintN(64, BigInt(Math.trunc(value)));
    while (v >= 0x80n) {
      this.parts.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.parts.push(Number(v));
  }
}

export type ProtoField =
  | { readonly field: number; readonly wireType: 0; readonly value: bigint }
  | { readonly field: number; readonly wireType: 2; readonly value: Uint8Array };

/** The varint and length-delimited fields of a message, in order; fixed-width fields are skipped. */
export function readFields(bytes: Uint8Array): ProtoField[] {
  const out: ProtoField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= bytes.length) throw new Error('truncated protobuf varint');
      const b = bytes[pos++] as number;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error('protobuf varint too long');
    }
  };
  while (pos < bytes.length) {
    const key = Number(varint());
    const field = key >>> 3;
    const wireType = key & 7;
    switch (wireType) {
      case 0:
        out.push({ field, wireType: 0, value: varint() });
        break;
      case 1:
        pos += 8;
        break;
      case 2: {
        const len = Number(varint());
        if (pos + len > bytes.length) throw new Error('truncated protobuf field');
        out.push({ field, wireType: 2, value: bytes.subarray(pos, pos + len) });
        pos += len;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${wireType}`);
    }
  }
  if (pos > bytes.length) throw new Error('truncated protobuf message');
  return out;
}

export function utf8(bytes: Uint8Array): string {
  return textDecoder.decode(bytes);
}

/** A varint read as a signed 32-bit value (int32 fields). */
export function int32(value: bigint): number {
  return Number(BigInt.asIntN(32, value));
}
