import { randomUUID } from 'node:crypto';
import { Server, status, type ServerUnaryCall, type ServiceError, type sendUnaryData } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { loadCluster, type MasterServiceHandlers } from '../../proto/load.js';
import { clusterServerCredentials, secretMatches, type ClusterSecurity } from '../../infra/grpc/cluster-security.js';
import { isMalformed, tolerantDefinition } from '../../proto/kindling/malformed.js';
import type { WorkerRegistry } from './worker-registry.js';

const MAX_ID_CHARS = 256;
const MAX_CORES = 4096;

/** A request field the master refuses; answered INVALID_ARGUMENT with this text. */
class InvalidRequest extends Error {}

function requireId(value: string, field: string): string {
  if (value === '') throw new InvalidRequest(`${field} is required`);
  if (value.length > MAX_ID_CHARS) throw new InvalidRequest(`${field} must be at most ${MAX_ID_CHARS} characters`);
  return value;
}

/** `host:port` or `[v6]:port`, as a worker advertises itself. */
function requireAddress(value: string): string {
  requireId(value, 'address');
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) throw new InvalidRequest('address must be host:port');
  return value;
}

function requireCount(value: number, field: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new InvalidRequest(`${field} must be a whole number from ${min} to ${max}`);
  return value;
}

/**
 * The master's cluster port (7077): MasterService for worker registration and heartbeats. Every
 * call must carry the cluster secret (compared in constant time); with cluster TLS the peer must
 * also present a certificate the cluster CA signed. Malformed requests get INVALID_ARGUMENT.
 */
export async function startClusterServer(options: {
  readonly registry: WorkerRegistry;
  readonly host?: string;
  readonly port: number;
  readonly security: ClusterSecurity;
  readonly log: Logger;
}): Promise<{ port: number; close(): Promise<void> }> {
  const { registry, security } = options;
  const log = options.log.child({ component: 'cluster' });
  const masterId = randomUUID();
  const guarded =
    <Req extends { secret: string }, Res>(rpc: string, h: (req: Req) => Res) =>
    (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>): void => {
      if (isMalformed(call.request)) {
        log.warn({ rpc, peer: call.getPeer() }, 'undecodable cluster request refused');
        cb({ code: status.INVALID_ARGUMENT, details: `${rpc}: the request is not a valid message` });
        return;
      }
      if (!secretMatches(call.request.secret, security.secret)) {
        log.warn({ rpc, peer: call.getPeer() }, 'cluster call refused: wrong secret');
        cb({ code: status.UNAUTHENTICATED, details: 'wrong cluster secret' });
        return;
      }
      let res: Res;
      try {
        res = h(call.request);
      } catch (e) {
        const invalid = e instanceof InvalidRequest;
        if (invalid) log.warn({ rpc, peer: call.getPeer(), reason: e.message }, 'malformed cluster request refused');
        else log.error({ rpc, err: e }, 'unexpected error in a cluster call');
        const error: Partial<ServiceError> = invalid
          ? { code: status.INVALID_ARGUMENT, details: `${rpc}: ${e.message}` }
          : { code: status.INTERNAL, details: `${rpc} failed on the master` };
        cb(error);
        return;
      }
      cb(null, res);
    };
  const handlers: MasterServiceHandlers = {
    RegisterWorker: guarded('RegisterWorker', (r) => {
      const id = requireId(r.worker_id, 'worker_id');
      const address = requireAddress(r.address);
      const cores = requireCount(r.cores, 'cores', 1, MAX_CORES);
      if (r.version.length > MAX_ID_CHARS) throw new InvalidRequest(`version must be at most ${MAX_ID_CHARS} characters`);
      registry.register(id, address, cores);
      return { heartbeat_interval_ms: String(registry.heartbeatIntervalMs), master_id: masterId };
    }),
    Heartbeat: guarded('Heartbeat', (r) => {
      const id = requireId(r.worker_id, 'worker_id');
      const rss = r.rss_bytes;
      if (!(Number.isFinite(rss) && rss >= 0)) throw new InvalidRequest('rss_bytes must be a finite number, 0 or more');
      return { known: registry.heartbeat(id, requireCount(r.running_tasks, 'running_tasks', 0, 1_000_000), rss) };
    }),
    DeregisterWorker: guarded('DeregisterWorker', (r) => {
      registry.deregister(requireId(r.worker_id, 'worker_id'));
      return {};
    }),
  };
  const server = new Server();
  server.addService(tolerantDefinition(loadCluster().MasterService.service), handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host ?? '0.0.0.0'}:${options.port}`, clusterServerCredentials(security), (e, p) => (e ? reject(e) : resolve(p))),
  );
  log.info({ port, tls: security.tls !== undefined, secret: security.secret !== '' }, 'cluster port open');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
