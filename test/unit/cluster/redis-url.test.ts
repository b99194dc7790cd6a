import { describe, expect, it } from 'vitest';
import { parseRedisUrl, redact } from '../../../infra/redis/connect.js';
import { envOf, explainListenError } from '../../../cli/ports.js';

describe('--redis URLs', () => {
  it('parses one Redis, with or without a user, password, database and TLS', () => {
    expect(parseRedisUrl('redis://localhost:6379')).toEqual({ kind: 'single', nodes: [{ host: 'localhost', port: 6379 }], db: 0, tls: false, replicas: 0 });
    expect(parseRedisUrl('redis://redis')).toMatchObject({ nodes: [{ host: 'redis', port: 6379 }] });
    expect(parseRedisUrl('rediss://kindling:p%40ss%2Fw@h:7000/2')).toEqual({
      kind: 'single',
      nodes: [{ host: 'h', port: 7000 }],
      db: 2,
      tls: true,
      replicas: 0,
      username: 'kindling',
      password: 'p@ss/w',
    });
    // requirepass only: a password without a user, either way round.
    expect(parseRedisUrl('redis://:secret@h')).toMatchObject({ password: 'secret' });
    expect(parseRedisUrl('redis://:secret@h').username).toBeUndefined();
    expect(parseRedisUrl('redis://[::1]:6380')).toMatchObject({ nodes: [{ host: '::1', port: 6380 }] });
  });

  it('parses a Redis Cluster by its seed nodes, and the replicas to wait for', () => {
    expect(parseRedisUrl('redis-cluster://u:p@h1:7000,h2:7001,h3?replicas=1')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'h1', port: 7000 },
        { host: 'h2', port: 7001 },
        { host: 'h3', port: 6379 },
      ],
      db: 0,
      tls: false,
      replicas: 1,
      username: 'u',
      password: 'p',
    });
    expect(parseRedisUrl('rediss-cluster://h1:1').tls).toBe(true);
  });

  it('refuses bad URLs naming the flag and hiding the password', () => {
    expect(() => parseRedisUrl('localhost:6379')).toThrow(/--redis \(KINDLING_REDIS\) 'localhost:6379' is not a URL/);
    expect(() => parseRedisUrl('http://h')).toThrow(/unknown scheme/);
    expect(() => parseRedisUrl('redis://u:hunter2@h1,h2')).toThrow(/several hosts: use redis-cluster:\/\//);
    expect(() => parseRedisUrl('redis://u:hunter2@h1,h2')).not.toThrow(/hunter2/);
    expect(() => parseRedisUrl('redis-cluster://h1/1')).toThrow(/only database 0/);
    expect(() => parseRedisUrl('redis://h:99999')).toThrow(/bad host:port/);
    expect(() => parseRedisUrl('redis://h?replica=1')).toThrow(/unknown parameter 'replica'/);
    expect(redact('redis://u:hunter2@h')).toBe('redis://u:***@h');
    expect(redact('redis://hunter2@h')).toBe('redis://***@h');
  });
});

describe('ports in use', () => {
  it('name the flag and its environment variable', () => {
    const e = Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:8081'), { code: 'EADDRINUSE', port: 8081 });
    const explained = explainListenError('worker', e, [
      { flag: '--port', port: 0 },
      { flag: '--metrics-port', port: 8081 },
    ]) as Error;
    expect(explained.message).toBe('worker port 8081 is already in use; set --metrics-port (env KINDLING_METRICS_PORT) to a free port, or 0 for any free one');
    // gRPC's bind error carries the port only in its text.
    const grpc = new Error('No address added out of total 1 resolved errors: [listen EADDRINUSE: address already in use 0.0.0.0:7077]');
    expect((explainListenError('master', grpc, [{ flag: '--port', port: 15002 }, { flag: '--cluster-port', port: 7077 }]) as Error).message).toContain(
      '--cluster-port (env KINDLING_CLUSTER_PORT)',
    );
    const other = new Error('boom');
    expect(explainListenError('master', other, [])).toBe(other);
    expect(envOf('--ui-port')).toBe('KINDLING_UI_PORT');
  });
});
