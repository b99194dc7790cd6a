import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { SparkSession } from '../../client/index.js';
import { Cluster } from '../cluster/harness.js';
import { startWordCounts, waitForCounts } from '../cluster/word-count.js';
import { LineServer, burst } from '../e2e/process.js';
import { RedisServer, freePort } from '../support/redis-server.js';

/** The ACL rule README.md gives for Kindling's Redis user, as written there. */
function readmeAclRule(password: string): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const line = /^ACL SETUSER kindling .*$/m.exec(readme)?.[0];
  if (!line) throw new Error('README.md has no "ACL SETUSER kindling" line');
  return line.replace('>PASSWORD', `>${password}`).split(/\s+/).slice(3);
}

/**
 * Master and workers on a Redis that wants a password (`requirepass`) or an ACL user limited to
 * Kindling's keys, and over TLS: the seed query runs with exact counts, and the limits are real.
 */
describe('Redis AUTH, ACL and TLS', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
  });

  async function wordCount(redisUrl: string, env: Record<string, string> = {}): Promise<void> {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    let c: Cluster;
    try {
      c = await Cluster.start({ workers: 2, redisUrl });
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    cleanup.push(() => c.close());
    const f = await LineServer.start();
    cleanup.push(() => f.close());
    const s = await SparkSession.builder().remote(c.url).appName('redis-auth').getOrCreate();
    cleanup.push(() => s.stop());
    await s.conf.set('spark.sql.shuffle.partitions', '4');
    const q = await startWordCounts(s, f.port, 'wc_auth', `auth-${randomUUID()}`);
    await f.waitForConnections(1);
    const expected = new Map<string, number>();
    for (const k of [1, 2]) {
      const b = burst(k, 4);
      b.counts.forEach((n, w) => expected.set(w, n));
      f.broadcast(b.lines);
    }
    const counts = await waitForCounts(s, 'wc_auth', expected, 60_000);
    for (const [w, n] of expected) expect(counts.get(w), `${w}\n${c.logs().slice(-4000)}`).toBe(2 * n);
    expect(await q.exception()).toBeNull();
    await q.stop();
  }

  it('works with an ACL user limited to kindling:* (README rule) on a Redis with requirepass, and the limits hold', async () => {
    const redis = await RedisServer.start({ appendfsync: false, args: ['--requirepass', 'admin-secret'] });
    cleanup.push(() => redis.close());
    const admin = new Redis({ port: redis.port, host: '127.0.0.1', password: 'admin-secret' });
    cleanup.push(() => admin.quit().then(() => undefined));
    expect(await admin.call('ACL', 'SETUSER', 'kindling', ...readmeAclRule('k1ndl!ng/pw@x'))).toBe('OK');
    await admin.set('other:secret', 'x');

    await wordCount(`redis://kindling:${encodeURIComponent('k1ndl!ng/pw@x')}@127.0.0.1:${redis.port}`);
    expect((await admin.keys('kindling:*')).length).toBeGreaterThan(0);

    const limited = new Redis({ port: redis.port, host: '127.0.0.1', username: 'kindling', password: 'k1ndl!ng/pw@x', maxRetriesPerRequest: 0 });
    cleanup.push(() => limited.quit().then(() => undefined));
    await expect(limited.get('other:secret')).rejects.toThrow(/NOPERM/);
    await expect(limited.call('FLUSHALL')).rejects.toThrow(/NOPERM/);
    const anonymous = new Redis({ port: redis.port, host: '127.0.0.1', maxRetriesPerRequest: 0, lazyConnect: true });
    anonymous.on('error', () => undefined);
    await anonymous.connect().catch(() => undefined);
    await expect(anonymous.get('kindling:x')).rejects.toThrow(/NOAUTH/);
    anonymous.disconnect();
  }, 120_000);

  it('works over TLS (rediss://) with the password in the URL and a private CA from NODE_EXTRA_CA_CERTS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-tls-'));
    cleanup.push(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })));
    const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=kindling-test-ca');
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'redis.key', '-out', 'redis.csr', '-subj', '/CN=localhost');
    execFileSync('sh', ['-c', 'printf "subjectAltName=DNS:localhost,IP:127.0.0.1" > san.ext'], { cwd: dir });
    ssl('x509', '-req', '-in', 'redis.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'redis.pem', '-days', '1', '-extfile', 'san.ext');
    const tlsPort = await freePort();
    const redis = await RedisServer.start({
      appendfsync: false,
      args: ['--tls-port', String(tlsPort), '--tls-cert-file', join(dir, 'redis.pem'), '--tls-key-file', join(dir, 'redis.key'), '--tls-ca-cert-file', join(dir, 'ca.pem'), '--tls-auth-clients', 'no', '--requirepass', 'tls-secret'],
    });
    cleanup.push(() => redis.close());
    await wordCount(`rediss://:tls-secret@localhost:${tlsPort}`, { NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') });
    const plain = new Redis({ port: redis.port, host: '127.0.0.1', password: 'tls-secret' });
    cleanup.push(() => plain.quit().then(() => undefined));
    expect((await plain.keys('kindling:*')).length).toBeGreaterThan(0);
  }, 120_000);
});
