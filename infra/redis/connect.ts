import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import { WAIT_REPLICAS, type RedisClient } from './call.js';
import { quitAll } from './clients-by-url.js';

/** Where a `--redis` URL points, parsed once for master and workers alike. */
export interface RedisTarget {
  readonly kind: 'single' | 'cluster';
  /** One node for `single`; the seed nodes for `cluster`. */
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  readonly username?: string;
  readonly password?: string;
  readonly db: number;
  readonly tls: boolean;
  /**
   * Replicas that must hold a write before it counts (`?replicas=N`, Redis `WAIT`): with 1, a
   * Redis master that dies loses no acknowledged state when its replica takes over.
   */
  readonly replicas: number;
}

const SCHEMES = new Map<string, { readonly kind: 'single' | 'cluster'; readonly tls: boolean }>([
  ['redis:', { kind: 'single', tls: false }],
  ['rediss:', { kind: 'single', tls: true }],
  ['redis-cluster:', { kind: 'cluster', tls: false }],
  ['rediss-cluster:', { kind: 'cluster', tls: true }],
]);

/**
 * Parses `redis://[user:password@]host[:port][/db]`, `rediss://…` (TLS; extra CAs through Node's
 * NODE_EXTRA_CA_CERTS), and `redis-cluster://[user:password@]h1:p1,h2:p2,…` (seed nodes of a
 * Redis Cluster; `rediss-cluster://` with TLS). `?replicas=N` on any of them. A bad URL throws
 * an Error whose message names the URL without its password.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const bad = (why: string): Error => new Error(`--redis (KINDLING_REDIS) '${redact(url)}' ${why}`);
  const m = /^([a-z-]+:)\/\/(?:([^@/]*)@)?([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/i.exec(url.trim());
  if (!m) throw bad('is not a URL like redis://host:6379 or redis-cluster://h1:p1,h2:p2');
  const scheme = SCHEMES.get((m[1] as string).toLowerCase());
  if (!scheme) throw bad(`has an unknown scheme (expected ${[...SCHEMES.keys()].map((s) => `${s}//`).join(', ')})`);
  let username: string | undefined;
  let password: string | undefined;
  if (m[2] !== undefined && m[2] !== '') {
    const colon = m[2].indexOf(':');
    const user = decodeURIComponent(colon < 0 ? m[2] : m[2].slice(0, colon));
    // `redis://:password@host` is AUTH with a password only (requirepass).
    if (colon < 0) password = user;
    else {
      password = decodeURIComponent(m[2].slice(colon + 1));
      if (user !== '') username = user;
    }
  }
  const hosts = (m[3] as string).split(',').filter((h) => h !== '');
  if (hosts.length === 0) throw bad('names no host');
  if (scheme.kind === 'single' && hosts.length > 1) throw bad('names several hosts: use redis-cluster:// for a Redis Cluster');
  const nodes = hosts.map((h) => {
    const hp = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(h);
    const port = hp?.[2] === undefined ? 6379 : Number(hp[2]);
    if (!hp || port < 1 || port > 65535) throw bad(`has a bad host:port '${h}'`);
    return { host: (hp[1] as string).replace(/^\[|\]$/g, ''), port };
  });
  const path = (m[4] ?? '').replace(/^\//, '');
  const db = path === '' ? 0 : Number(path);
  if (!Number.isInteger(db) || db < 0) throw bad(`has a bad database number '${path}'`);
  if (scheme.kind === 'cluster' && db !== 0) throw bad('selects a database: a Redis Cluster has only database 0');
  const params = new URLSearchParams(m[5] ?? '');
  let replicas = 0;
  for (const [k, v] of params) {
    if (k !== 'replicas') throw bad(`has an unknown parameter '${k}' (known: replicas)`);
    replicas = /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(replicas)) throw bad(`has a bad replicas=${v} (a whole number)`);
  }
  return {
    kind: scheme.kind,
    nodes,
    db,
    tls: scheme.tls,
    replicas,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

/** The URL with its password hidden, for logs and errors. */
export function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, (_, auth: string) => `//${auth.includes(':') ? `${auth.slice(0, auth.indexOf(':'))}:***` : '***'}@`);
}

