import { oneofNotSet } from '../../../engine/connect/index.js';
import { AnalysisError } from '../../../engine/errors/errors.js';
import type { StreamingQueryCommand__Output } from '../../../proto/generated/spark/connect/StreamingQueryCommand.js';
import type { StreamingQueryCommandResult } from '../../../proto/generated/spark/connect/StreamingQueryCommandResult.js';
import { progressJson } from '../../streaming/progress.js';
import type { StreamingQuery } from '../../streaming/streaming-query.js';
import { optionalMillis, untilAborted, type CommandContext } from './context.js';

const STREAMING_QUERY_EXCEPTION = 'org.apache.spark.sql.streaming.StreamingQueryException';

/**
 * A call on a query handle (`q.status`, `q.stop()`, ...), addressed by (id, run id); stopped
 * runs stay addressable. `stop` and `processAllAvailable` answer with the query id alone.
 */
export async function runStreamingQueryCommand(ctx: CommandContext, cmd: StreamingQueryCommand__Output): Promise<void> {
  if (!cmd.query_id) throw new AnalysisError('StreamingQueryCommand needs a query_id.');
  const queryId = { id: cmd.query_id.id, run_id: cmd.query_id.run_id };
  const query = ctx.session.streams.getRun(queryId.id, queryId.run_id);
  const result = await answer(ctx, query, cmd);
  ctx.emit({ streaming_query_command_result: { query_id: queryId, ...result } });
}

type Result = Omit<StreamingQueryCommandResult, 'query_id'>;

async function answer(ctx: CommandContext, query: StreamingQuery, cmd: StreamingQueryCommand__Output): Promise<Result> {
  switch (cmd.command) {
    case 'status': {
      const s = query.status();
      return {
        status: {
          status_message: s.message,
          is_data_available: s.isDataAvailable,
          is_trigger_active: s.isTriggerActive,
          is_active: query.isActive,
        },
      };
    }
    case 'last_progress': {
      const last = query.lastProgress();
      return { recent_progress: { recent_progress_json: last === undefined ? [] : [progressJson(last)] } };
    }
    case 'recent_progress':
      return { recent_progress: { recent_progress_json: query.recentProgress().map(progressJson) } };
    case 'stop':
      await query.stop();
      return {};
    case 'process_all_available':
      await untilAborted(query.processAllAvailable(), ctx.signal);
      return {};
    case 'explain':
      return { explain: { result: query.explain(cmd.explain?.extended ?? false) } };
    case 'exception':
      return { exception: exceptionResult(query) };
    case 'await_termination': {
      const timeoutMs = optionalMillis(cmd.await_termination?.timeout_ms);
      const terminated = await untilAborted(query.awaitTermination(timeoutMs), ctx.signal);
      return { await_termination: { terminated } };
    }
    case undefined:
      throw oneofNotSet('spark.connect.StreamingQueryCommand', 'command');
    default: {
      const never: never = cmd.command;
      return never;
    }
  }
}

/**
 * Spark's `StreamingQueryException.toString()`: the class name, `": "` (clients split on it) and
 * the message of the error that stopped the query. Unset when the query did not fail.
 */
function exceptionResult(query: StreamingQuery): NonNullable<Result['exception']> {
  const failure = query.exception();
  if (failure === undefined) return {};
  const cause = failure.cause instanceof Error ? failure.cause.message : failure.message;
  const result: NonNullable<Result['exception']> = { exception_message: `${STREAMING_QUERY_EXCEPTION}: ${cause}` };
  if (failure.errorClass !== undefined) result.error_class = failure.errorClass;
  return result;
}
