import { appendFileSync, readFileSync, readdirSync } from 'node:fs';

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

/** A node process's role: the `kindling` command it runs (master, worker, local), from its argv. */
function roleOf(p: Proc): string {
  if (p.comm !== 'node') return p.comm;
  try {
    const argv = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0');
    const bin = argv.findIndex((a) => a.endsWith('kindling.js'));
    return bin >= 0 && argv[bin + 1] ? argv[bin + 1]! : 'node';
  } catch {
    return 'node';
  }
}

/** Bytes per process, labelled by role (`master`, `worker-0`, `redis-server`, `java`, ...). */
export type RssBreakdown = Readonly<Record<string, number>>;

/**
 * Samples, every `intervalMs`, the summed resident memory of this process's descendants that are
 * engine processes (java, node, redis-server; not the Python client or launcher) and keeps the
 * peak of that sum: the memory the engine under test needed at once, whatever its process count.
 * It also keeps each process's own peak and what each held at the moment of the summed peak, to
 * tell which process the peak comes from.
 */
export class EngineRssSampler {
  private peak = 0;
  private atPeak: Record<string, number> = {};
  private readonly own: Record<string, number> = {};
  private latest: Record<string, number> = {};
  /** Labels by pid, given in order of first sight so `worker-0` is the first worker started. */
  private readonly labels = new Map<number, string>();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 200) {
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private label(p: Proc): string {
    let l = this.labels.get(p.pid);
    if (l === undefined) {
      const role = roleOf(p);
      const same = [...this.labels.values()].filter((x) => x === role || x.startsWith(`${role}-`)).length;
      l = role === 'worker' ? `worker-${same}` : same === 0 ? role : `${role}-${same}`;
      this.labels.set(p.pid, l);
    }
    return l;
  }

  sample(): number {
    const all = processes();
    const children = new Map<number, Proc[]>();
    for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
    let sum = 0;
    const now: Record<string, number> = {};
    const stack = [...(children.get(process.pid) ?? [])];
    for (let p = stack.pop(); p; p = stack.pop()) {
      if (ENGINE_COMMANDS.has(p.comm)) {
        const bytes = rssBytes(p.pid);
        const l = this.label(p);
        sum += bytes;
        now[l] = (now[l] ?? 0) + bytes;
        this.own[l] = Math.max(this.own[l] ?? 0, now[l]);
      }
      stack.push(...(children.get(p.pid) ?? []));
    }
    const trace = process.env['KINDLING_MEMORY_TRACE'];
    if (trace) appendFileSync(trace, `${JSON.stringify({ t: Date.now(), role: 'sampler', sum: Math.round(sum / 1024 ** 2), ...Object.fromEntries(Object.entries(now).map(([k, v]) => [k, Math.round(v / 1024 ** 2)])) })}\n`);
    this.latest = now;
    if (sum > this.peak) {
      this.peak = sum;
      this.atPeak = now;
    }
    return sum;
  }

  /** Stops sampling and returns the peak in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }

  /** What each process held at the last sample. */
  current(): RssBreakdown {
    return { ...this.latest };
  }

  /** Each process at the summed peak, and each process's own peak (which may fall at other times). */
  breakdown(): { readonly atPeak: RssBreakdown; readonly ownPeak: RssBreakdown } {
    return { atPeak: { ...this.atPeak }, ownPeak: { ...this.own } };
  }
}

/** `master 389 / worker-0 425 / ...` in MB, sorted by label. */
export function formatBreakdown(b: RssBreakdown): string {
  return Object.keys(b)
    .sort()
    .map((k) => `${k} ${Math.round((b[k] ?? 0) / 1024 ** 2)}`)
    .join(' / ');
}

/** With `KINDLING_MEMORY_TRACE=<file>`: a line naming what the bench starts now, to read the trace by phase. */
export function tracePhase(phase: string): void {
  const trace = process.env['KINDLING_MEMORY_TRACE'];
  if (trace) appendFileSync(trace, `${JSON.stringify({ t: Date.now(), role: 'bench', phase })}\n`);
}
