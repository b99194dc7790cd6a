import { cpus, loadavg, release, totalmem } from 'node:os';
import type { RssBreakdown } from '../process-rss.js';
import type { SoakRun, SoakSample } from './run-soak.js';

/** Seconds after the start when the first 60 s windows have closed (window + 5 s watermark + a batch or two). */
export const WARM_UP_SECONDS = 75;

const mb = (bytes: number): number => Math.round(bytes / 1024 ** 2);
const mean = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** The last sample at or before each report point (every minute on long runs, every sample on short ones). */
function reportPoints(run: SoakRun): SoakSample[] {
  const every = run.options.seconds >= 180 ? 60 : Math.max(1, Math.round(run.options.sampleMs / 1000));
  const out: SoakSample[] = [];
  for (let t = every; t <= run.options.seconds + 1; t += every) {
    const at = run.samples.filter((s) => s.second <= t).at(-1);
    if (at && out.at(-1) !== at) out.push(at);
  }
  return out;
}

/**
 * How the summed RSS moved once the state had levelled off: the mean of the minute after warm-up
 * against the mean of the last minute (null when the run is too short to have both).
 */
export function growthAfterWarmUp(run: SoakRun): { readonly early: number; readonly late: number } | null {
  const end = run.samples.at(-1)?.second ?? 0;
  if (end < WARM_UP_SECONDS + 120) return null;
  const early = mean(run.samples.filter((s) => s.second >= WARM_UP_SECONDS && s.second < WARM_UP_SECONDS + 60).map((s) => s.rssSum));
  const late = mean(run.samples.filter((s) => s.second > end - 60).map((s) => s.rssSum));
  return { early, late };
}

/**
 * Redis's AOF rewrites are forks of redis-server, each labelled anew by the sampler
 * (`redis-server-7`, ...): shown as one column, what the forks held at that moment.
 */
const FORK = /^redis-server-\d+$/;
const columns = (rss: RssBreakdown): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [role, bytes] of Object.entries(rss)) {
    const col = FORK.test(role) ? 'redis forks' : role;
    out[col] = (out[col] ?? 0) + bytes;
  }
  return out;
};

function table(run: SoakRun): string[] {
  const points = reportPoints(run).map((p) => ({ ...p, rss: columns(p.rss) }));
  const roles = [...new Set(points.flatMap((p) => Object.keys(p.rss)))].sort();
  const head = ['second', 'batches', 'words/s (since last row)', 'state rows', 'state MB', 'RSS sum MB', ...roles.map((r) => `${r} MB`)];
  const rows = points.map((p, i) => {
    const prev = points[i - 1];
    const secs = p.second - (prev?.second ?? 0);
    const words = ((p.lines - (prev?.lines ?? 0)) * 10) / Math.max(1, secs);
    return [p.second, p.batchId + 1, Math.round(words), p.stateRows, mb(p.stateBytes), mb(p.rssSum), ...roles.map((r) => mb(p.rss[r] ?? 0))].map(String);
  });
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** bench/SOAK.md: the machine, the command, then per engine a summary line and the table over time. */
export function renderSoak(runs: readonly SoakRun[], command: string, versions: string): string {
  const first = runs[0]?.options;
  const lines = [
    '# Memory over a long run',
    '',
    `Written by \`npm run bench:soak\` on ${new Date().toISOString()}.`,
    '',
    `- Machine: ${cpus().length} × ${cpus()[0]?.model.split(' ')[0] ?? 'cpu'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GB, Linux ${release()}; load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`,
    `- Versions: ${versions}`,
    `- Command: \`${command}\``,
    first
      ? `- Workload: the seed word count from a socket feeder at ${first.wordsPerSecond} words/s (Zipf over ${first.vocabulary} words, 10 a line, looped), \`current_timestamp\`, a 5 s watermark, \`groupBy(window(timestamp, '60 seconds', '${first.slideSeconds} seconds'), word).count()\` in update mode into the \`noop\` sink; \`spark.sql.shuffle.partitions\` ${first.partitions}; ${first.seconds} s per engine, sampled every ${first.sampleMs / 1000} s (RSS of every engine process: node, redis-server and its AOF-rewrite forks).`
      : '',
    `- Levelled off: windows close ${WARM_UP_SECONDS - 10}–${WARM_UP_SECONDS} s after the start, so the state is at its size from then on; "growth" compares the mean summed RSS of the minute after ${WARM_UP_SECONDS} s with that of the last minute.`,
    '',
  ];
  for (const run of runs) {
    const g = growthAfterWarmUp(run);
    const steady = run.samples.filter((s) => s.second >= WARM_UP_SECONDS).map((s) => s.stateRows);
    lines.push(`## ${run.label}`, '');
    lines.push(
      `Peak RSS ${mb(run.peakRssBytes)} MB. ` +
        (g ? `Summed RSS after warm-up ${mb(g.early)} MB, last minute ${mb(g.late)} MB (${g.late >= g.early ? '+' : '−'}${Math.abs(mb(g.late - g.early))} MB, ${(((g.late - g.early) / g.early) * 100).toFixed(1)} %). ` : '') +
        (steady.length > 0 ? `State rows after warm-up: ${Math.min(...steady)}–${Math.max(...steady)}.` : ''),
      '',
    );
    lines.push(...table(run), '');
  }
  return `${lines.join('\n')}\n`;
}
