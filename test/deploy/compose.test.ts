import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The compose implementation on this machine: the `docker compose` plugin, else `docker-compose`. */
function composeCommand(): string | undefined {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return 'docker compose';
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return 'docker-compose';
  return undefined;
}

/** Why no Docker engine can run the real test here, or undefined when one can. */
function noEngine(): string | undefined {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.error) return 'no docker command';
  if (info.status !== 0) return `docker info failed: ${(info.stderr || '').trim().split('\n')[0] ?? ''}`;
  if (composeCommand() === undefined) return 'no compose implementation (docker compose or docker-compose)';
  return undefined;
}

/** Runs a command with its output passed through; resolves with its exit code and output. */
function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 600_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    // `timeout`: Node sends SIGTERM to a command still running after timeoutMs.
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGTERM' });
    let out = '';
    const take = (d: Buffer): void => {
      out += d.toString();
      process.stdout.write(d);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.once('exit', (code) => resolve({ code, out }));
  });
}

const why = noEngine();

describe('docker-compose.yml in real containers', () => {
  it(
    why === undefined ? 'comes up, scales, survives a stopped and a killed worker and a restarted master, with exact counts' : 'falls back to the process-based compose test',
    async () => {
      if (why !== undefined) {
        console.log(`test/deploy: no Docker engine (${why}); running the process-based compose test (test/cluster/compose.test.ts) instead`);
        const fallback = await run(process.execPath, [fileURLToPath(new URL('../../node_modules/vitest/vitest.mjs', import.meta.url)), 'run', 'test/cluster/compose.test.ts']);
        expect(fallback.code).toBe(0);
        return;
      }
      const images = await run('bash', ['test/deploy/stand-in-images.sh']);
      expect(images.code).toBe(0);
      const venv = await run('bash', ['test/compat/setup.sh']);
      expect(venv.code).toBe(0);
      // One compose test at a time per machine: they share the kindling:latest tag.
      const scenario = await run('flock', ['/tmp/kindling-compose-test.lock', 'test/compat/.venv/bin/python', 'test/deploy/compose_scenario.py'], {
        COMPOSE: composeCommand(),
        PYTHONDONTWRITEBYTECODE: '1',
      });
      expect(scenario.code).toBe(0);
      const summary = JSON.parse(/^\{"ok".*$/m.exec(scenario.out)?.[0] ?? '{}') as { ok?: boolean; words?: number };
      expect(summary.ok).toBe(true);
      expect(summary.words).toBe(25);
    },
    900_000,
  );
});
