import { oneofNotSet } from '../../../engine/connect/index.js';
import { NotSupportedError } from '../../../engine/errors/errors.js';
import type { StreamingQueryManagerCommand__Output } from '../../../proto/generated/spark/connect/StreamingQueryManagerCommand.js';
import type {
  StreamingQueryManagerCommandResult,
  _spark_connect_StreamingQueryManagerCommandResult_StreamingQueryInstance as QueryInstance,
} from '../../../proto/generated/spark/connect/StreamingQueryManagerCommandResult.js';
import type { StreamingQuery } from '../../streaming/streaming-query.js';
import { optionalMillis, untilAborted, type CommandContext } from './context.js';

/** `spark.streams...`: the session's active queries, lookups, and waits for any termination. */
export async function runQueryManagerCommand(ctx: CommandContext, cmd: StreamingQueryManagerCommand__Output): Promise<void> {
  const streams = ctx.session.streams;
  let result: StreamingQueryManagerCommandResult;
  switch (cmd.command) {
    case 'active':
      result = { active: { active_queries: streams.activeQueries().map(instance) } };
      break;
    case 'get_query': {
      // Only active queries, as in Spark: an unknown or stopped id leaves `query` unset (None).
      const query = streams.get(cmd.get_query ?? '');
      result = query === undefined ? {} : { query: instance(query) };
      break;
    }
    case 'await_any_termination': {
      const timeoutMs = optionalMillis(cmd.await_any_termination?.timeout_ms);
      const terminated = await untilAborted(streams.awaitAnyTermination(timeoutMs), ctx.signal);
      result = { await_any_termination: { terminated } };
      break;
    }
    case 'reset_terminated':
      streams.resetTerminated();
      result = { reset_terminated: true };
      break;
    case 'list_listeners':
      result = { list_listeners: { listener_ids: [] } };
      break;
    case 'add_listener':
    case 'remove_listener':
      throw new NotSupportedError(
        'Server-side streaming query listeners are not supported by Kindling; register listeners on the client.',
      );
    case undefined:
      throw oneofNotSet('spark.connect.StreamingQueryManagerCommand', 'command');
    default: {
      const never: never = cmd.command;
      return never;
    }
  }
  ctx.emit({ streaming_query_manager_command_result: result });
}

function instance(q: StreamingQuery): QueryInstance {
  const out: QueryInstance = { id: { id: q.id, run_id: q.runId } };
  if (q.name !== null) out.name = q.name;
  return out;
}
