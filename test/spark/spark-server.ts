import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { withDeadline } from '../support/eventually.js';

const compiled = dirname(fileURLToPath(import.meta.url));
// Run from dist/ (npm run bench:spark), the scripts are in the source tree.
const here = existsSync(join(compiled, 'setup.sh')) ? compiled : join(compiled, '..', '..', '..', 'test', 'spark');

/** The venv's python, made (or reused from the machine cache) by test/spark/setup.sh. */
export async function sparkPython(): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [join(here, 'setup.sh')], { maxBuffer: 16 * 1024 * 1024 });
  const python = stdout.trim().split('\n').pop() ?? '';
  if (!existsSync(python)) throw new Error(`test/spark/setup.sh did not produce a python (${python})`);
  return python;
}

export interface SparkConnectServer {
  readonly port: number;
  readonly url: string;
  readonly sparkVersion: string;
  readonly logFile: string;
  /** Stops the JVM (the launcher kills its whole process group) and waits for the launcher to exit. */
  stop(): Promise<void>;
}

/**
 * Starts a real Spark Connect server through test/spark/connect_server.py and resolves once its
 * gRPC port accepts connections. The launcher watches our pipe to its stdin: if this process dies,
 * the pipe closes and the JVM is killed too.
 */
export async function startSparkConnect(conf: Record<string, string> = {}, timeoutMs = 240_000): Promise<SparkConnectServer> {
  const python = await sparkPython();
  const args = [join(here, 'connect_server.py')];
  for (const [k, v] of Object.entries(conf)) args.push('--conf', `${k}=${v}`);
  const child = spawn(python, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const started = new Promise<{ port: number; log: string; sparkVersion: string }>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once('line', (line) => {
      try {
        resolve(JSON.parse(line) as { port: number; log: string; sparkVersion: string });
      } catch {
        killLauncher(child);
        reject(new Error(`unexpected launcher output: ${line}`));
      }
    });
    void exited.then((code) => reject(new Error(`Spark Connect launcher exited with ${code}\n${stderr}`)));
  });
  const ready = await withDeadline(started, timeoutMs, 'the Spark Connect launcher').catch((e: unknown) => {
    killLauncher(child);
    throw new Error(`Spark Connect server did not start within ${timeoutMs} ms (${String(e)})\n${stderr}`);
  });

  return {
    port: ready.port,
    url: `sc://127.0.0.1:${ready.port}`,
    sparkVersion: ready.sparkVersion,
    logFile: ready.log,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      await withDeadline(exited, 30_000, 'the Spark Connect launcher to exit').catch(() => {
        killLauncher(child);
        return exited;
      });
    },
  };
}

function killLauncher(child: ChildProcess): void {
  // SIGTERM lets the launcher kill the JVM group; it never ignores it.
  child.kill('SIGTERM');
}

/** The end of the server log, for failure messages. */
export function logTail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
