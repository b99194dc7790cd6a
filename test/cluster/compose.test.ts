import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { SparkSession, functions as F } from '../../client/index.js';
import { RedisServer, freePort } from '../support/redis-server.js';
import { KindlingNode } from './harness.js';
import { eventually } from '../support/eventually.js';

/** One service of docker-compose.yml: its command and environment, as compose would pass them. */
interface Service {
  readonly command: string[];
  readonly environment: Record<string, string>;
  readonly healthcheck?: string[];
}

/**
 * Reads the services of our docker-compose.yml. The file keeps to a small shape on purpose
 * (commands and health checks as JSON arrays, environments as `KEY: value` maps), and this fails
 * loudly if it stops doing so, rather than testing something else than what users run.
 */
function composeServices(text: string): Map<string, Service> {
  const services = new Map<string, { command: string[]; environment: Record<string, string>; healthcheck?: string[] }>();
  const lines = text.split('\n');
  let inServices = false;
  let current: { command: string[]; environment: Record<string, string>; healthcheck?: string[] } | undefined;
  let inEnv = false;
  for (const line of lines) {
    if (/^services:\s*$/.test(line)) {
      inServices = true;
      continue;
    }
    if (/^\S/.test(line)) inServices = false;
    if (!inServices) continue;
    const name = /^ {2}([a-z][a-z0-9-]*):\s*$/.exec(line)?.[1];
    if (name) {
      current = { command: [], environment: {} };
      services.set(name, current);
      inEnv = false;
      continue;
    }
    if (!current) continue;
    const field = /^ {4}([a-z_]+):\s*(.*)$/.exec(line);
    if (field) {
      inEnv = field[1] === 'environment';
      if (field[1] === 'command') current.command = (JSON.parse(field[2] as string) as string[]).map(unquote);
      continue;
    }
    const test = /^ {6}test:\s*(\[.*\])\s*$/.exec(line);
    if (test) current.healthcheck = JSON.parse(test[1] as string) as string[];
    const env = inEnv ? /^ {6}([A-Z0-9_]+):\s*(.*)$/.exec(line) : null;
    if (env) current.environment[env[1] as string] = unquote(env[2] as string);
  }
  return services;
}

/** What the test puts in compose's environment (`.env`): the file has no default secrets. */
const COMPOSE_ENV: Readonly<Record<string, string>> = { KINDLING_CLUSTER_SECRET: 'compose-test-secret', REDIS_PASSWORD: 'compose-test-redis' };

/** A YAML scalar as compose reads it: `${VAR:-default}` and `${VAR:?error}` from COMPOSE_ENV. */
function unquote(v: string): string {
  const s = /^"(.*)"$/.exec(v)?.[1] ?? v;
  return s.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, how: string | undefined, rest: string) => {
    const value = COMPOSE_ENV[name];
    if (value !== undefined && value !== '') return value;
    if (how === '?') throw new Error(`compose would refuse to start: ${rest}`);
    return how === '-' ? rest : '';
  });
}

/** True once something accepts TCP connections on the port (compose's depends_on, done by hand). */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Compose's service names resolve to the containers; here every service is on loopback. */
function onLoopback(value: string): string {
  return value.replace(/\/\/(redis|master|feed):/g, '//127.0.0.1:');
}

/**
 * docker-compose.yml's services started the way compose starts them (the image's entrypoint is
 * `node bin/kindling.js`, the service's command its arguments, configuration only through the
 * service's environment), as local processes. What one host forces differs: service names become
 * 127.0.0.1, fixed ports become free ones, and each worker advertises 127.0.0.1.
 */
