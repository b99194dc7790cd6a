import { randomUUID } from 'node:crypto';
import { PySparkValueError } from './errors.js';

/** Where and how to connect, from an `sc://` URL plus the environment, as Spark's ChannelBuilder reads them. */
export interface ConnectionParams {
  readonly host: string;
  readonly port: number;
  /** A bearer token: from `;token=` or SPARK_CONNECT_AUTHENTICATE_TOKEN. */
  readonly token: string | undefined;
  readonly useSsl: boolean;
  /** From `;user_id=`, else SPARK_USER, else USER; undefined when none is known. */
  readonly userId: string | undefined;
  readonly userAgent: string;
  readonly sessionId: string;
  /** Every other `;key=value` parameter, sent as gRPC metadata on each call. */
  readonly headers: Readonly<Record<string, string>>;
  /** Plaintext with the bearer header (token + literal `localhost`), TLS, or plaintext. */
  readonly transport: 'insecure' | 'local' | 'tls';
  /**
   * PEM CA certificates to trust for TLS instead of the system roots (a private CA). Not part of
   * the URL: set with `SparkSession.builder().rootCertificates(pem)`.
   */
  readonly rootCertificates?: Buffer;
}

export const DEFAULT_PORT = 15002;
export const DEFAULT_USER_AGENT = '_SPARK_CONNECT_KINDLING';
const RESERVED = new Set(['token', 'use_ssl', 'user_id', 'user_agent', 'session_id']);
const UUID_RE = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function invalid(detail: string): PySparkValueError {
  return new PySparkValueError(`[INVALID_CONNECT_URL] Invalid URL for Spark Connect: ${detail}`, {
    errorClass: 'INVALID_CONNECT_URL',
    messageParameters: { detail },
  });
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Parses `sc://host[:port][/][;key=value...]`. The environment is a parameter so tests can pass
 * their own; it defaults to process.env.
 */
export function parseConnectionString(url: string, env: NodeJS.ProcessEnv = process.env): ConnectionParams {
  if (!url.startsWith('sc://')) {
    throw invalid("The URL must start with 'sc://'. Please update the URL to follow the correct format, e.g., 'sc://hostname:port'.");
  }
  const rest = url.slice('sc://'.length);
  // As urlparse does: the authority ends at the first '/', '?' or '#'; parameters follow ';' in the path.
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const tail = authorityEnd < 0 ? '' : rest.slice(authorityEnd).replace(/[?#].*$/, '');
  const semi = tail.indexOf(';');
  const path = semi < 0 ? tail : tail.slice(0, semi);
  const paramText = semi < 0 ? '' : tail.slice(semi + 1);
  if (path.length > 0 && path !== '/') {
    throw invalid(`The path component '${path}' must be empty. Please update the URL to follow the correct format, e.g., 'sc://hostname:port'.`);
  }

  const hostPort = authority.split(':');
  const host = hostPort[0] ?? '';
  let port = DEFAULT_PORT;
  if (hostPort.length === 2) {
    const text = hostPort[1] ?? '';
    if (!/^\d+$/.test(text)) throw invalid(`The port '${text}' is not a number.`);
    port = Number(text);
  } else if (hostPort.length > 2) {
    throw invalid(`Target destination '${authority}' should match the '<host>:<port>' pattern. Please update the destination to follow the correct format, e.g., 'hostname:port'.`);
  }
  if (host === '') throw invalid('The host is missing.');

  const params: Record<string, string> = {};
  if (paramText.length > 0) {
    for (const part of paramText.split(';')) {
      const kv = part.split('=');
      if (kv.length !== 2) {
        throw invalid(`Parameter '${part}' should be provided as a key-value pair separated by an equal sign (=). Please update the parameter to follow the correct format, e.g., 'key=value'.`);
      }
      params[decode(kv[0] as string)] = decode(kv[1] as string);
    }
  }

  const token = params['token'] ?? nonEmpty(env['SPARK_CONNECT_AUTHENTICATE_TOKEN']);
  const useSsl = (params['use_ssl'] ?? '').toLowerCase() === 'true';
  const userId = params['user_id'] ?? nonEmpty(env['SPARK_USER']) ?? nonEmpty(env['USER']);
  const userAgent = params['user_agent'] ?? nonEmpty(env['SPARK_CONNECT_USER_AGENT']) ?? DEFAULT_USER_AGENT;
  if (encodeURIComponent(userAgent).length > 2048) throw invalid('The user_agent is longer than 2048 characters.');
  const sessionId = params['session_id'] ?? randomUUID();
  if (!UUID_RE.test(sessionId)) {
    throw new PySparkValueError(`[INVALID_SESSION_UUID_ID] Parameter value session_id must be a valid UUID format: ${sessionId}`, {
      errorClass: 'INVALID_SESSION_UUID_ID',
      messageParameters: { arg_name: 'session_id', origin: sessionId },
    });
  }
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) if (!RESERVED.has(key)) headers[key] = value;

  const secure = token !== undefined || useSsl;
  const transport = !secure ? 'insecure' : token !== undefined && !useSsl && host === 'localhost' ? 'local' : 'tls';
  return { host, port, token, useSsl, userId, userAgent, sessionId, headers, transport };
}

function nonEmpty(v: string | undefined): string | undefined {
  return v === undefined || v === '' ? undefined : v;
}
