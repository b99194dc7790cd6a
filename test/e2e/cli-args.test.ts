import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** bin/kindling.js, from the source tree (vitest) or from dist/ (as process.ts finds it). */
const BIN = [new URL('../../bin/kindling.js', import.meta.url), new URL('../../../bin/kindling.js', import.meta.url)]
  .map((u) => fileURLToPath(u))
  .find((p) => existsSync(p)) as string;

/** Runs `kindling <args>` (the built package) to its exit; a valid command would keep running, so a timeout fails. */
function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): { status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 15_000, killSignal: 'SIGKILL' });
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
