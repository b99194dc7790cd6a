/** A port a command listens on, with the flag and environment variable that set it. */
export interface PortFlag {
  readonly flag: string;
  readonly port: number;
}

/** `--metrics-port` → `KINDLING_METRICS_PORT` (every flag reads its variable: cli/main.ts `opt`). */
export function envOf(flag: string): string {
  return `KINDLING_${flag.replace(/^--/, '').toUpperCase().replace(/-/g, '_')}`;
}

/**
 * Turns a failed listen (`EADDRINUSE`, from Node or from gRPC's bind) into a message naming the
 * flag and the variable to change; other errors come back unchanged. The port is read from the
 * error; when it names none, every fixed port of the command is a suspect.
 */
export function explainListenError(command: string, e: unknown, ports: readonly PortFlag[]): unknown {
  const err = e as { code?: unknown; port?: unknown; message?: unknown };
  const message = typeof err.message === 'string' ? err.message : String(e);
  if (err.code !== 'EADDRINUSE' && !message.includes('EADDRINUSE')) return e;
  const port = typeof err.port === 'number' ? err.port : Number(/:(\d+)\]?\s*$/.exec(message)?.[1] ?? /EADDRINUSE[^\d]*(?:[\d.]+|\[[^\]]*\]):(\d+)/.exec(message)?.[1]);
  const named = ports.filter((p) => p.port === port);
  const suspects = named.length > 0 ? named : ports.filter((p) => p.port !== 0);
  const which = suspects.map((p) => `${p.flag} (env ${envOf(p.flag)})`).join(' or ');
  return new Error(
    `${command} port ${Number.isFinite(port) ? port : '?'} is already in use; set ${which || 'the port flags'} to a free port, or 0 for any free one`,
    { cause: e },
  );
}
