import { Server, ServerCredentials } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { sparkConnectServiceDefinition } from '../../proto/load.js';
import type { MasterRuntime } from '../session/runtime.js';
import type { ChunkLimits } from './responses.js';
import { SparkConnectService } from './service.js';

/** Spark Connect clients send and accept messages up to 128 MiB. */
export const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

export interface ConnectServerOptions {
  readonly runtime: MasterRuntime;
  /** Defaults to every interface. */
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly token?: string;
  readonly log: Logger;
  readonly operationIdleTimeoutMs?: number;
  readonly chunkLimits?: ChunkLimits;
  readonly sessionTimeoutMs?: number;
}

export interface ConnectServer {
  /** The port actually bound. */
  readonly port: number;
  readonly service: SparkConnectService;
  close(): Promise<void>;
}

/** Serves Spark Connect (`sc://host:port`) over cleartext HTTP/2 until `close()`. */
export async function startConnectServer(options: ConnectServerOptions): Promise<ConnectServer> {
  const log = options.log.child({ component: 'connect' });
  const service = new SparkConnectService({
    runtime: options.runtime,
    log,
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.operationIdleTimeoutMs !== undefined ? { operationIdleTimeoutMs: options.operationIdleTimeoutMs } : {}),
    ...(options.chunkLimits !== undefined ? { chunkLimits: options.chunkLimits } : {}),
    ...(options.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
  });
  const server = new Server({
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
  });
  server.addService(sparkConnectServiceDefinition(), service.handlers);
  const host = options.host ?? '0.0.0.0';
  const address = host.includes(':') && !host.startsWith('[') ? `[${host}]:${options.port}` : `${host}:${options.port}`;
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound)));
  });
  log.info({ host, port, auth: options.token ? 'token' : 'none' }, 'Spark Connect server listening');
  let closed: Promise<void> | undefined;
  return {
    port,
    service,
    close() {
      closed ??= shutdown(server, service, log);
      return closed;
    },
  };
}

async function shutdown(server: Server, service: SparkConnectService, log: Logger): Promise<void> {
  service.shutdown();
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, 2000);
    force.unref();
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
  log.info('Spark Connect server stopped');
}
