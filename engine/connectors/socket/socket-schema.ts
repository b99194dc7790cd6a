import { AnalysisError } from '../../errors/errors.js';
import { T } from '../../types/data-type.js';
import { schemaOf, type Schema } from '../../types/schema.js';
import { SourceOptions } from '../options.js';

export interface SocketOptions {
  readonly host: string;
  readonly port: number;
  readonly includeTimestamp: boolean;
}

export function socketOptions(raw: Readonly<Record<string, string>>): SocketOptions {
  const o = new SourceOptions(raw);
  const host = o.require('host', 'Set a host to read from with option("host", ...).');
  const portText = o.require('port', 'Set a port to read from with option("port", ...).');
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new AnalysisError(`Invalid port '${portText}' for the socket source.`);
  }
  const includeTimestamp = o.bool('includeTimestamp', false, 'IncludeTimestamp must be set to either "true" or "false".');
  return { host, port, includeTimestamp };
}

export function socketSchema(includeTimestamp: boolean): Schema {
  return schemaOf([
    T.field('value', T.string),
    ...(includeTimestamp ? [T.field('timestamp', T.timestamp)] : []),
  ]);
}
