import type { Schema } from '../types/schema.js';
import { AnalysisError, NotSupportedError } from '../errors/errors.js';
import type { Source, SourceContext, SourceProvider } from './source.js';

type RawOptions = Readonly<Record<string, string>>;

/**
 * The provider of a source that exists only as a stream and fixes its own schema (rate, socket,
 * redis): `spark.read` of it and a user-specified schema are refused before its options are read;
 * the options are checked (by `parse`) when the schema is asked for and again when the stream starts.
 */
export function streamOnlyProvider<O>(
  format: string,
  parse: (raw: RawOptions) => O,
  schemaOf: (options: O) => Schema,
  create: (options: O, ctx: SourceContext, raw: RawOptions) => Source,
): SourceProvider {
  return {
    format,
    schema(raw, userSchema, streaming) {
      if (!streaming) throw new NotSupportedError(`The ${format} source can only be read as a stream (spark.readStream).`);
      if (userSchema) throw new AnalysisError(`The ${format} source does not support a user-specified schema.`);
      return schemaOf(parse(raw));
    },
    createStream: (raw, _userSchema, ctx) => create(parse(raw), ctx, raw),
  };
}
