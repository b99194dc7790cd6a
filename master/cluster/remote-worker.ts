import { makeClientConstructor, status, type ServiceError } from '@grpc/grpc-js';
import { ExecutionError } from '../../engine/errors/errors.js';
import { errorFromProto } from '../../engine/errors/wire.js';
import {
  decodeRows,
  encodeMapTask,
  encodeReduceTask,
  fromJson,
} from '../../engine/exec/task-codec.js';
import type { JobRef, MapTask, MapTaskResult, ReduceTask, ReduceTaskResult } from '../../engine/exec/task.js';
import type { TaskMetrics } from '../../engine/physical/task-metrics.js';
import { loadCluster, type WorkerServiceClient } from '../../proto/load.js';
import { withTaskRequestWriter, type TaskRequestWithParts } from '../../proto/kindling/task-request-writer.js';
import type { TaskRequest } from '../../proto/generated/kindling/cluster/TaskRequest.js';
import type { TaskResponse__Output } from '../../proto/generated/kindling/cluster/TaskResponse.js';
import type { WorkerHandle } from '../execution/worker-handle.js';
import { clusterChannelCredentials, type ClusterSecurity } from '../../infra/grpc/cluster-security.js';
import { CLUSTER_CHANNEL_OPTIONS } from '../../infra/grpc/options.js';

/** The worker service's client, writing map task requests with their payload copied once. */
let workerClient: ReturnType<typeof makeClientConstructor> | undefined;
function workerClientConstructor(): ReturnType<typeof makeClientConstructor> {
  workerClient ??= makeClientConstructor(withTaskRequestWriter(loadCluster().WorkerService.service), 'WorkerService');
  return workerClient;
}

/** Thrown when the worker itself could not be reached: the registry treats the worker as lost. */
export class WorkerUnreachableError extends ExecutionError {}

/** The master's gRPC client for one worker process. */
export class RemoteWorker implements WorkerHandle {
  private readonly client: WorkerServiceClient;
  /** How to fail each task call still waiting for an answer (see `abandonCalls`). */
  private readonly waiting = new Set<(e: Error) => void>();

  constructor(
    readonly id: string,
    readonly address: string,
    readonly cores: number,
    private readonly security: ClusterSecurity,
    private readonly addresses: () => Readonly<Record<string, string>>,
  ) {
    this.client = new (workerClientConstructor())(address, clusterChannelCredentials(security), CLUSTER_CHANNEL_OPTIONS) as unknown as WorkerServiceClient;
  }

  async runMap(task: MapTask): Promise<MapTaskResult> {
    const withAddresses: MapTask = task.shuffle ? { ...task, shuffle: { ...task.shuffle, addresses: this.addresses() } } : task;
    const { specJson, payload } = encodeMapTask(withAddresses);
    // Parts are written by writeTaskRequest (this client's serializer), which the generated type does not know.
    const request: TaskRequestWithParts = { secret: this.security.secret, spec_json: specJson, payload };
    const res = await this.call((cb) => this.client.RunMapTask(request as TaskRequest, cb));
    const output = decodeRows(res.output);
    return output ? { metrics: fromJson<TaskMetrics>(res.metrics_json), output } : { metrics: fromJson<TaskMetrics>(res.metrics_json) };
  }

  async runReduce(task: ReduceTask): Promise<ReduceTaskResult> {
    const res = await this.call((cb) => this.client.RunReduceTask({ secret: this.security.secret, spec_json: encodeReduceTask(task) }, cb));
    return { metrics: fromJson<TaskMetrics>(res.metrics_json), output: decodeRows(res.output) };
  }

  releaseQuery(queryId: string): Promise<void> {
    return new Promise((resolve) =>
      this.client.ReleaseQuery({ secret: this.security.secret, query_id: queryId }, { deadline: Date.now() + 5000 }, () => resolve()),
    );
  }

  cancel(job: JobRef): Promise<void> {
    return new Promise((resolve) =>
      this.client.CancelTasks({ secret: this.security.secret, job_json: JSON.stringify(job) }, { deadline: Date.now() + 5000 }, () => resolve()),
    );
  }

  close(): void {
    this.client.close();
  }

  /**
   * Fails every task call still waiting on this worker, as Spark fails a lost executor's running
   * tasks: the registry declared it dead (no heartbeat), and a call whose peer vanished without
   * closing its connection could otherwise wait for it forever, holding its batch.
   */
  abandonCalls(reason: string): void {
    for (const fail of [...this.waiting]) fail(new WorkerUnreachableError(`Worker ${this.id} at ${this.address}: ${reason}`));
  }

  private call(send: (cb: (err: ServiceError | null, res?: TaskResponse__Output) => void) => { cancel(): void } | void): Promise<TaskResponse__Output> {
    return new Promise((resolve, reject) => {
      let inFlight: { cancel(): void } | void = undefined;
      const abandon = (e: Error): void => {
        this.waiting.delete(abandon);
        reject(e);
        inFlight?.cancel();
      };
      this.waiting.add(abandon);
      const onReply = (err: ServiceError | null, res?: TaskResponse__Output): void => {
        this.waiting.delete(abandon);
        if (err) {
          const lost = err.code === status.UNAVAILABLE || err.code === status.DEADLINE_EXCEEDED || err.code === status.CANCELLED;
          const Cls = lost ? WorkerUnreachableError : ExecutionError;
          reject(new Cls(`Worker ${this.id} at ${this.address}: ${err.details || err.message}`, { cause: err }));
        } else if (!res) reject(new ExecutionError(`Worker ${this.id} sent no response.`));
        else if (res.error) reject(errorFromProto(res.error));
        else resolve(res);
      };
      try {
        inFlight = send(onReply);
      } catch (e) {
        this.waiting.delete(abandon);
        // e.g. the channel was closed because the worker registered again: place the task elsewhere.
        reject(new WorkerUnreachableError(`Worker ${this.id} at ${this.address}: ${(e as Error).message}`, { cause: e }));
      }
    });
  }
}
