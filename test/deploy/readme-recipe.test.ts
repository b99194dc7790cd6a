import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SparkSession } from '../../client/index.js';
import { startWordCounts, waitForCounts } from '../cluster/word-count.js';
import { LineServer, burst } from '../e2e/process.js';
import { freePort } from '../support/redis-server.js';
import { eventually } from '../support/eventually.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The shell block under `<!-- recipe: one host -->` in README.md, as written. */
function recipe(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- recipe: one host -->\s*```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no "recipe: one host" sh block');
  return block.split('\n').filter((l) => l.trim() !== '');
}

/**
 * The README's process recipe run as written, on one host, two workers. What this host forbids
 * (the default ports are other developers' here) is changed only through documented flags added
 * after the written ones (the last value of a flag wins): ports and the Redis URL. `kindling` is
 * this checkout's bin/kindling.js.
 */
describe("README's one-host process recipe", () => {
  let shell: ChildProcess | undefined;
  let dir: string | undefined;
  let spark: SparkSession | undefined;
  let feed: LineServer | undefined;

  afterAll(async () => {
    await spark?.stop().catch(() => undefined);
    await feed?.close();
    if (shell?.pid !== undefined) {
      // The recipe's processes run in the shell's process group; SIGTERM lets workers deregister.
      const group = -shell.pid;
      try {
        process.kill(group, 'SIGTERM');
      } catch {
        // already gone
      }
      const gone = (): boolean => {
        try {
          process.kill(group, 0);
          return false;
        } catch {
          return true;
        }
      };
      await eventually(gone, { timeoutMs: 1500, message: "the recipe's processes to exit on SIGTERM" }).catch(() => undefined);
      try {
        process.kill(group, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('starts Redis, a master and two workers that run the seed query with exact counts', async () => {
    const lines = recipe();
    expect(lines.filter((l) => /^kindling worker\b/.test(l)).length).toBeGreaterThanOrEqual(2);
    dir = mkdtempSync(join(tmpdir(), 'kindling-recipe-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'kindling'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/kindling.js')}" "$@"\n`);
    chmodSync(join(bin, 'kindling'), 0o755);

    const ports = { redis: await freePort(), connect: await freePort(), cluster: await freePort(), ui: await freePort() };
    const redisUrl = `redis://localhost:${ports.redis}`;
    const extra = (line: string): string => {
      if (/^redis-server\b/.test(line)) return ` --port ${ports.redis} --dir ${dir} --save ''`;
      if (/^kindling master\b/.test(line)) return ` --port ${ports.connect} --cluster-port ${ports.cluster} --ui-port ${ports.ui} --redis ${redisUrl}`;
      if (/^kindling worker\b/.test(line)) return ` --master kindling://localhost:${ports.cluster} --redis ${redisUrl}`;
      return '';
    };
    const script = lines
      .map((l) => {
        // Flags go before the comment and the trailing `&`.
        const m = /^(.*?)(\s*&)?(\s+#.*)?$/.exec(l) as RegExpExecArray;
        return `${m[1]}${extra(m[1] as string)}${m[2] ?? ''}${m[3] ?? ''}`;
      })
      .join('\n');
    let out = '';
    shell = spawn('bash', ['-c', `set -e\n${script}\nwait`], {
      cwd: dir,
      detached: true,
      env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    shell.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    shell.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));

    const workers = async (): Promise<number> => {
      const res = await fetch(`http://127.0.0.1:${ports.ui}/api/workers`).catch(() => undefined);
      const ws = res?.ok ? ((await res.json()) as { state: string }[]) : [];
      return ws.filter((w) => w.state === 'ALIVE').length;
    };
    await eventually(async () => (await workers()) === 2, { timeoutMs: 60_000, message: 'two workers registered' }).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}\n${script}\n${out.slice(-6000)}`);
    });

    feed = await LineServer.start();
    const f = feed;
    spark = await SparkSession.builder().remote(`sc://localhost:${ports.connect}`).appName('readme-recipe').getOrCreate();
    await spark.conf.set('spark.sql.shuffle.partitions', '8');
    const q = await startWordCounts(spark, f.port, 'wc_recipe');
    await f.waitForConnections(1);
    const expected = new Map<string, number>();
    for (const k of [1, 2]) {
      const b = burst(k, 5);
      b.counts.forEach((n, w) => expected.set(w, n));
      f.broadcast(b.lines);
    }
    const counts = await waitForCounts(spark, 'wc_recipe', expected, 60_000);
    for (const [w, n] of expected) expect(counts.get(w), `${w}\n${out.slice(-6000)}`).toBe(2 * n);
    expect(await q.exception()).toBeNull();
    await q.stop();
  }, 120_000);
});
