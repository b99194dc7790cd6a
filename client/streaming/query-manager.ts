import type { StreamingQueryManagerCommand } from '../../proto/generated/spark/connect/StreamingQueryManagerCommand.js';
import type { StreamingQueryManagerCommandResult__Output } from '../../proto/generated/spark/connect/StreamingQueryManagerCommandResult.js';
import { PySparkAssertionError } from '../errors.js';
import { awaitTermination } from './await-termination.js';
import { StreamingQuery, type StreamingSession } from './streaming-query.js';

type ManagerCommand = Omit<StreamingQueryManagerCommand, 'command'>;

/** `spark.streams`: the session's streaming queries, through StreamingQueryManagerCommand. */
export class StreamingQueryManager {
  readonly #session: StreamingSession;

  constructor(session: StreamingSession) {
    this.#session = session;
  }

  /** The queries running now (PySpark's `spark.streams.active`). */
  async active(): Promise<StreamingQuery[]> {
    const res = await this.#command({ active: true });
    return (res.active?.active_queries ?? []).map(
      (q) => new StreamingQuery(this.#session, q.id?.id ?? '', q.id?.run_id ?? '', q.name ?? null),
    );
  }

  /** The query with this id (active or recently stopped), or null. */
  async get(id: string): Promise<StreamingQuery | null> {
    const res = await this.#command({ get_query: id });
    const q = res.query;
    if (q === null || q === undefined || res.result_type !== 'query') return null;
    return new StreamingQuery(this.#session, q.id?.id ?? '', q.id?.run_id ?? '', q.name ?? null);
  }

  /** Waits until any query ends; with a timeout (seconds) resolves to whether one did. */
  awaitAnyTermination(): Promise<void>;
  awaitAnyTermination(timeoutSeconds: number): Promise<boolean>;
  async awaitAnyTermination(timeoutSeconds?: number): Promise<boolean | void> {
    return awaitTermination(
      timeoutSeconds,
      async (args) => (await this.#command({ await_any_termination: args })).await_any_termination?.terminated ?? false,
    );
  }

  async resetTerminated(): Promise<void> {
    await this.#command({ reset_terminated: true });
  }

  async #command(command: ManagerCommand): Promise<StreamingQueryManagerCommandResult__Output> {
    const res = await this.#session.client.executeCommand({ streaming_query_manager_command: command });
    if (res.queryManager === undefined) throw new PySparkAssertionError('The server sent no streaming_query_manager_command_result.');
    return res.queryManager;
  }
}
