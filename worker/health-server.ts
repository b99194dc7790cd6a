import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';
import { secretMatches } from '../infra/grpc/cluster-security.js';

export interface HealthChecks {
  /** Liveness: the process is up. */
  readonly live: () => boolean;
  /** Readiness: registered with the master and state storage reachable. */
  readonly ready: () => boolean | Promise<boolean>;
}

/**
 * `/healthz`, `/readyz` and Prometheus `/metrics` on the worker's metrics port. With a `token`
 * (the cluster secret), `/metrics` answers only `Authorization: Bearer <token>`: it names queries,
 * partitions and rates, and nothing but the probes may be open when auth is configured.
 */
export async function startHealthServer(
  host: string,
  port: number,
  registry: Registry,
  checks: HealthChecks,
  token = '',
): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      res.writeHead(code, { 'content-type': type });
      res.end(body);
    };
    if (path === '/healthz') return send(checks.live() ? 200 : 503, checks.live() ? 'ok\n' : 'down\n');
    if (path === '/readyz') {
      Promise.resolve(checks.ready()).then(
        (ok) => send(ok ? 200 : 503, ok ? 'ready\n' : 'not ready\n'),
        () => send(503, 'not ready\n'),
      );
      return;
    }
    if (path === '/metrics') {
      const auth = req.headers.authorization ?? '';
      if (token !== '' && !(auth.startsWith('Bearer ') && secretMatches(auth.slice('Bearer '.length), token))) {
        res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8', 'www-authenticate': 'Bearer' });
        res.end('unauthorized: /metrics needs Authorization: Bearer <cluster secret> (or --metrics-open)\n');
        return;
      }
      registry.metrics().then(
        (text) => send(200, text, registry.contentType),
        (e: unknown) => send(500, String(e)),
      );
      return;
    }
    send(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
