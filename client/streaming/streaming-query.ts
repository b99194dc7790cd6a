import type { StreamingQueryCommand } from '../../proto/generated/spark/connect/StreamingQueryCommand.js';
import type { StreamingQueryCommandResult__Output } from '../../proto/generated/spark/connect/StreamingQueryCommandResult.js';
import type { SparkConnectClient } from '../connect/client.js';
import { PySparkAssertionError, StreamingQueryException } from '../errors.js';
import { awaitTermination } from './await-termination.js';
import type { OutputWriter } from '../output.js';
import { progressFromJson } from './progress-json.js';

/** What query handles need from the session. */
export interface StreamingSession {
  readonly client: SparkConnectClient;
  readonly output: OutputWriter;
}

/** `query.status()`, as PySpark builds it from StatusResult. */
export interface StreamingQueryStatus {
  readonly message: string;
  readonly isDataAvailable: boolean;
  readonly isTriggerActive: boolean;
}

/** One progress report: the parsed JSON (`id`, `runId`, `batchId`, `numInputRows`, `sources`, `sink`, ...). */
export type StreamingQueryProgress = Record<string, unknown>;

type QueryCommand = Omit<StreamingQueryCommand, 'query_id' | 'command'>;

/**
 * A handle on a running (or finished) streaming query. `id`, `runId` and `name` are known
 * locally; every other call is a StreamingQueryCommand to the server.
 */
export class StreamingQuery {
  readonly id: string;
  readonly runId: string;
  readonly name: string | null;
  readonly #session: StreamingSession;

  constructor(session: StreamingSession, id: string, runId: string, name: string | null) {
    this.#session = session;
    this.id = id;
    this.runId = runId;
    this.name = name === '' ? null : name;
  }

  async isActive(): Promise<boolean> {
    return (await this.#command({ status: true })).status?.is_active ?? false;
  }

  async status(): Promise<StreamingQueryStatus> {
    const s = (await this.#command({ status: true })).status;
    return { message: s?.status_message ?? '', isDataAvailable: s?.is_data_available ?? false, isTriggerActive: s?.is_trigger_active ?? false };
  }

  /** The last progress report, or null before the first batch. */
  async lastProgress(): Promise<StreamingQueryProgress | null> {
    const json = (await this.#command({ last_progress: true })).recent_progress?.recent_progress_json ?? [];
    const last = json[json.length - 1];
    return last === undefined ? null : progressFromJson(last);
  }

  async recentProgress(): Promise<StreamingQueryProgress[]> {
    const json = (await this.#command({ recent_progress: true })).recent_progress?.recent_progress_json ?? [];
    return json.map(progressFromJson);
  }

  async explainString(extended = false): Promise<string> {
    return (await this.#command({ explain: { extended } })).explain?.result ?? '';
  }

  /** Prints the plan (PySpark's `explain()`); `explainString()` returns it. */
  async explain(extended = false): Promise<void> {
    this.#session.output(`${await this.explainString(extended)}\n`);
  }

  /** The error that stopped the query, or null if it has not failed. Returned, not thrown. */
  async exception(): Promise<StreamingQueryException | null> {
    const e = (await this.#command({ exception: true })).exception;
    const text = e?.exception_message;
    if (e === null || e === undefined || typeof text !== 'string' || e._exception_message !== 'exception_message') return null;
    // The server writes "<java class>: <message>"; like PySpark, drop the class.
    const sep = text.indexOf(': ');
    let message = sep < 0 ? text : text.slice(sep + 2);
    if (typeof e.stack_trace === 'string' && e.stack_trace !== '') message += `\n\nJVM stacktrace:\n${e.stack_trace}`;
    const errorClass = typeof e.error_class === 'string' && e.error_class !== '' ? e.error_class : undefined;
    return new StreamingQueryException(message, { errorClass, reason: errorClass, serverStackTrace: e.stack_trace ?? undefined });
  }

  /**
   * Waits for the query to end. With a timeout (seconds) resolves to whether it ended in time;
   * without one resolves when it ends. A failed query rejects with StreamingQueryException.
   */
  awaitTermination(): Promise<void>;
  awaitTermination(timeoutSeconds: number): Promise<boolean>;
  async awaitTermination(timeoutSeconds?: number): Promise<boolean | void> {
    return awaitTermination(timeoutSeconds, async (args) => (await this.#command({ await_termination: args })).await_termination?.terminated ?? false);
  }

  async processAllAvailable(): Promise<void> {
    await this.#command({ process_all_available: true });
  }

  async stop(): Promise<void> {
    await this.#command({ stop: true });
  }

  toString(): string {
    return `StreamingQuery(id=${this.id}, runId=${this.runId}, name=${this.name ?? 'None'})`;
  }

  async #command(command: QueryCommand): Promise<StreamingQueryCommandResult__Output> {
    const res = await this.#session.client.executeCommand({
      streaming_query_command: { query_id: { id: this.id, run_id: this.runId }, ...command },
    });
    const result = res.streamingQuery;
    if (result === undefined) throw new PySparkAssertionError('The server sent no streaming_query_command_result.');
    return result;
  }
}
