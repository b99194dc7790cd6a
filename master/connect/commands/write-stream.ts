import { decodeRelation } from '../../../engine/connect/index.js';
import { AnalysisError, NotSupportedError } from '../../../engine/errors/errors.js';
import type { WriteStreamOperationStart__Output } from '../../../proto/generated/spark/connect/WriteStreamOperationStart.js';
import type { WriteStreamSpec } from '../../streaming/start-query.js';
import type { CommandContext } from './context.js';

/**
 * `writeStream...start()`: starts the query, then answers with its id, run id and name. No
 * `query_started_event_json`: clients would hand it to their local listeners.
 */
export async function runWriteStreamStart(ctx: CommandContext, cmd: WriteStreamOperationStart__Output): Promise<void> {
  const query = await ctx.session.startStream(writeStreamSpec(cmd));
  ctx.log.info({ queryId: query.id, runId: query.runId, name: query.name }, 'streaming query started by client');
  ctx.emit({
    write_stream_operation_start_result: { query_id: { id: query.id, run_id: query.runId }, name: query.name ?? '' },
  });
}

export function writeStreamSpec(cmd: WriteStreamOperationStart__Output): WriteStreamSpec {
  if (!cmd.input) throw new AnalysisError('WriteStreamOperationStart needs an input relation.');
  const base = {
    input: decodeRelation(cmd.input),
    format: cmd.format,
    options: { ...cmd.options },
    outputMode: cmd.output_mode,
    queryName: cmd.query_name,
    trigger: trigger(cmd),
    foreach: cmd.foreach_writer !== null || cmd.foreach_batch !== null,
  };
  switch (cmd.sink_destination) {
    case 'path':
      return { ...base, path: cmd.path ?? '' };
    case 'table_name':
      return { ...base, tableName: cmd.table_name ?? '' };
    case undefined:
      return base;
    default: {
      const never: never = cmd.sink_destination;
      return never;
    }
  }
}

function trigger(cmd: WriteStreamOperationStart__Output): WriteStreamSpec['trigger'] {
  switch (cmd.trigger) {
    case undefined:
      return { kind: 'default' };
    case 'processing_time_interval':
      return { kind: 'processingTime', interval: cmd.processing_time_interval ?? '' };
    case 'available_now':
      return { kind: 'availableNow' };
    case 'once':
      return { kind: 'once' };
    case 'continuous_checkpoint_interval':
      return { kind: 'continuous', interval: cmd.continuous_checkpoint_interval ?? '' };
    case 'real_time_batch_duration':
      throw new NotSupportedError('Real-time mode triggers are not supported by Kindling; use a processing-time trigger.');
    default: {
      const never: never = cmd.trigger;
      return never;
    }
  }
}
