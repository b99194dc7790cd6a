import { ConcurrentModificationError } from '../../../engine/errors/errors.js';
import type { RunLease } from './checkpoint-store.js';

/**
 * What a run that lost its checkpoint's run lease gets when it writes: Spark's
 * CONCURRENT_STREAM_LOG_UPDATE; the parameters also name the run that holds the lease now.
 */
export function runFenced(what: string, batchId: number | undefined, token: number, holder: RunLease | undefined): ConcurrentModificationError {
  return new ConcurrentModificationError('', {
    errorClass: 'CONCURRENT_STREAM_LOG_UPDATE',
    messageParameters: {
      batchId: batchId === undefined ? what : String(batchId),
      write: what,
      runToken: String(token),
      newerRunToken: String(holder?.token ?? '?'),
      newerRunId: holder?.runId ?? '?',
    },
  });
}
