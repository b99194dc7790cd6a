import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './connect/channel.js';
import { SparkConnectClient } from './connect/client.js';
import { parseConnectionString, type ConnectionParams } from './connection-string.js';
import { optionString, type OptionValue } from './options.js';
import { stdoutWriter, type OutputWriter } from './output.js';
import type { SparkSession } from './session.js';

/**
 * How a Builder makes a session. SparkSession hands its constructor in, so this module needs the
 * class only as a type and session.ts ↔ builder.ts is no import cycle at run time.
 */
export type SessionFactory = (client: SparkConnectClient, params: ConnectionParams, url: string, output: OutputWriter, onStop: () => void) => SparkSession;

/** Sessions by URL, for getOrCreate (PySpark keeps one default session; we keep one per server). */
const sessions = new Map<string, SparkSession>();

/** `SparkSession.builder()`: where to connect and which configs to set on the new session. */
export class Builder {
  readonly #newSession: SessionFactory;
  #url: string | undefined;
  readonly #options: Record<string, string> = {};
  #output: OutputWriter = stdoutWriter;
  #retry: RetryPolicy = DEFAULT_RETRY_POLICY;
  #rootCertificates: Buffer | undefined;

  /** @internal Use `SparkSession.builder()`. */
  constructor(newSession: SessionFactory) {
    this.#newSession = newSession;
  }

  /** `sc://host:port/;token=...;user_id=...`; defaults to SPARK_REMOTE, then `sc://localhost`. */
  remote(url: string): this {
    this.#url = url;
    return this;
  }

  appName(name: string): this {
    return this.config('spark.app.name', name);
  }

  config(key: string, value: OptionValue): this;
  config(map: Readonly<Record<string, OptionValue>>): this;
  config(keyOrMap: string | Readonly<Record<string, OptionValue>>, value?: OptionValue): this {
    if (typeof keyOrMap === 'string') {
      if (value !== undefined) this.#options[keyOrMap] = optionString(value);
    } else {
      for (const [k, v] of Object.entries(keyOrMap)) this.#options[k] = optionString(v);
    }
    return this;
  }

  /** Where show(), printSchema() and explain() print; stdout by default. */
  output(writer: OutputWriter): this {
    this.#output = writer;
    return this;
  }

  /**
   * PEM CA certificates to trust instead of the system roots, for a server whose certificate a
   * private CA signed. TLS itself is chosen by the URL (`;use_ssl=true`, or a token to a host other
   * than `localhost`), as PySpark chooses it.
   */
  rootCertificates(pem: Buffer | string): this {
    this.#rootCertificates = Buffer.from(pem);
    return this;
  }

  /** How UNAVAILABLE calls are retried (attempts and backoff). */
  retryPolicy(policy: Partial<RetryPolicy>): this {
    this.#retry = { ...this.#retry, ...policy };
    return this;
  }

  /** The live session for this URL with the builder's configs applied, or a new one. */
  async getOrCreate(): Promise<SparkSession> {
    const url = this.#resolveUrl();
    const existing = sessions.get(url);
    if (existing !== undefined && !existing.stopped) {
      await this.#applyOptions(existing);
      return existing;
    }
    return this.create();
  }

  /** Always a new session (a new session id), sending the configs with Config Set. */
  async create(): Promise<SparkSession> {
    const url = this.#resolveUrl();
    const parsed = parseConnectionString(url);
    const params = this.#rootCertificates === undefined ? parsed : { ...parsed, rootCertificates: this.#rootCertificates };
    const client = new SparkConnectClient(params, this.#retry);
    const session: SparkSession = this.#newSession(client, params, url, this.#output, () => {
      if (sessions.get(url) === session) sessions.delete(url);
    });
    try {
      await this.#applyOptions(session);
    } catch (e) {
      await client.close();
      throw e;
    }
    sessions.set(url, session);
    return session;
  }

  async #applyOptions(session: SparkSession): Promise<void> {
    if (Object.keys(this.#options).length > 0) await session.conf.setAll(this.#options, true);
  }

  #resolveUrl(): string {
    return this.#url ?? process.env['SPARK_REMOTE'] ?? 'sc://localhost';
  }
}
