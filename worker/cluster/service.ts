import { appendFileSync } from 'node:fs';
import { status, type ServerUnaryCall, type ServiceError, type sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ExecutionError } from '../../engine/errors/errors.js';
import { wireErrorToProto } from '../../engine/errors/wire.js';
import { decodeMapTask, decodeShuffleBlock, encodeRows, toJson } from '../../engine/exec/task-codec.js';
import type { JobRef, MapTaskResult, ReduceTaskResult } from '../../engine/exec/task.js';
import type { TaskResponse } from '../../proto/generated/kindling/cluster/TaskResponse.js';
import type { TaskRunner } from '../../engine/exec/task-runner.js';
import type { WorkerServiceHandlers } from '../../proto/load.js';
import { isMalformed } from '../../proto/kindling/malformed.js';
import { secretMatches } from '../../infra/grpc/cluster-security.js';
import {
  InvalidMessageError,
  parseJson,
  validateId,
  validateJob,
  validateMapTask,
  validateReduceTask,
  validateShuffleFraming,
} from './validate.js';

export interface WorkerServiceState {
  readonly runner: TaskRunner;
  /** Empty only under `--insecure`. */
  readonly secret: string;
  readonly log: Logger;
  /** True once SIGTERM arrived: new tasks are refused so the master places them elsewhere. */
  draining(): boolean;
}

type TaskResult = MapTaskResult | ReduceTaskResult;

/** KINDLING_BATCH_TRACE=<file>: each task's arrival and end (wall-clock ms), one JSON line per task. */
const TRACE_FILE = process.env['KINDLING_BATCH_TRACE'] || undefined;
const wallMs = (): number => Math.round((performance.timeOrigin + performance.now()) * 10) / 10;
function traceLine(o: object): void {
  if (TRACE_FILE === undefined) return;
  try {
    appendFileSync(`${TRACE_FILE}.tasks`, `${JSON.stringify(o)}\n`);
  } catch {
    // A trace that cannot be written must not fail the task.
  }
}
type Handler<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

const refusal = (code: status, details: string): Partial<ServiceError> => ({ code, details });

/**
 * The worker's gRPC service: tasks from the master, shuffle blocks from peers. Task failures are
 * returned in the response (classified), so the master can tell a user error from a lost worker.
 * Every call must carry the cluster secret; a malformed message is answered INVALID_ARGUMENT
 * before it reaches the task runner, and nothing a caller sends can crash the process.
 */
