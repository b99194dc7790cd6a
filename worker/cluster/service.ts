import { status, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { ExecutionError } from '../../engine/errors/errors.js';
import { wireErrorToProto } from '../../engine/errors/wire.js';
import { decodeMapTask, decodeReduceTask, decodeShuffleBlock, encodeRows, toJson } from '../../engine/exec/task-codec.js';
import type { JobRef } from '../../engine/exec/task.js';
import type { TaskRunner } from '../../engine/exec/task-runner.js';
import type { WorkerServiceHandlers } from '../../proto/load.js';

export interface WorkerServiceState {
  readonly runner: TaskRunner;
  readonly secret: string;
  readonly log: Logger;
  /** True once SIGTERM arrived: new tasks are refused so the master places them elsewhere. */
  draining(): boolean;
}

type Handler<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

/**
 * The worker's gRPC service: tasks from the master, shuffle blocks from peers. Task failures are
 * returned in the response (classified), so the master can tell a user error from a lost worker.
 */
export function workerServiceHandlers(state: WorkerServiceState): WorkerServiceHandlers {
  const { runner, log } = state;
  const authorized = <Req extends { secret: string }, Res>(h: Handler<Req, Res>): Handler<Req, Res> => (call, cb) => {
    if (state.secret !== '' && call.request.secret !== state.secret) {
      cb({ code: status.UNAUTHENTICATED, details: 'wrong cluster secret' });
      return;
    }
    h(call, cb);
  };
  const refuseWhileDraining = (): ExecutionError | undefined =>
    state.draining() ? new ExecutionError(`Worker ${runner.workerId} is shutting down.`) : undefined;

  return {
    RunMapTask: authorized((call, cb) => {
      const refused = refuseWhileDraining();
      if (refused) return cb(null, { metrics_json: '', output: new Uint8Array(), error: wireErrorToProto(refused) });
      const task = decodeMapTask(call.request.spec_json, call.request.payload);
      runner.runMap(task).then(
        (r) => cb(null, { metrics_json: toJson(r.metrics), output: encodeRows(r.output) }),
        (e: unknown) => {
          log.warn({ err: (e as Error).message, batchId: task.job.batchId, queryId: task.job.queryId }, 'map task failed');
          cb(null, { metrics_json: '', output: new Uint8Array(), error: wireErrorToProto(e) });
        },
      );
    }),
    RunReduceTask: authorized((call, cb) => {
      const refused = refuseWhileDraining();
      if (refused) return cb(null, { metrics_json: '', output: new Uint8Array(), error: wireErrorToProto(refused) });
      const task = decodeReduceTask(call.request.spec_json);
      runner.runReduce(task).then(
        (r) => cb(null, { metrics_json: toJson(r.metrics), output: encodeRows(r.output) }),
        (e: unknown) => {
          log.warn({ err: (e as Error).message, batchId: task.job.batchId, queryId: task.job.queryId }, 'reduce task failed');
          cb(null, { metrics_json: '', output: new Uint8Array(), error: wireErrorToProto(e) });
        },
      );
    }),
    PushShuffle: authorized((call, cb) => {
      try {
        runner.receive(
          decodeShuffleBlock({
            jobJson: call.request.job_json,
            mapTaskId: call.request.map_task_id,
            partitionIds: call.request.partition_ids,
            partitionRowCounts: call.request.partition_row_counts,
            rows: call.request.rows,
          }),
        );
        cb(null, {});
      } catch (e) {
        cb(null, { error: wireErrorToProto(e) });
      }
    }),
    ReleaseQuery: authorized((call, cb) => {
      runner.shuffleStore.releaseQuery(call.request.query_id);
      cb(null, {});
    }),
    CancelTasks: authorized((call, cb) => {
      runner.cancel(JSON.parse(call.request.job_json) as JobRef);
      cb(null, {});
    }),
    GetStatus: authorized((_call, cb) => {
      cb(null, {
        worker_id: runner.workerId,
        running_tasks: runner.runningTasks,
        draining: state.draining(),
        shuffle_jobs: runner.shuffleStore.size,
      });
    }),
  };
}
