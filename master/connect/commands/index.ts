import { decodeRelation, oneofNotSet, unsupportedKind } from '../../../engine/connect/index.js';
import { AnalysisError } from '../../../engine/errors/errors.js';
import type { Command__Output } from '../../../proto/generated/spark/connect/Command.js';
import type { CommandContext } from './context.js';
import { runQueryManagerCommand } from './query-manager.js';
import { runSqlCommand } from './sql-command.js';
import { runStreamingQueryCommand } from './streaming-query.js';
import { runWriteStreamStart } from './write-stream.js';

export type { CommandContext } from './context.js';

/** Runs a Spark Connect command, emitting its result message (if it has one); other kinds fail cleanly, naming the kind. */
export async function runCommand(ctx: CommandContext, command: Command__Output): Promise<void> {
  const kind = command.command_type;
  switch (kind) {
    case 'sql_command':
      if (command.sql_command) return runSqlCommand(ctx, command.sql_command);
      break;
    case 'write_stream_operation_start':
      if (command.write_stream_operation_start) return runWriteStreamStart(ctx, command.write_stream_operation_start);
      break;
    case 'streaming_query_command':
      if (command.streaming_query_command) return runStreamingQueryCommand(ctx, command.streaming_query_command);
      break;
    case 'streaming_query_manager_command':
      if (command.streaming_query_manager_command) return runQueryManagerCommand(ctx, command.streaming_query_manager_command);
      break;
    case 'create_dataframe_view': {
      const view = command.create_dataframe_view;
      if (!view) break;
      if (!view.input) throw new AnalysisError('CreateDataFrameViewCommand needs an input relation.');
      ctx.session.createView(view.name, decodeRelation(view.input), view.replace, view.is_global);
      return;
    }
    case undefined:
      break;
    default:
      // ml_command (PySpark's exit hook), listener bus, writes, UDF registration...
      throw unsupportedKind('Command', kind);
  }
  throw oneofNotSet('spark.connect.Command', 'command_type');
}