describe('docker-compose.yml, run as local processes', () => {
  const text = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
  const services = composeServices(text);
  const started: KindlingNode[] = [];
  let redis: RedisServer | undefined;
  let spark: SparkSession | undefined;

  afterAll(async () => {
    await spark?.stop().catch(() => undefined);
    for (const n of started.reverse()) await n.stop('SIGTERM', 15_000);
    await redis?.close();
  });

  it('declares the services the README describes, configured through KINDLING_* variables', () => {
    expect([...services.keys()]).toEqual(['redis', 'master', 'worker', 'feed', 'redis-cluster-init']);
    expect(services.get('redis')?.command).toEqual(['redis-server', '--appendonly', 'yes', '--appendfsync', 'always', '--requirepass', COMPOSE_ENV['REDIS_PASSWORD']]);
    expect(services.get('master')?.command).toEqual(['master']);
    expect(services.get('worker')?.command).toEqual(['worker']);
    expect(services.get('master')?.environment['KINDLING_REDIS']).toBe('redis://redis:6379');
    expect(services.get('master')?.environment['KINDLING_REDIS_PASSWORD']).toBe(COMPOSE_ENV['REDIS_PASSWORD']);
    // No default secrets: without them in the environment compose refuses to start.
    expect(text).not.toMatch(/change-me|CLUSTER_SECRET:-/);
    expect(text).toMatch(/KINDLING_CLUSTER_SECRET: \$\{KINDLING_CLUSTER_SECRET:\?/);
    // Published on loopback unless the user says otherwise.
    for (const published of text.match(/^ {6}- "(.*:\d+)"$/gm) ?? []) expect(published).toContain('${KINDLING_PUBLISH_ADDRESS:-127.0.0.1}:');
    expect(services.get('worker')?.environment['KINDLING_MASTER']).toBe('kindling://master:7077');
    // Both sides must agree on the secret, or workers cannot register.
    expect(services.get('worker')?.environment['KINDLING_CLUSTER_SECRET']).toBe(services.get('master')?.environment['KINDLING_CLUSTER_SECRET']);
    expect(/replicas:\s*2/.test(text)).toBe(true);
  });

  it('starts redis, the master, two workers and the feeder from their compose settings, and runs the seed query', async () => {
    redis = await RedisServer.start({ appendfsync: 'always', args: ['--requirepass', COMPOSE_ENV['REDIS_PASSWORD'] as string] });
    const master = services.get('master') as Service;
    const worker = services.get('worker') as Service;
    const feed = services.get('feed') as Service;
    const redisUrl = `redis://127.0.0.1:${redis.port}`;

    const ports = { connect: await freePort(), cluster: await freePort(), http: await freePort(), feed: await freePort() };
    const masterEnv = {
      ...Object.fromEntries(Object.entries(master.environment).map(([k, v]) => [k, onLoopback(v)])),
      KINDLING_REDIS: redisUrl,
      KINDLING_PORT: String(ports.connect),
      KINDLING_CLUSTER_PORT: String(ports.cluster),
      KINDLING_UI_PORT: String(ports.http),
    };
    const m = KindlingNode.spawn('master', master.command, masterEnv);
    started.push(m);
    await m.waitFor(/Spark Connect on sc:\/\/localhost:(\d+)/);

    // The master's compose health check, against its port here.
    const masterCheck = master.healthcheck?.join(' ') ?? '';
    expect(masterCheck).toContain('http://127.0.0.1:8080/readyz');
    await eventually(async () => (await fetch(`http://127.0.0.1:${ports.http}/readyz`).catch(() => undefined))?.ok === true, { timeoutMs: 20_000, message: 'the master to be ready' });

    const workerEnv = (): Record<string, string> => ({
      ...Object.fromEntries(Object.entries(worker.environment).map(([k, v]) => [k, onLoopback(v)])),
      KINDLING_MASTER: `kindling://127.0.0.1:${ports.cluster}`,
      KINDLING_REDIS: redisUrl,
      KINDLING_PORT: '0',
      KINDLING_METRICS_PORT: '0',
      KINDLING_ADVERTISE_HOST: '127.0.0.1',
    });
    for (let i = 0; i < 2; i++) {
      const w = KindlingNode.spawn(`worker-${i}`, worker.command, workerEnv());
      started.push(w);
      await w.waitFor(/kindling worker (\S+) on /);
    }
    await eventually(
      async () => {
        const res = await fetch(`http://127.0.0.1:${ports.http}/api/workers`).catch(() => undefined);
        const ws = res?.ok ? ((await res.json()) as { state: string }[]) : [];
        return ws.filter((w) => w.state === 'ALIVE').length === 2;
      },
      { timeoutMs: 30_000, message: 'two workers to register' },
    );

    const feedArgs = feed.command.map((a) => (a === '9999' ? String(ports.feed) : a));
    expect(feedArgs).not.toEqual(feed.command);
    const f = KindlingNode.spawn('feed', feedArgs, { ...feed.environment });
    started.push(f);
    await eventually(() => accepts(ports.feed), { timeoutMs: 20_000, message: 'the feeder to listen' });

    spark = await SparkSession.builder().remote(`sc://127.0.0.1:${ports.connect}`).appName('compose').getOrCreate();
    // The README's compose advice: the socket source runs on the master, so it reads the feeder's host.
    const lines = spark.readStream.format('socket').option('host', '127.0.0.1').option('port', ports.feed).load();
    const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
    const wwt = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
    const q = await wwt.groupBy(F.window('timestamp', '60 seconds', '30 seconds'), 'word').count().writeStream.outputMode('complete').format('memory').queryName('wordcounts').start();
    const session = spark;
    const counted = async (): Promise<number> => ((await session.sql('SELECT count(*) AS n FROM wordcounts').collect())[0]?.get('n') as number | undefined) ?? 0;
    await eventually(async () => (await counted()) > 0, { timeoutMs: 30_000, message: 'counted words' });
    const rows = await spark.sql('SELECT window.end, word, count FROM wordcounts ORDER BY count DESC LIMIT 5').collect();
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.get('count') as number).toBeGreaterThan(0);
    expect(await q.exception()).toBeNull();
    await q.stop();

    // Compose stops a worker with SIGTERM and gives it stop_grace_period: it must exit cleanly.
    expect(text).toMatch(/stop_grace_period:\s*30s/);
    const leaving = started[1] as KindlingNode;
    expect(await leaving.stop('SIGTERM', 30_000)).toBe(0);
  }, 120_000);
});
