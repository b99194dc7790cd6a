import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkConnectGrpcException, SparkSession } from '../../client/index.js';
import { KindlingNode } from '../cluster/harness.js';
import { makeTestCerts, type TestCerts } from '../support/test-certs.js';

const TOKEN = 'tls-t0ken';

/**
 * `kindling local --tls-cert --tls-key --token` on 127.0.0.2 (not `localhost`, so clients must use
 * TLS, as PySpark does whenever a token goes to another host), reached by our client with the
 * URLs the README gives and a private CA.
 */
describe('TLS on the Spark Connect port, with the TypeScript client', () => {
  let certs: TestCerts;
  let local: KindlingNode;
  let port = 0;
  const opened: SparkSession[] = [];

  const connect = async (url: string, ca: Buffer | undefined = certs.ca): Promise<SparkSession> => {
    let b = SparkSession.builder().remote(url).retryPolicy({ maxRetries: 0 });
    if (ca) b = b.rootCertificates(ca);
    const s = await b.create();
    opened.push(s);
    return s;
  };

  beforeAll(async () => {
    certs = makeTestCerts();
    local = KindlingNode.spawn('local-tls', [
      'local', '--host', '127.0.0.2', '--port', '0', '--workers', '1', '--token', TOKEN,
      '--tls-cert', certs.server.certPath, '--tls-key', certs.server.keyPath, '--log-level', 'warn',
    ]);
    port = Number((await local.waitFor(/Spark Connect on sc:\/\/localhost:(\d+)/))[1]);
  });

  afterAll(async () => {
    for (const s of opened) await s.stop().catch(() => undefined);
    await local?.stop();
    certs?.remove();
  });

  it('serves `sc://127.0.0.2:PORT/;use_ssl=true;token=T` with the CA given to the builder', async () => {
    const spark = await connect(`sc://127.0.0.2:${port}/;use_ssl=true;token=${TOKEN}`);
    expect(await spark.range(5).count()).toBe(5);
    const rows = await spark.sql("SELECT 'over tls' AS s").collect();
    expect(rows[0]?.['s']).toBe('over tls');
  });

  it('a token alone to a host other than localhost also means TLS, as in PySpark', async () => {
    const spark = await connect(`sc://127.0.0.2:${port}/;token=${TOKEN}`);
    expect(await spark.range(2).count()).toBe(2);
  });

  it('refuses a wrong token over TLS with UNAUTHENTICATED', async () => {
    const err = await connect(`sc://127.0.0.2:${port}/;use_ssl=true;token=wrong`).then(
      async (s) => s.range(1).count(),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SparkConnectGrpcException);
    expect((err as SparkConnectGrpcException).grpcStatusCode).toBe(status.UNAUTHENTICATED);
  });

  it('a client that does not trust the CA, or speaks cleartext, gets no answer', async () => {
    const untrusted = await connect(`sc://127.0.0.2:${port}/;use_ssl=true;token=${TOKEN}`, certs.stranger.cert)
      .then(async (s) => s.range(1).count())
      .catch((e: unknown) => e);
    expect((untrusted as SparkConnectGrpcException).grpcStatusCode).toBe(status.UNAVAILABLE);
    const cleartext = await connect(`sc://127.0.0.2:${port}`, undefined)
      .then(async (s) => s.range(1).count())
      .catch((e: unknown) => e);
    expect((cleartext as SparkConnectGrpcException).grpcStatusCode).toBe(status.UNAVAILABLE);
    expect(local.alive).toBe(true);
  });
});
