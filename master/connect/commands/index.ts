import { decodeRelation, oneofNotSet, unsupportedKind } from '../../../engine/connect/index.js';
import { AnalysisError } from '../../../engine/errors/errors.js';
import type { Command__Output } from '../../../proto/generated/spark/connect/Command.js';
import type { CommandContext } from './context.js';
import { runQueryManagerCommand } from './query-manager.js';
import { runSqlCommand } from './sql-command.js';
import { runStreamingQueryCommand } from './streaming-query.js';
import { runWriteStreamStart } from './write-stream.js';

export type { CommandContext } from './context.js';

/** The command kinds that are one handler's whole job, each run with its message. */
const RUNNERS: { readonly [K in RunnerKind]: (ctx: CommandContext, msg: NonNullable<Command__Output[K]>) => void | Promise<void> } = {
  sql_command: runSqlCommand,
  write_stream_operation_start: runWriteStreamStart,
  streaming_query_command: runStreamingQueryCommand,
  streaming_query_manager_command: runQueryManagerCommand,
};
type RunnerKind = 'sql_command' | 'write_stream_operation_start' | 'streaming_query_command' | 'streaming_query_manager_command';

function isRunnerKind(kind: string): kind is RunnerKind {
  return Object.hasOwn(RUNNERS, kind);
}

async function runWith<K extends RunnerKind>(ctx: CommandContext, kind: K, msg: NonNullable<Command__Output[K]>): Promise<void> {
  await RUNNERS[kind](ctx, msg);
}

/** Runs a Spark Connect command, emitting its result message (if it has one); other kinds fail cleanly, naming the kind. */
export async function runCommand(ctx: CommandContext, command: Command__Output): Promise<void> {
  const kind = command.command_type;
  if (kind !== undefined && isRunnerKind(kind)) {
    const msg = command[kind];
    if (msg) return runWith(ctx, kind, msg);
    throw oneofNotSet('spark.connect.Command', 'command_type');
  }
  switch (kind) {
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
