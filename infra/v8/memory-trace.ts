import { appendFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

/**
 * With `KINDLING_MEMORY_TRACE=<file>`, a server process appends one JSON line every 100 ms:
 * wall-clock ms, its role (`master`, `worker`, `local`), pid, and `process.memoryUsage()` in MB
 * (rss, V8 heap total and used, external, array buffers) and its CPU time so far in ms (user +
 * system: what a change costs, less disturbed by a busy machine than wall-clock time), and the heap's
 * committed size by space (`new`: the young generation, `old`, `code`, `lo`: large objects, MB). For
 * finding what holds a peak; off by default. The timer is unref'd so it never keeps a process alive.
 */
export function startMemoryTrace(role: string): void {
  const file = process.env['KINDLING_MEMORY_TRACE'];
  if (!file) return;
  const mb = (n: number): number => Math.round(n / 1024 ** 2);
  setInterval(() => {
    const m = process.memoryUsage();
    const cpu = process.cpuUsage();
    const line = { t: Date.now(), role, pid: process.pid, rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers), cpuMs: Math.round((cpu.user + cpu.system) / 1000), spaces: spaces(mb) };
    try {
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    } catch {
      // A trace that cannot be written is no reason to disturb the process.
    }
  }, 100).unref();
}

/** Committed MB by heap space, the young generation's two spaces added up as `new`. */
function spaces(mb: (n: number) => number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of getHeapSpaceStatistics()) {
    const name = s.space_name.replace(/_space$/, '').replace(/^new_large_object$/, 'new').replace(/^large_object$/, 'lo');
    out[name] = (out[name] ?? 0) + s.space_size;
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, mb(v)]));
}