/**
 * Opens a client for a parsed URL. Per-node settings (`options`: retries, timeouts, names) apply
 * to every node of a cluster; the Cluster client follows MOVED/ASK redirections and re-reads the
 * slot map after a failover, and its commands wait out a cluster that is briefly down.
 */
export function openRedis(target: RedisTarget, options: RedisOptions = {}): RedisClient {
  const auth: RedisOptions = {
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
    ...(target.tls ? { tls: {} } : {}),
  };
  const client: RedisClient =
    target.kind === 'single'
      ? new Redis({ ...options, ...auth, host: target.nodes[0]?.host ?? 'localhost', port: target.nodes[0]?.port ?? 6379, db: target.db })
      : new Cluster(
          target.nodes.map((n) => ({ host: n.host, port: n.port })),
          {
            redisOptions: { ...options, ...auth },
            enableAutoPipelining: options.enableAutoPipelining ?? false,
            retryDelayOnFailover: 200,
            retryDelayOnClusterDown: 300,
            retryDelayOnTryAgain: 100,
            retryDelayOnMoved: 0,
            maxRedirections: 32,
            slotsRefreshTimeout: 2000,
            clusterRetryStrategy: (times: number) => Math.min(times * 100, 2000),
          } satisfies ClusterOptions,
        );
  if (target.replicas > 0) setWaitReplicas(client, target.replicas);
  return client;
}

/** How many replicas each write waits for (read by `replicated` after each write). */
function setWaitReplicas(client: RedisClient, n: number): void {
  Object.defineProperty(client, WAIT_REPLICAS, { value: n, enumerable: false });
}

/**
 * One client per URL, configured for Kindling: a command fails (retryably) after a few reconnect
 * attempts instead of hanging while Redis is down; every state write is batch-id-guarded, so
 * ioredis resending in-flight commands after a reconnect is harmless.
 */
export class RedisConnections {
  private readonly connections = new Map<string, RedisClient>();

  /**
   * `name` labels the connections in CLIENT LIST (e.g. `kindling-worker`); `auth` is the
   * `--redis-password` for the `--redis` URL when that URL carries none (not for other URLs, such
   * as a redis source's).
   */
  constructor(
    private readonly log: Logger,
    private readonly name = 'kindling',
    private readonly auth?: { readonly url: string; readonly password?: string | undefined },
  ) {}

  connect = (url: string): RedisClient => this.open(url, 'default', {});

  /**
   * A client of its own for one use (`purpose` keys the cache), with extra per-node settings:
   * the state store opens its connection here with settings made for guarded writes.
   */
  open(url: string, purpose: string, options: RedisOptions): RedisClient {
    const cacheKey = `${purpose}\n${url}`;
    let r = this.connections.get(cacheKey);
    if (!r) {
      let target = parseRedisUrl(url);
      if (this.auth?.password && url === this.auth.url && target.password === undefined) target = { ...target, password: this.auth.password };
      r = openRedis(target, {
        maxRetriesPerRequest: 3,
        connectTimeout: 5000,
        retryStrategy: (times) => Math.min(times * 100, 2000),
        enableAutoPipelining: true,
        connectionName: `${this.name}-${process.pid}`,
        ...options,
      });
      let warned = false;
      r.on('error', (e: Error) => {
        if (!warned) this.log.warn({ component: 'redis', url: redact(url), purpose, err: e.message }, 'redis connection error');
        warned = true;
      });
      r.on('ready', () => {
        if (warned) this.log.info({ component: 'redis', url: redact(url), purpose }, 'redis connection back');
        warned = false;
      });
      this.connections.set(cacheKey, r);
    }
    return r;
  }

  async close(): Promise<void> {
    await quitAll(this.connections.values());
    this.connections.clear();
  }
}
