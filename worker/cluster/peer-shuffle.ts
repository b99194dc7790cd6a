import type { ServiceError } from '@grpc/grpc-js';
import { loadCluster, type WorkerServiceClient } from '../../proto/load.js';
import { errorFromProto } from '../../engine/errors/wire.js';
import { ExecutionError } from '../../engine/errors/errors.js';
import { encodeShuffleBlock } from '../../engine/exec/task-codec.js';
import type { ShuffleBlock, ShuffleTransport } from '../../engine/exec/task.js';
import { clusterChannelCredentials, type ClusterSecurity } from '../../infra/grpc/cluster-security.js';
import { CLUSTER_CHANNEL_OPTIONS } from '../../infra/grpc/options.js';

/** Pushes shuffle blocks to the partitions' owners over gRPC (or straight to itself). */
export class PeerShuffle implements ShuffleTransport {
  private readonly clients = new Map<string, WorkerServiceClient>();

  constructor(
    private readonly selfId: string,
    private readonly deliverLocal: (block: ShuffleBlock) => void,
    private readonly security: ClusterSecurity,
  ) {}

  async push(workerId: string, block: ShuffleBlock, address?: string): Promise<void> {
    if (workerId === this.selfId) {
      this.deliverLocal(block);
      return;
    }
    if (!address) throw new ExecutionError(`No address for worker ${workerId}.`);
    const client = this.client(address);
    const e = encodeShuffleBlock(block);
    await new Promise<void>((resolve, reject) => {
      client.PushShuffle(
        {
          secret: this.security.secret,
          job_json: e.jobJson,
          map_task_id: e.mapTaskId,
          partition_ids: e.partitionIds as number[],
          partition_row_counts: e.partitionRowCounts as number[],
          rows: e.rows,
        },
        (err: ServiceError | null, ack) => {
          if (err) reject(new ExecutionError(`Shuffle push to ${workerId} at ${address} failed: ${err.message}`, { cause: err }));
          else if (ack?.error) reject(errorFromProto(ack.error));
          else resolve();
        },
      );
    });
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }

  private client(address: string): WorkerServiceClient {
    let c = this.clients.get(address);
    if (!c) {
      const { WorkerService } = loadCluster();
      c = new WorkerService(address, clusterChannelCredentials(this.security), CLUSTER_CHANNEL_OPTIONS);
      this.clients.set(address, c);
    }
    return c;
  }
}
