import { Command, Option } from 'commander';
import { createLogger } from './log.js';
import { clusterSecurity, connectTls, type ClusterSecurityFlags, type ConnectTls, type ConnectTlsFlags } from './security.js';
import { hostname } from 'node:os';
import { explainListenError } from './ports.js';
import { limitHeapGrowth } from '../infra/v8/heap-growth.js';
import { startMemoryTrace } from '../infra/v8/memory-trace.js';

// Each command imports what it runs when it runs (`await import` in its action): a worker does not
// load local mode, the shell, the demo or the master's UI and sources, nor the master a worker's
// state store — code a process never runs still costs it resident memory.

/** Every flag also reads `KINDLING_<FLAG>` (dashes as underscores), so compose files can configure it. */
function opt(flags: string, description: string, fallback?: string): Option {
  const name = /--([a-z0-9-]+)/.exec(flags)?.[1] ?? '';
  const o = new Option(flags, description).env(`KINDLING_${name.toUpperCase().replace(/-/g, '_')}`);
  return fallback === undefined ? o : o.default(fallback);
}

const program = new Command();

/** A bad flag value: the reason on stderr and exit code 2, before anything starts. */
function usageError(message: string): never {
  return program.error(`kindling: ${message}`, { exitCode: 2, code: 'kindling.invalidArgument' });
}

/** A flag's whole-number value, at least `min` (and at most `max`), or a usage error. */
function whole(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (Number.isSafeInteger(n) && n >= min && n <= max) return n;
  const what =
    max === 65535 ? 'a port number from 0 to 65535 (0: any free port)' : min === 0 ? 'a whole number, 0 or more' : `a whole number, ${min} or more`;
  return usageError(`${flag} must be ${what}, got '${value}'`);
}

/** Security settings built from flags; what is wrong with them is a usage error. */
function flagged<T>(build: () => T): T {
  try {
    return build();
  } catch (e) {
    return usageError((e as Error).message);
  }
}

/** `{ tls }` when the Connect port's TLS flags are given, `{}` when not; a usage error when half given. */
function tlsOption(o: ConnectTlsFlags): { tls?: ConnectTls } {
  const tls = flagged(() => connectTls(o));
  return tls ? { tls } : {};
}

const positive = (flag: string, value: string): number => whole(flag, value, 1);
const nonNegative = (flag: string, value: string): number => whole(flag, value, 0);
const port = (flag: string, value: string): number => whole(flag, value, 0, 65535);
/** `--session-timeout`: Spark Connect's session idle timeout conf, a positive duration (`60m`, `30s`, `500ms`). */
async function sessionTimeoutConf(value: string | undefined): Promise<{ conf?: Record<string, string> }> {
  if (value === undefined) return {};
  const { SESSION_TIMEOUT_CONF, timeConfMs } = await import('../master/connect/sessions.js');
  let ms = 0;
  try {
    ms = timeConfMs(SESSION_TIMEOUT_CONF, value);
  } catch {
    // The usage error below names the flag.
  }
  if (ms <= 0) usageError(`--session-timeout must be a duration such as 60m, 30s or 500ms, got '${value}'`);
  return { conf: { [SESSION_TIMEOUT_CONF]: value } };
}
/** Where a Redis-backed cluster member keeps its state, and how it proves itself to the others. */
function clusterOptions(command: Command, role: 'master' | 'worker'): Command {
  const peer = role === 'master' ? 'workers' : 'the master';
  return command
    .addOption(opt('--redis <url>', `Redis ${role === 'master' ? 'for checkpoints and state' : 'holding the state'}: redis://[user:password@]host:port, rediss:// (TLS), or redis-cluster://h1:p1,h2:p2,...; ?replicas=N waits for N replicas per write`, 'redis://localhost:6379'))
    .addOption(opt('--redis-password <password>', 'Redis AUTH password when the --redis URL has none'))
    .addOption(opt('--cluster-secret <secret>', `secret shared with ${peer} (required unless --insecure)`))
    .addOption(opt('--cluster-ca <file>', `PEM CA of the cluster: mutual TLS on the cluster${role === 'master' ? '' : ' and worker'} port${role === 'master' ? '' : 's'} (with --cluster-cert, --cluster-key)`))
    .addOption(opt('--cluster-cert <file>', `PEM certificate this ${role} presents to ${peer}, signed by --cluster-ca`))
    .addOption(opt('--cluster-key <file>', 'PEM private key of --cluster-cert'))
    .addOption(opt('--insecure', `run without a cluster secret (trusted networks only)`));
}

