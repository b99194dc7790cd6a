import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** bin/kindling.js, from the source tree (vitest) or from dist/ (as process.ts finds it). */
const BIN = [new URL('../../bin/kindling.js', import.meta.url), new URL('../../../bin/kindling.js', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((p) => existsSync(p)) as string;

/** Runs `kindling <args>` (the built package) to its exit; a valid command would keep running, so a timeout fails. */
function run(args: readonly string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 15_000): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' });
  return { status: r.status, stderr: r.stderr };
}

describe('kindling flags are checked before anything starts', () => {
  it.each([
    [['local', '--workers', '0'], "kindling: --workers must be a whole number, 1 or more, got '0'"],
    [['local', '--workers', 'two'], "kindling: --workers must be a whole number, 1 or more, got 'two'"],
    [['local', '--port', '70000'], "kindling: --port must be a port number from 0 to 65535 (0: any free port), got '70000'"],
    [['local', '--port', '-1'], "kindling: --port must be a port number from 0 to 65535 (0: any free port), got '-1'"],
    [['worker', '--cores', '0'], "kindling: --cores must be a whole number, 1 or more, got '0'"],
    [['worker', '--metrics-port', '1.5'], "kindling: --metrics-port must be a port number from 0 to 65535 (0: any free port), got '1.5'"],
    [['master', '--worker-timeout', '0'], "kindling: --worker-timeout must be a whole number, 1 or more, got '0'"],
    [['local', '--session-timeout', 'soon'], "kindling: --session-timeout must be a duration such as 60m, 30s or 500ms, got 'soon'"],
    [['master', '--session-timeout', '0s'], "kindling: --session-timeout must be a duration such as 60m, 30s or 500ms, got '0s'"],
    [['master', '--ui-port', 'x'], "kindling: --ui-port must be a port number from 0 to 65535 (0: any free port), got 'x'"],
    [['feed', '--rate', '-5'], "kindling: --rate must be a whole number, 0 or more, got '-5'"],
    [['feed', '--corpus', '0'], "kindling: --corpus must be a whole number, 1 or more, got '0'"],
    [['demo', '--workers', '0'], "kindling: --workers must be a whole number, 1 or more, got '0'"],
    [['demo', '--interval', '0'], "kindling: --interval must be a whole number, 1 or more, got '0'"],
  ])('%j: a clear message and exit code 2', (args, message) => {
    const r = run(args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(message);
  });

  it('the KINDLING_* variables are checked the same way', () => {
    const r = run(['local'], { KINDLING_WORKERS: '0' });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("kindling: --workers must be a whole number, 1 or more, got '0'");
  });
});

describe('a port already in use', () => {
  /** Holds a port on 0.0.0.0 (where the commands listen) until the returned close is called. */
  async function busy(): Promise<{ port: number; close: () => Promise<void> }> {
    const { createServer } = await import('node:net');
    const s = createServer();
    await new Promise<void>((r) => s.listen(0, '0.0.0.0', () => r()));
    const port = (s.address() as { port: number }).port;
    return { port, close: () => new Promise((r) => s.close(() => r())) };
  }

  it.each([
    ['worker', '--metrics-port', 'KINDLING_METRICS_PORT'],
    ['worker', '--port', 'KINDLING_PORT'],
    ['master', '--ui-port', 'KINDLING_UI_PORT'],
    ['feed', '--port', 'KINDLING_PORT'],
  ])('%s %s: names the flag and its variable', { timeout: 60_000 }, async (command, flag, env) => {
    const held = await busy();
    try {
      // Nothing reachable is needed: the port is taken before any connection is made.
      const rest: Record<string, string[]> = {
        worker: ['--master', 'kindling://127.0.0.1:1', '--redis', 'redis://127.0.0.1:1', '--cluster-secret', 's'],
        master: ['--port', '0', '--cluster-port', '0', '--redis', 'redis://127.0.0.1:1', '--cluster-secret', 's'],
        feed: [],
      };
      // A busy shared machine can take many seconds to start a process: a generous deadline.
      const r = run([command, flag, String(held.port), ...(rest[command] ?? [])], {}, 50_000);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(`${command} port ${held.port} is already in use; set ${flag} (env ${env}) to a free port, or 0 for any free one`);
    } finally {
      await held.close();
    }
  });
});
