import { readFileSync, readdirSync } from 'node:fs';

/** The processes that make up an engine under test: the JVM, Kindling's node processes, redis-server. */
const ENGINE_COMMANDS = new Set(['java', 'node', 'redis-server']);

interface Proc {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // comm may hold spaces and parentheses: it runs from the first '(' to the last ')'.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      out.push({ pid: Number(name), ppid, comm });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return out;
}

function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Samples, every `intervalMs`, the summed resident memory of this process's descendants that are
 * engine processes (java, node, redis-server; not the Python client or launcher) and keeps the
 * peak of that sum: the memory the engine under test needed at once, whatever its process count.
 */
export class EngineRssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 200) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): number {
    const all = processes();
    const children = new Map<number, Proc[]>();
    for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    let sum = 0;
    const stack = [...(children.get(process.pid) ?? [])];
    for (let p = stack.pop(); p; p = stack.pop()) {
      if (ENGINE_COMMANDS.has(p.comm)) sum += rssBytes(p.pid);
      stack.push(...(children.get(p.pid) ?? []));
    }
    this.peak = Math.max(this.peak, sum);
    return sum;
  }

  /** Stops sampling and returns the peak in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}
