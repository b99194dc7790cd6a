import { createHash, timingSafeEqual } from 'node:crypto';
import { status, type Metadata, type ServiceError } from '@grpc/grpc-js';
import { plainStatus } from './errors.js';

/**
 * Checks a call's `authorization: Bearer <token>` header when the server has a token (Spark's
 * pre-shared-key check). Returns the UNAUTHENTICATED status to answer with, or undefined when the
 * call may proceed. Never UNAVAILABLE: clients retry that for minutes.
 */
export function checkAuth(metadata: Metadata, token: string | undefined): ServiceError | undefined {
  if (token === undefined || token === '') return undefined;
  const values = metadata.get('authorization');
  if (values.length === 0) return plainStatus(status.UNAUTHENTICATED, 'No authentication token provided');
  // Digests of equal length: neither the token's length nor a matching prefix shows in the timing.
  const presented = createHash('sha256').update(String(values[0])).digest();
  const expected = createHash('sha256').update(`Bearer ${token}`).digest();
  return timingSafeEqual(presented, expected) ? undefined : plainStatus(status.UNAUTHENTICATED, 'Invalid authentication token');
}