/** What a Spark Connect server (local or master) takes: client auth, TLS, the session timeout. */
function connectOptions(command: Command): Command {
  return command
    .addOption(opt('--token <token>', 'require this bearer token from Spark Connect clients and on the HTTP port'))
    .addOption(opt('--tls-cert <file>', 'PEM certificate chain: serve Spark Connect over TLS (with --tls-key)'))
    .addOption(opt('--tls-key <file>', 'PEM private key of --tls-cert'))
    .addOption(opt('--metrics-open', 'serve /metrics without the token (for Prometheus)'))
    .addOption(opt('--session-timeout <duration>', 'release a Spark Connect session idle this long, stopping its queries (e.g. 60m, 30s)'));
}

program.name('kindling').description('A Spark Structured Streaming look-alike cluster in TypeScript, speaking Spark Connect.');

connectOptions(
  program
    .command('local')
    .description('master and in-process workers in one process (in-memory state, file checkpoints)')
    .addOption(opt('--host <host>', 'address to listen on', '0.0.0.0'))
    .addOption(opt('--port <port>', 'Spark Connect port', '15002'))
    .addOption(opt('--workers <n>', 'in-process workers', '2'))
    .addOption(opt('--checkpoint-dir <dir>', 'root for query checkpoints (named queries resume from here)'))
    .addOption(opt('--ui-port <port>', 'HTTP port for the web UI, /api and /metrics (0: any free one; unset: no UI)')),
)
  .addOption(opt('--log-level <level>', 'pino log level', 'info'))
  .action(async (o: { host: string; port: string; workers: string; checkpointDir?: string; token?: string; uiPort?: string; metricsOpen?: boolean; sessionTimeout?: string; logLevel: string } & ConnectTlsFlags) => {
    const log = createLogger(o.logLevel, 'local');
    limitHeapGrowth();
    startMemoryTrace('local');
    const connectPort = port('--port', o.port);
    const { startLocal } = await import('./local.js');
    const local = await startLocal({
      host: o.host,
      port: connectPort,
      workers: positive('--workers', o.workers),
      log,
      ...(o.checkpointDir ? { checkpointDir: o.checkpointDir } : {}),
      ...(o.token ? { token: o.token } : {}),
      ...tlsOption(o),
      ...(o.uiPort !== undefined ? { uiPort: port('--ui-port', o.uiPort) } : {}),
      metricsOpen: o.metricsOpen === true,
      ...(await sessionTimeoutConf(o.sessionTimeout)),
    }).catch((e: unknown) => {
      throw explainListenError('local', e, [{ flag: '--port', port: connectPort }, ...(o.uiPort !== undefined ? [{ flag: '--ui-port', port: port('--ui-port', o.uiPort) }] : [])]);
    });
    const ui = local.uiPort === undefined ? '' : `, UI http://localhost:${local.uiPort}`;
    process.stdout.write(`kindling local: Spark Connect on sc://localhost:${local.port} with ${o.workers} workers${ui}\n`);
    const shutdown = (): void => {
      log.info('shutting down');
      void local.close().then(() => process.exit(0));
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });

connectOptions(
  clusterOptions(
    program
      .command('master')
      .description('the cluster master: Spark Connect, planning, the micro-batch driver, workers registry; state and checkpoints in Redis')
      .addOption(opt('--host <host>', 'address to listen on', '0.0.0.0'))
      .addOption(opt('--port <port>', 'Spark Connect port', '15002'))
      .addOption(opt('--cluster-port <port>', 'port workers register on', '7077'))
      .addOption(opt('--ui-port <port>', 'HTTP port: /healthz, /metrics, /api', '8080')),
    'master',
  ),
)
  .addOption(opt('--worker-timeout <ms>', 'a worker without heartbeats for this long is dead', '10000'))
  .addOption(opt('--log-level <level>', 'pino log level', 'info'))
  .action(
    async (o: {
      host: string;
      port: string;
      clusterPort: string;
      uiPort: string;
      redis: string;
      redisPassword?: string;
      token?: string;
      metricsOpen?: boolean;
      workerTimeout: string;
      sessionTimeout?: string;
      logLevel: string;
    } & ClusterSecurityFlags & ConnectTlsFlags) => {
      const log = createLogger(o.logLevel, 'master');
      limitHeapGrowth();
      startMemoryTrace('master');
      const { startMaster } = await import('./master.js');
      const ports = { port: port('--port', o.port), clusterPort: port('--cluster-port', o.clusterPort), uiPort: port('--ui-port', o.uiPort) };
      const master = await startMaster({
        host: o.host,
        ...ports,
        redis: o.redis,
        ...(o.redisPassword ? { redisPassword: o.redisPassword } : {}),
        workerTimeoutMs: positive('--worker-timeout', o.workerTimeout),
        log,
        ...(o.token ? { token: o.token } : {}),
        metricsOpen: o.metricsOpen === true,
        ...(await sessionTimeoutConf(o.sessionTimeout)),
        ...tlsOption(o),
        cluster: flagged(() => clusterSecurity('master', o)),
      }).catch((e: unknown) => {
        throw explainListenError('master', e, [
          { flag: '--port', port: ports.port },
          { flag: '--cluster-port', port: ports.clusterPort },
          { flag: '--ui-port', port: ports.uiPort },
        ]);
      });
      if (o.insecure === true && !o.clusterSecret) log.warn({ component: 'cluster' }, '--insecure: the cluster port accepts workers without a secret');
      process.stdout.write(
        `kindling master: Spark Connect on sc://localhost:${master.port}, cluster kindling://localhost:${master.clusterPort}, HTTP http://localhost:${master.uiPort}\n`,
      );
      const shutdown = (): void => void master.close().then(() => process.exit(0));
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
    },
  );

clusterOptions(
  program
    .command('worker')
    .description('a cluster worker: runs stage tasks, owns state partitions in Redis')
    .addOption(opt('--master <url>', 'the master to register with', 'kindling://localhost:7077'))
    .addOption(opt('--host <host>', 'address to listen on', '0.0.0.0'))
    .addOption(opt('--port <port>', 'port for tasks and shuffle (0: any free one; the master learns it when the worker registers)', '0'))
    .addOption(opt('--advertise-host <host>', 'host other members reach this worker at (default: this hostname)'))
    .addOption(opt('--cores <n>', 'task slots to offer', '1')),
  'worker',
)
  .addOption(opt('--metrics-port <port>', 'HTTP port for /healthz, /readyz, /metrics (default: none; 0: any free one)'))
  .addOption(opt('--metrics-open', 'serve /metrics without the cluster secret (for Prometheus)'))
  .addOption(opt('--log-level <level>', 'pino log level', 'info'))
  .action(
    async (o: {
      master: string;
      redis: string;
      redisPassword?: string;
      host: string;
      port: string;
      advertiseHost?: string;
      cores: string;
      metricsPort?: string;
      metricsOpen?: boolean;
      logLevel: string;
    } & ClusterSecurityFlags) => {
      const log = createLogger(o.logLevel, 'worker');
      limitHeapGrowth();
      startMemoryTrace('worker');
      const { startWorkerProcess } = await import('./worker.js');
      const taskPort = port('--port', o.port);
      const metricsPort = o.metricsPort === undefined || o.metricsPort === '' ? undefined : port('--metrics-port', o.metricsPort);
      const { worker, close } = await startWorkerProcess({
        master: o.master,
        redis: o.redis,
        ...(o.redisPassword ? { redisPassword: o.redisPassword } : {}),
        host: o.host,
        port: taskPort,
        advertiseHost: o.advertiseHost || hostname(),
        cores: positive('--cores', o.cores),
        cluster: flagged(() => clusterSecurity('worker', o)),
        log,
        ...(metricsPort === undefined ? {} : { metricsPort }),
        metricsOpen: o.metricsOpen === true,
      }).catch((e: unknown) => {
        throw explainListenError('worker', e, [{ flag: '--port', port: taskPort }, ...(metricsPort === undefined ? [] : [{ flag: '--metrics-port', port: metricsPort }])]);
      });
      if (o.insecure === true && !o.clusterSecret) log.warn({ component: 'worker' }, '--insecure: the worker port accepts calls without a secret');
      const metrics = worker.metricsPort === undefined ? '' : `, metrics on :${worker.metricsPort}`;
      process.stdout.write(`kindling worker ${worker.id} on ${o.advertiseHost || hostname()}:${worker.port}${metrics}\n`);
      let stopping = false;
      process.on('SIGTERM', () => {
        if (stopping) return;
        stopping = true;
        void worker.shutdown().then(close).then(() => process.exit(0));
      });
      process.on('SIGINT', () => void worker.close().then(close).then(() => process.exit(0)));
    },
  );

program
  .command('feed')
  .description('a line server for socket sources, like `nc -lk`: a file (or a generated corpus) to every connection, or stdin')
  .addOption(opt('--port <port>', 'port to listen on', '9999'))
  .addOption(opt('--host <host>', 'address to listen on', '0.0.0.0'))
  .addOption(opt('--file <file>', 'serve the lines of this file to every connection'))
  .addOption(opt('--corpus <lines>', 'serve a generated corpus of this many lines'))
  .addOption(opt('--rate <linesPerSecond>', 'lines per second per connection (0: as fast as possible)', '0'))
  .addOption(opt('--loop', 'repeat the lines forever'))
  .addOption(opt('--log-level <level>', 'pino log level', 'info'))
  .action(async (o: { port: string; host: string; file?: string; corpus?: string; rate: string; loop?: boolean; logLevel: string }) => {
    const log = createLogger(o.logLevel, 'feed');
    const [{ readLines, startFeeder }, { generateCorpus }] = await Promise.all([import('./feed.js'), import('./corpus.js')]);
    const lines = o.file ? await readLines(o.file) : o.corpus ? generateCorpus({ lines: positive('--corpus', o.corpus) }) : undefined;
    const feedPort = port('--port', o.port);
    const feeder = await startFeeder({ port: feedPort, host: o.host, rate: nonNegative('--rate', o.rate), loop: o.loop === true, log, ...(lines ? { lines } : {}) }).catch(
      (e: unknown) => {
        throw explainListenError('feed', e, [{ flag: '--port', port: feedPort }]);
      },
    );
    process.stderr.write(`kindling feed: listening on ${o.host}:${feeder.port}${lines ? '' : ' (type lines; they go to every client)'}\n`);
    process.once('SIGINT', () => void feeder.close().then(() => process.exit(0)));
    process.once('SIGTERM', () => void feeder.close().then(() => process.exit(0)));
  });

program
  .command('shell')
  .description('a Node REPL with `spark` and `F` bound to a remote session')
  .addOption(opt('--remote <url>', 'Spark Connect URL', 'sc://localhost:15002'))
  .action(async (o: { remote: string }) => {
    const { startShell } = await import('./shell.js');
    await startShell(o.remote);
    process.exit(0);
  });

program
  .command('demo')
  .description('local mode + a feeder on a generated corpus + the seed word-count queries, printing their tables')
  .addOption(opt('--port <port>', 'Spark Connect port', '15002'))
  .addOption(opt('--feed-port <port>', 'port of the line feeder', '9999'))
  .addOption(opt('--workers <n>', 'in-process workers', '2'))
  .addOption(opt('--ui-port <port>', 'HTTP port for the web UI (0: any free one)', '8080'))
  .addOption(opt('--rate <linesPerSecond>', 'lines per second fed', '200'))
  .addOption(opt('--interval <seconds>', 'seconds between table prints', '5'))
  .addOption(opt('--duration <seconds>', 'stop after this many seconds (0: until Ctrl-C)', '0'))
  .addOption(opt('--checkpoint-dir <dir>', 'root for query checkpoints'))
  .addOption(opt('--log-level <level>', 'pino log level', 'warn'))
  .action(
    async (o: { port: string; feedPort: string; uiPort: string; workers: string; rate: string; interval: string; duration: string; checkpointDir?: string; logLevel: string }) => {
      const ports = { port: port('--port', o.port), feedPort: port('--feed-port', o.feedPort), uiPort: port('--ui-port', o.uiPort) };
      const { runDemo } = await import('./demo.js');
      await runDemo({
        ...ports,
        workers: positive('--workers', o.workers),
        rate: nonNegative('--rate', o.rate),
        intervalSeconds: positive('--interval', o.interval),
        durationSeconds: nonNegative('--duration', o.duration),
        log: createLogger(o.logLevel, 'demo'),
        ...(o.checkpointDir ? { checkpointDir: o.checkpointDir } : {}),
      }).catch((e: unknown) => {
        throw explainListenError('demo', e, [
          { flag: '--port', port: ports.port },
          { flag: '--feed-port', port: ports.feedPort },
          { flag: '--ui-port', port: ports.uiPort },
        ]);
      });
      process.exit(0);
    },
  );

program.parseAsync(process.argv).catch((e: unknown) => {
  process.stderr.write(`kindling: ${(e as Error).message}\n`);
  process.exit(1);
});
