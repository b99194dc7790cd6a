import type { Logger } from 'pino';
import type { Session } from '../../session/session.js';
import { ConnectErrors } from '../errors.js';
import type { ResponseBody } from '../operation.js';

/** What a command handler gets: its session, a way to answer, and the operation's cancellation. */
export interface CommandContext {
  readonly session: Session;
  readonly signal: AbortSignal;
  readonly log: Logger;
  emit(body: ResponseBody): void;
}

/**
 * `work`, or OPERATION_CANCELED as soon as the operation is interrupted or its client went away
 * (long waits such as awaitTermination must not outlive their caller).
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(ConnectErrors.operationCanceled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(ConnectErrors.operationCanceled());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** An optional int64 field (a decimal string) as milliseconds. */
export function optionalMillis(value: string | number | null | undefined): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
