import type { ServiceDefinition } from '@grpc/grpc-js';

const MALFORMED = Symbol('kindling.malformedRequest');

/** What a handler receives instead of a request whose bytes are not a valid message of its type. */
export interface MalformedRequest {
  readonly [MALFORMED]: true;
}

/**
 * The service definition with request decoding that never throws: grpc-js would answer a message
 * it cannot decode with INTERNAL, but it is the caller's fault, so handlers see a
 * MalformedRequest (check with `isMalformed`) and answer INVALID_ARGUMENT.
 */
export function tolerantDefinition<D extends ServiceDefinition>(definition: D): D {
  const out: Record<string, unknown> = {};
  for (const [name, method] of Object.entries(definition)) {
    const decode = method.requestDeserialize;
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer): unknown => {
        try {
          return decode(bytes);
        } catch {
          return { [MALFORMED]: true };
        }
      },
    };
  }
  return out as D;
}

export function isMalformed(request: unknown): request is MalformedRequest {
  return typeof request === 'object' && request !== null && MALFORMED in request;
}
