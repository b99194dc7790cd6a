import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startClusterServer } from '../../../master/cluster/cluster-server.js';
import { WorkerRegistry } from '../../../master/cluster/worker-registry.js';
import { startWorker, type WorkerProcess } from '../../../worker/worker-process.js';
import { freePort } from '../../support/redis-server.js';
import { eventually } from '../../support/eventually.js';

/** The keys of a JSON object's top level, in order and with repeats (JSON.parse keeps only the last). */
function topLevelKeys(json: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  for (let i = 0; i < json.length; i++) {
    const ch = json[i];
    if (ch === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      if (depth === 1 && /^\s*:/.test(json.slice(j + 1))) keys.push(JSON.parse(json.slice(i, j + 1)) as string);
      i = j;
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
  }
  return keys;
}

/** A pino logger writing JSON lines into `lines`, as the CLI's logger writes them to stderr. */
function capture(lines: string[]): pino.Logger {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  return pino({ level: 'info', base: { process: 'worker', pid: process.pid } }, sink);
}

describe('worker log lines', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('name component and workerId once each, through the master link too', async () => {
    const security = { secret: 's3cret' };
    const masterLog = pino({ level: 'silent' });
    const registry = new WorkerRegistry({ security, workerTimeoutMs: 60_000, heartbeatIntervalMs: 200, log: masterLog });
    closers.push(() => Promise.resolve(registry.close()));
    const master = await startClusterServer({ registry, host: '127.0.0.1', port: 0, security, log: masterLog });
    closers.push(master.close);

    const lines: string[] = [];
    const start = (masterPort: number, workerId: string): Promise<WorkerProcess> =>
      startWorker({ master: `kindling://127.0.0.1:${masterPort}`, host: '127.0.0.1', port: 0, advertiseHost: '127.0.0.1', cores: 1, security, stateStores: [], workerId, log: capture(lines) });
    const registered = await start(master.port, 'w-registered');
    closers.push(() => registered.close());
    // A master port nothing listens on: the link warns that the master is unreachable.
    const lonely = await start(await freePort(), 'w-lonely');
    closers.push(() => lonely.close());

    const logged = (msg: string): boolean => lines.some((l) => (JSON.parse(l) as { msg?: string }).msg === msg);
    await eventually(() => logged('registered with the master'), 'the registration line');
    await eventually(() => logged('master unreachable'), 'the unreachable-master line');
    expect(logged('worker started')).toBe(true);
    for (const line of lines) {
      const keys = topLevelKeys(line);
      expect(keys.filter((k, i) => keys.indexOf(k) !== i), line).toEqual([]);
      const o = JSON.parse(line) as { component?: string; workerId?: string };
      expect(o.component, line).toBe('worker');
      expect(o.workerId, line).toMatch(/^w-(registered|lonely)$/);
    }
  });
});
