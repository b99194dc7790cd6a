import { dataTypeToJsonString } from '../engine/types/type-json.js';
import type { StructType } from '../engine/types/data-type.js';

/** An option value as sent: Spark Connect options are strings (`true`/`false` for booleans). */
export type OptionValue = string | number | boolean | bigint;

export function optionString(value: OptionValue): string {
  return typeof value === 'boolean' ? (value ? 'true' : 'false') : String(value);
}

/** Sets each defined option of `options` into `into`, as strings. */
export function addOptions(into: Record<string, string>, options: Readonly<Record<string, OptionValue | null | undefined>>): void {
  for (const [k, v] of Object.entries(options)) if (v !== null && v !== undefined) into[k] = optionString(v);
}

/** A reader schema as sent: DDL text as given, a StructType as Spark's JSON. */
export function schemaString(schema: StructType | string): string {
  return typeof schema === 'string' ? schema : dataTypeToJsonString(schema);
}

/**
 * A data source's format and its string options: what `spark.read`, `spark.readStream` and
 * `df.writeStream` share (PySpark's OptionUtils).
 */
export abstract class FormatOptions {
  #format: string | undefined;
  readonly #options: Record<string, string> = {};

  format(source: string): this {
    this.#format = source;
    return this;
  }

  option(key: string, value: OptionValue): this {
    this.#options[key] = optionString(value);
    return this;
  }

  options(options: Readonly<Record<string, OptionValue | null | undefined>>): this {
    addOptions(this.#options, options);
    return this;
  }

  /** The format set, if any. */
  protected get sourceFormat(): string | undefined {
    return this.#format;
  }

  /** A copy of the options set so far (the builder stays reusable). */
  protected optionsSnapshot(): Record<string, string> {
    return { ...this.#options };
  }
}
