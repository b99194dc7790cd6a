import type { KeyValue__Output } from '../proto/generated/spark/connect/KeyValue.js';
import type { SparkConnectClient } from './connect/client.js';
import { PySparkAssertionError } from './errors.js';
import { optionString, type OptionValue } from './options.js';

/** `spark.conf`: the session's runtime configuration on the server (Config RPC). */
export class RuntimeConf {
  readonly #client: SparkConnectClient;

  constructor(client: SparkConnectClient) {
    this.#client = client;
  }

  async set(key: string, value: OptionValue): Promise<void> {
    await this.setAll({ [key]: value });
  }

  /** @internal Several keys in one Set, as the builder sends its options. */
  async setAll(pairs: Readonly<Record<string, OptionValue>>, silent = false): Promise<void> {
    const res = await this.#client.config({
      set: { pairs: Object.entries(pairs).map(([key, value]) => ({ key, value: optionString(value) })), ...(silent ? { silent } : {}) },
    });
    warn(res.warnings);
  }

  /**
   * The value of `key`. Without a default the server's value (an unknown key is the server's
   * error); with a default, that default when unset; with `null`, null when unset.
   */
  async get(key: string, defaultValue?: string | null): Promise<string | null> {
    const op =
      defaultValue === undefined
        ? { get: { keys: [key] } }
        : defaultValue === null
          ? { get_option: { keys: [key] } }
          : { get_with_default: { pairs: [{ key, value: defaultValue }] } };
    const res = await this.#client.config(op);
    warn(res.warnings);
    const pair = res.pairs[0];
    if (pair === undefined) throw new PySparkAssertionError(`The server returned no value for '${key}'.`);
    return valueOf(pair);
  }

  async unset(key: string): Promise<void> {
    const res = await this.#client.config({ unset: { keys: [key] } });
    warn(res.warnings);
  }

  /** Every set key (with the given prefix) and its value. */
  async getAll(prefix?: string): Promise<Record<string, string | null>> {
    const res = await this.#client.config({ get_all: prefix === undefined ? {} : { prefix } });
    warn(res.warnings);
    return Object.fromEntries(res.pairs.map((p) => [p.key, valueOf(p)]));
  }

  async isModifiable(key: string): Promise<boolean> {
    const res = await this.#client.config({ is_modifiable: { keys: [key] } });
    return res.pairs[0]?.value === 'true';
  }
}

function valueOf(pair: KeyValue__Output): string | null {
  return pair._value === 'value' || pair.value !== undefined ? (pair.value ?? null) : null;
}

function warn(warnings: readonly string[]): void {
  for (const w of warnings) process.emitWarning(w, 'SparkConnectWarning');
}
