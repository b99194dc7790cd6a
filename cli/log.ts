import { pino, type Logger } from 'pino';

/**
 * Structured JSON logs on stderr (stdout stays for tables and the console sink). The root carries
 * the process; each part adds its own `component` (connect, query, scheduler, ...) as a child.
 */
export function createLogger(level: string, process_: string): Logger {
  return pino({ level, base: { process: process_, pid: process.pid } }, pino.destination(2));
}
