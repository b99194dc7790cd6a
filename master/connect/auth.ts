import { timingSafeEqual } from 'node:crypto';
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
  const presented = Buffer.from(String(values[0]));
  const expected = Buffer.from(`Bearer ${token}`);
  const ok = presented.length === expected.length && timingSafeEqual(presented, expected);
  return ok ? undefined : plainStatus(status.UNAUTHENTICATED, 'Invalid authentication token');
}
