import type { MethodDefinition } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { expect } from 'vitest';
import type { Outcome, Rng } from './raw-rpc.js';

/** One message to send: typed (the method's serializer encodes it) or raw bytes. */
export type FuzzMessage = { readonly kind: 'typed'; readonly message: Record<string, unknown> } | { readonly kind: 'raw'; readonly bytes: Buffer };

/**
 * A random variant of a valid request: random bytes, the valid message with damaged bytes, a
 * field replaced by a value of any shape, a JSON field (`*_json`) with one node damaged, or the
 * valid message itself. Callers set the credential afterwards (or not).
 */
export function fuzzMessage(rng: Rng, method: MethodDefinition<unknown, unknown>, valid: Record<string, unknown>): FuzzMessage {
  const encoded = (m: Record<string, unknown>): Buffer | undefined => {
    try {
      return method.requestSerialize(m);
    } catch {
      return undefined;
    }
  };
  const mutated = (): FuzzMessage => {
    const m = rng.mutateDocument(valid) as Record<string, unknown>;
    return encoded(m) ? { kind: 'typed', message: m } : { kind: 'raw', bytes: rng.bytes(rng.int(64)) };
  };
  switch (rng.int(5)) {
    case 0:
      return { kind: 'raw', bytes: rng.bytes(rng.int(512)) };
    case 1: {
      const bytes = encoded(valid);
      return bytes ? { kind: 'raw', bytes: rng.mutateBytes(bytes) } : { kind: 'typed', message: valid };
    }
    case 2:
      return mutated();
    case 3: {
      const jsonFields = Object.keys(valid).filter((k) => k.endsWith('_json') && typeof valid[k] === 'string');
      const field = rng.pick(jsonFields);
      if (field === undefined) return mutated();
      let doc: unknown = JSON.parse(valid[field] as string);
      for (let i = 0, n = 1 + rng.int(3); i < n; i++) doc = rng.mutateDocument(doc);
      return { kind: 'typed', message: { ...valid, [field]: JSON.stringify(doc) ?? 'undefined' } };
    }
    default:
      return { kind: 'typed', message: valid };
  }
}

/** What no answer may contain, whatever was sent: a stack trace, an echo of a long input, an oversized trailer. */
export function expectTidy(o: Outcome, context: string): void {
  expect(o.details, context).not.toMatch(/\n\s+at /);
  expect(o.details.length, context).toBeLessThanOrEqual(2048);
  expect(o.trailerBytes, context).toBeLessThan(16 * 1024);
  expect(o.code, context).not.toBe(status.RESOURCE_EXHAUSTED);
}