export function workerServiceHandlers(state: WorkerServiceState): WorkerServiceHandlers {
  const { runner, log } = state;
  const guarded = <Req extends { secret: string }, Res>(rpc: string, h: Handler<Req, Res>): Handler<Req, Res> => (call, cb) => {
    let answered = false;
    const once: sendUnaryData<Res> = (err, res) => {
      if (answered) return;
      answered = true;
      cb(err, res);
    };
    if (isMalformed(call.request)) {
      log.warn({ rpc, peer: call.getPeer() }, 'undecodable cluster message refused');
      once(refusal(status.INVALID_ARGUMENT, `${rpc}: the request is not a valid message`));
      return;
    }
    if (!secretMatches(call.request.secret, state.secret)) {
      log.warn({ rpc, peer: call.getPeer() }, 'cluster call refused: wrong secret');
      once(refusal(status.UNAUTHENTICATED, 'wrong cluster secret'));
      return;
    }
    try {
      h(call, once);
    } catch (e) {
      if (e instanceof InvalidMessageError) {
        log.warn({ rpc, peer: call.getPeer(), reason: e.message }, 'malformed cluster message refused');
        once(refusal(status.INVALID_ARGUMENT, `${rpc}: ${e.message}`));
      } else {
        log.error({ rpc, err: e }, 'unexpected error in a cluster call');
        once(refusal(status.INTERNAL, `${rpc} failed on worker ${runner.workerId}`));
      }
    }
  };
  const refused = (): ExecutionError | undefined =>
    state.draining() ? new ExecutionError(`Worker ${runner.workerId} is shutting down.`) : undefined;
  /** A step's refusal (a block of a superseded run) travels classified in the Ack, as task errors do. */
  const acked = (step: () => void): { error?: ReturnType<typeof wireErrorToProto> } => {
    try {
      step();
      return {};
    } catch (e) {
      return { error: wireErrorToProto(e) };
    }
  };
  /** A task's outcome as its response: a failure travels classified in `error`, never as a status. */
  const answer = (kind: string, job: JobRef, result: Promise<TaskResult>, cb: sendUnaryData<TaskResponse>): void => {
    const trace = TRACE_FILE === undefined ? undefined : { kind, batchId: job.batchId, worker: runner.workerId, received: wallMs() };
    result
      .then(
        (r) => {
          const res = { metrics_json: toJson(r.metrics), output: encodeRows(r.output) };
          if (trace) traceLine({ ...trace, done: wallMs() });
          cb(null, res);
        },
        (e: unknown) => {
          log.warn({ err: (e as Error).message, batchId: job.batchId, queryId: job.queryId }, `${kind} task failed`);
          cb(null, { metrics_json: '', output: new Uint8Array(), error: wireErrorToProto(e) });
        },
      )
      .catch((e: unknown) => {
        log.error({ err: e, batchId: job.batchId, queryId: job.queryId }, `${kind} task: could not encode the response`);
        cb({ code: status.INTERNAL, details: `${kind} task response failed on worker ${runner.workerId}` });
      });
  };

  return {
    RunMapTask: guarded('RunMapTask', (call, cb) => {
      const draining = refused();
      if (draining) return cb(null, { metrics_json: '', output: new Uint8Array(), error: wireErrorToProto(draining) });
      validateMapTask(parseJson(call.request.spec_json, 'spec_json'));
      const task = decodeMapTask(call.request.spec_json, call.request.payload);
      answer('map', task.job, runner.runMap(task), cb);
    }),
    RunReduceTask: guarded('RunReduceTask', (call, cb) => {
      const draining = refused();
      if (draining) return cb(null, { metrics_json: '', output: new Uint8Array(), error: wireErrorToProto(draining) });
      const task = validateReduceTask(parseJson(call.request.spec_json, 'spec_json'));
      // The master sends reduce tasks with the map tasks; if it goes away (or gives up on the
      // attempt) while this one still waits for blocks, the wait ends here.
      call.on('cancelled', () => runner.shuffleStore.release(task.job));
      answer('reduce', task.job, runner.runReduce(task), cb);
    }),
    PushShuffle: guarded('PushShuffle', (call, cb) => {
      const r = call.request;
      validateJob(parseJson(r.job_json, 'job_json'), 'job_json');
      if (!Number.isSafeInteger(r.map_task_id) || r.map_task_id < 0) throw new InvalidMessageError('map_task_id must be a whole number, 0 or more');
      validateShuffleFraming(r.partition_ids, r.partition_row_counts, r.rows);
      let block;
      try {
        block = decodeShuffleBlock({
          jobJson: r.job_json,
          mapTaskId: r.map_task_id,
          partitionIds: r.partition_ids,
          partitionRowCounts: r.partition_row_counts,
          rows: r.rows,
        });
      } catch {
        throw new InvalidMessageError('rows are not an Arrow IPC stream holding the counted rows');
      }
      cb(null, acked(() => runner.receive(block)));
    }),
    ReleaseQuery: guarded('ReleaseQuery', (call, cb) => {
      runner.releaseQuery(validateId(call.request.query_id, 'query_id'));
      cb(null, {});
    }),
    CancelTasks: guarded('CancelTasks', (call, cb) => {
      const job = validateJob(parseJson(call.request.job_json, 'job_json'), 'job_json');
      cb(null, acked(() => runner.cancel(job)));
    }),
    GetStatus: guarded('GetStatus', (_call, cb) => {
      cb(null, {
        worker_id: runner.workerId,
        running_tasks: runner.runningTasks,
        draining: state.draining(),
        shuffle_jobs: runner.shuffleStore.size,
      });
    }),
  };
}
