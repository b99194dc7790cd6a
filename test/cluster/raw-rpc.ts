import { Client, Metadata, status, type ChannelCredentials, type MethodDefinition, type ServiceDefinition } from '@grpc/grpc-js';

/** How one call ended: its status code and text, the trailer's size, and the decoded reply if any. */
export interface Outcome {
  readonly code: status;
  readonly details: string;
  /** Bytes of the trailing metadata (grpc-status-details-bin included). */
  readonly trailerBytes: number;
  /** Whether the status carries a google.rpc.Status with details (Spark's ErrorInfo). */
  readonly hasStatusDetails: boolean;
  readonly reply?: unknown;
}

type AnyMethod = MethodDefinition<unknown, unknown>;

/**
 * Calls any method of a service with either a message (encoded by the method's serializer) or raw
 * bytes, so tests can send what no well-behaved client would. Server-streaming methods are read
 * to their end; every call has a deadline.
 */
export class RawClient {
  private readonly client: Client;

  constructor(
    address: string,
    creds: ChannelCredentials,
    private readonly definition: ServiceDefinition,
  ) {
    this.client = new Client(address, creds, { 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  }

  get methods(): string[] {
    return Object.keys(this.definition);
  }

  method(name: string): AnyMethod {
    const m = this.definition[name];
    if (!m) throw new Error(`no method ${name}`);
    return m as AnyMethod;
  }

  call(name: string, message: unknown, metadata = new Metadata(), deadlineMs = 15_000): Promise<Outcome> {
    const m = this.method(name);
    return this.send(m, () => m.requestSerialize(message), metadata, deadlineMs);
  }

  callRaw(name: string, bytes: Buffer, metadata = new Metadata(), deadlineMs = 15_000): Promise<Outcome> {
    return this.send(this.method(name), () => bytes, metadata, deadlineMs);
  }

  close(): void {
    this.client.close();
  }

  private send(m: AnyMethod, encode: () => Buffer, metadata: Metadata, deadlineMs: number): Promise<Outcome> {
    const bytes = encode();
    const identity = (b: Buffer): Buffer => b;
    const options = { deadline: Date.now() + deadlineMs };
    return new Promise((resolve) => {
      const done = (code: status, details: string, trailer: Metadata | undefined, reply?: unknown): void =>
        resolve({
          code,
          details,
          trailerBytes: trailerSize(trailer),
          hasStatusDetails: (trailer?.get('grpc-status-details-bin').length ?? 0) > 0,
          ...(reply === undefined ? {} : { reply }),
        });
      if (m.responseStream) {
        const stream = this.client.makeServerStreamRequest(m.path, identity, (b: Buffer) => b, bytes, metadata, options);
        const replies: unknown[] = [];
        stream.on('data', (b: Buffer) => replies.push(decodeOrRaw(m, b)));
        stream.on('error', () => undefined);
        stream.on('status', (s: { code: status; details: string; metadata: Metadata }) => done(s.code, s.details, s.metadata, replies));
      } else {
        let trailer: Metadata | undefined;
        const call = this.client.makeUnaryRequest(m.path, identity, (b: Buffer) => b, bytes, metadata, options, (err, res?: Buffer) => {
          if (err) done(err.code, err.details, err.metadata);
          else done(status.OK, '', trailer, res === undefined ? undefined : decodeOrRaw(m, res));
        });
        call.on('status', (s: { metadata: Metadata }) => (trailer = s.metadata));
      }
    });
  }
}

function decodeOrRaw(m: AnyMethod, b: Buffer): unknown {
  try {
    return m.responseDeserialize(b);
  } catch {
    return b;
  }
}

function trailerSize(md: Metadata | undefined): number {
  if (!md) return 0;
  let n = 0;
  for (const [k, v] of Object.entries(md.toHttp2Headers())) n += k.length + String(v).length;
  return n;
}

/** A seeded PRNG (mulberry32): the same seed gives the same messages. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T;
  }

  bytes(n: number): Buffer {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** Byte-level damage to an encoded message: flips, truncation, insertion, duplication. */
  mutateBytes(b: Buffer): Buffer {
    const out = Buffer.from(b);
    switch (this.int(4)) {
      case 0:
        for (let i = 0, n = 1 + this.int(4); i < n && out.length > 0; i++) out[this.int(out.length)] = this.int(256);
        return out;
      case 1:
        return out.subarray(0, this.int(out.length + 1));
      case 2: {
        const at = this.int(out.length + 1);
        return Buffer.concat([out.subarray(0, at), this.bytes(1 + this.int(16)), out.subarray(at)]);
      }
      default:
        return Buffer.concat([out, out]);
    }
  }

  /** A value of a random shape, for replacing a field of a JSON document or a message. */
  value(depth = 0): unknown {
    switch (this.int(depth > 2 ? 7 : 9)) {
      case 0:
        return null;
      case 1:
        return this.int(2) === 0;
      case 2:
        return this.pick([0, -1, 1, 2 ** 31, -(2 ** 53), 1e308, 0.5, Number.MAX_SAFE_INTEGER]);
      case 3:
        return '';
      case 4:
        return 'x'.repeat(this.pick([1, 100, 20_000]));
      case 5:
        return this.pick(['{}', '[]', 'null', '{"job":{}}', '💥', '\u0000', '../../etc/passwd']);
      case 6:
        return undefined;
      case 7:
        return Array.from({ length: this.int(4) }, () => this.value(depth + 1));
      default:
        return Object.fromEntries(Array.from({ length: this.int(4) }, (_, i) => [`k${i}`, this.value(depth + 1)]));
    }
  }

  /** A copy of a JSON-like document with one random field removed, replaced or retyped. */
  mutateDocument(doc: unknown): unknown {
    const copy = structuredClone(doc) as unknown;
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, path: (string | number)[]): void => {
      paths.push(path);
      if (ArrayBuffer.isView(v)) return;
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
      else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
    };
    walk(copy, []);
    const path = this.pick(paths.filter((p) => p.length > 0));
    if (!path) return this.value();
    let parent = copy as Record<string | number, unknown>;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const last = path[path.length - 1] as string | number;
    if (this.int(3) === 0 && !Array.isArray(parent)) delete parent[last];
    else parent[last] = this.value();
    return copy;
  }
}
