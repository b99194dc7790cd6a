import { credentials, Metadata, type CallOptions, type ChannelCredentials, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import type { SparkConnectServiceClient } from '../../proto/load.js';
import { loadSparkConnect } from '../../proto/load.js';
import type { ConnectionParams } from '../connection-string.js';
import { isRetryable } from './errors.js';

/** How often and how patiently UNAVAILABLE calls are retried (PySpark's policy, shortened). */
export interface RetryPolicy {
  readonly maxRetries: number;
  readonly initialBackoffMs: number;
  readonly backoffMultiplier: number;
  readonly maxBackoffMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxRetries: 5,
  initialBackoffMs: 50,
  backoffMultiplier: 4,
  maxBackoffMs: 5_000,
});

const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: CallOptions,
  callback: (err: ServiceError | null, res?: Res) => void,
) => unknown;

/**
 * One gRPC channel to a Spark Connect server: credentials from the URL, the bearer token and
 * URL parameters as metadata on every call, 128 MiB message limits.
 */
export class ConnectChannel {
  readonly stub: SparkConnectServiceClient;
  readonly #params: ConnectionParams;
  readonly #retry: RetryPolicy;
  #closed = false;

  constructor(params: ConnectionParams, retry: RetryPolicy = DEFAULT_RETRY_POLICY) {
    this.#params = params;
    this.#retry = retry;
    const Service = loadSparkConnect().spark.connect.SparkConnectService;
    this.stub = new Service(`${params.host}:${params.port}`, channelCredentials(params), {
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.primary_user_agent': params.userAgent,
    });
  }

  get retryPolicy(): RetryPolicy {
    return this.#retry;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Fresh metadata for one call: the URL's extra parameters and `authorization: Bearer <token>`. */
  metadata(): Metadata {
    const md = new Metadata();
    for (const [k, v] of Object.entries(this.#params.headers)) md.set(k.toLowerCase(), v);
    if (this.#params.token !== undefined) md.set('authorization', `Bearer ${this.#params.token}`);
    return md;
  }

  /** A unary call, retried with backoff while the server is UNAVAILABLE (when `retry` is on). */
  async unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, opts: { retry?: boolean; deadlineMs?: number } = {}): Promise<Res> {
    const attempt = (): Promise<Res> =>
      new Promise<Res>((resolve, reject) => {
        const options: CallOptions = opts.deadlineMs === undefined ? {} : { deadline: Date.now() + opts.deadlineMs };
        method.call(this.stub, request, this.metadata(), options, (err, res) => {
          if (err) reject(err);
          else resolve(res as Res);
        });
      });
    return opts.retry === false ? attempt() : withRetries(this.#retry, attempt);
  }

  /** A server-streaming call (ExecutePlan, ReattachExecute); the caller handles retries. */
  stream<Req, Res>(method: (request: Req, metadata: Metadata, options?: CallOptions) => ClientReadableStream<Res>, request: Req): ClientReadableStream<Res> {
    return method.call(this.stub, request, this.metadata(), {});
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.stub.close();
  }
}

function channelCredentials(params: ConnectionParams): ChannelCredentials {
  switch (params.transport) {
    case 'tls':
      return credentials.createSsl(params.rootCertificates ?? null);
    case 'local':
    case 'insecure':
      // 'local' is gRPC local credentials in Spark: plaintext on loopback, token still sent as metadata.
      return credentials.createInsecure();
    default: {
      const never: never = params.transport;
      throw new Error(`unknown transport ${String(never)}`);
    }
  }
}

/** Runs `attempt`, retrying retryable failures with exponential backoff and jitter. */
export async function withRetries<T>(policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
  let backoff = policy.initialBackoffMs;
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (e) {
      if (!isRetryable(e) || tries >= policy.maxRetries) throw e;
      await sleep(backoffDelay(backoff));
      backoff = Math.min(policy.maxBackoffMs, backoff * policy.backoffMultiplier);
    }
  }
}

/** The next wait: the backoff plus up to 50% jitter. */
export function backoffDelay(backoffMs: number): number {
  return backoffMs + Math.random() * backoffMs * 0.5;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
