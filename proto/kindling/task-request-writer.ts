import type { ServiceDefinition } from '@grpc/grpc-js';
import type { TaskRequest } from '../generated/kindling/cluster/TaskRequest.js';

/** TaskRequest's fields (worker_service.proto), all length-delimited (wire type 2). */
const SECRET = 1;
const SPEC_JSON = 2;
const PAYLOAD = 3;

/** A TaskRequest whose payload may also be given as parts, written out in order as one `bytes` field. */
export interface TaskRequestWithParts extends Omit<TaskRequest, 'payload'> {
  readonly payload?: TaskRequest['payload'] | readonly Uint8Array[];
}

/**
 * A TaskRequest as protobuf bytes, written in one buffer. protobufjs copies a `bytes` field into
 * its writer's buffer and proto-loader copies the result again, so a socket batch's lines sat in
 * the master three times over (and grpc-js frames the message in a fourth copy); here the payload
 * is copied once, from the parts the socket source holds. Empty fields are left out, as proto3
 * writes them.
 */
export function writeTaskRequest(request: TaskRequestWithParts): Buffer {
  const secret = request.secret ?? '';
  const spec = request.spec_json ?? '';
  const raw = request.payload;
  const parts = typeof raw === 'string' ? [Buffer.from(raw, 'base64')] : raw === undefined ? [] : raw instanceof Uint8Array ? [raw] : raw;
  let payloadBytes = 0;
  for (const p of parts) payloadBytes += p.length;
  const secretBytes = Buffer.byteLength(secret);
  const specBytes = Buffer.byteLength(spec);
  const size = fieldSize(secretBytes) + fieldSize(specBytes) + fieldSize(payloadBytes);
  const out = Buffer.allocUnsafe(size);
  let pos = 0;
  const head = (field: number, length: number): void => {
    out[pos++] = (field << 3) | 2;
    pos = writeVarint(out, pos, length);
  };
  if (secretBytes > 0) {
    head(SECRET, secretBytes);
    pos += out.write(secret, pos, 'utf8');
  }
  if (specBytes > 0) {
    head(SPEC_JSON, specBytes);
    pos += out.write(spec, pos, 'utf8');
  }
  if (payloadBytes > 0) {
    head(PAYLOAD, payloadBytes);
    for (const p of parts) {
      out.set(p, pos);
      pos += p.length;
    }
  }
  return out;
}

/** The service definition with `RunMapTask` requests written by `writeTaskRequest` (decoding is unchanged). */
export function withTaskRequestWriter<D extends ServiceDefinition>(definition: D): D {
  const method = definition['RunMapTask'];
  if (method === undefined) return definition;
  return { ...definition, RunMapTask: { ...method, requestSerialize: writeTaskRequest } };
}


/** A field's bytes: its key (one byte for fields 1-15), its length as a varint, its value. */
function fieldSize(length: number): number {
  return length === 0 ? 0 : 1 + varintSize(length) + length;
}

function varintSize(n: number): number {
  let size = 1;
  for (let v = n; v >= 0x80; v = Math.floor(v / 128)) size++;
  return size;
}

function writeVarint(out: Buffer, at: number, n: number): number {
  let pos = at;
  let v = n;
  while (v >= 0x80) {
    out[pos++] = (v % 128) | 0x80;
    v = Math.floor(v / 128);
  }
  out[pos++] = v;
  return pos;
}
