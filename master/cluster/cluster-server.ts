import { randomUUID } from 'node:crypto';
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { loadCluster, type MasterServiceHandlers } from '../../proto/load.js';
import type { WorkerRegistry } from './worker-registry.js';

/** The master's cluster port (7077): MasterService for worker registration and heartbeats. */
export async function startClusterServer(options: {
  readonly registry: WorkerRegistry;
  readonly host?: string;
  readonly port: number;
  readonly secret: string;
  readonly log: Logger;
}): Promise<{ port: number; close(): Promise<void> }> {
  const { registry, secret } = options;
  const masterId = randomUUID();
  const denied = (s: string): boolean => secret !== '' && s !== secret;
  const handlers: MasterServiceHandlers = {
    RegisterWorker(call, cb) {
      const r = call.request;
      if (denied(r.secret)) return cb({ code: status.UNAUTHENTICATED, details: 'wrong cluster secret' });
      if (!r.worker_id || !r.address) return cb({ code: status.INVALID_ARGUMENT, details: 'worker_id and address are required' });
      registry.register(r.worker_id, r.address, r.cores);
      cb(null, { heartbeat_interval_ms: String(registry.heartbeatIntervalMs), master_id: masterId });
    },
    Heartbeat(call, cb) {
      if (denied(call.request.secret)) return cb({ code: status.UNAUTHENTICATED, details: 'wrong cluster secret' });
      cb(null, { known: registry.heartbeat(call.request.worker_id, call.request.running_tasks, call.request.rss_bytes) });
    },
    DeregisterWorker(call, cb) {
      if (denied(call.request.secret)) return cb({ code: status.UNAUTHENTICATED, details: 'wrong cluster secret' });
      registry.deregister(call.request.worker_id);
      cb(null, {});
    },
  };
  const server = new Server();
  server.addService(loadCluster().MasterService.service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host ?? '0.0.0.0'}:${options.port}`, ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
  );
  options.log.info({ component: 'cluster', port }, 'cluster port open');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
