import { AnalysisError, IllegalArgumentError } from '../../errors/errors.js';
import { T } from '../../types/data-type.js';
import { schemaOf, type Schema } from '../../types/schema.js';
import { SourceOptions, parseJavaInteger } from '../options.js';

export interface SocketOptions {
  readonly host: string;
  readonly port: number;
  readonly includeTimestamp: boolean;
}

/** Spark's TextSocketSourceProvider checks: its error classes, and Java's parse of the port. */
export function socketOptions(raw: Readonly<Record<string, string>>): SocketOptions {
  const o = new SourceOptions(raw);
  const host = o.get('host');
  if (host === undefined) throw AnalysisError.withClass('_LEGACY_ERROR_TEMP_1295');
  const portText = o.get('port');
  if (portText === undefined) throw AnalysisError.withClass('_LEGACY_ERROR_TEMP_1296');
  const timestampText = o.get('includeTimestamp')?.toLowerCase();
  if (timestampText !== undefined && timestampText !== 'true' && timestampText !== 'false') {
    throw AnalysisError.withClass('_LEGACY_ERROR_TEMP_1297');
  }
  const port = parseJavaInteger(portText, 32);
  // java.net.InetSocketAddress's check.
  if (port < 0 || port > 65535) throw new IllegalArgumentError(`port out of range:${port}`);
  return { host, port, includeTimestamp: timestampText === 'true' };
}

export function socketSchema(includeTimestamp: boolean): Schema {
  return schemaOf([
    T.field('value', T.string),
    ...(includeTimestamp ? [T.field('timestamp', T.timestamp)] : []),
  ]);
}
