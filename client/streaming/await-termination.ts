import { PySparkValueError } from '../errors.js';

/** The argument of an await-termination command: no timeout waits until the end. */
export interface AwaitArgs {
  readonly timeout_ms?: number;
}

/**
 * PySpark's `awaitTermination(timeout?)` and `awaitAnyTermination(timeout?)`: without a timeout
 * resolves when the wait ends; with one (seconds, at least 0) resolves to whether it ended in time.
 * `send` runs the command and answers whether the server saw the end.
 */
export async function awaitTermination(timeoutSeconds: number | undefined, send: (args: AwaitArgs) => Promise<boolean>): Promise<boolean | void> {
  if (timeoutSeconds === undefined) {
    await send({});
    return;
  }
  if (!(timeoutSeconds >= 0)) {
    throw new PySparkValueError(`[VALUE_NOT_POSITIVE] Value for \`timeout\` must be positive, got '${timeoutSeconds}'.`, {
      errorClass: 'VALUE_NOT_POSITIVE',
      messageParameters: { arg_name: 'timeout', arg_value: String(timeoutSeconds) },
    });
  }
  return send({ timeout_ms: Math.trunc(timeoutSeconds * 1000) });
}
