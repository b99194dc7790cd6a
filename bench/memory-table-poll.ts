import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { recordBatch, type RecordBatch } from '../engine/batch/record-batch.js';
import { valuesVector } from '../engine/batch/vector.js';
import { P } from '../engine/plan/plan-nodes.js';
import { T } from '../engine/types/data-type.js';
import { schemaOf } from '../engine/types/schema.js';
import { resultResponses } from '../master/connect/responses.js';
import { LocalCluster } from '../master/execution/local-cluster.js';
import { MasterRuntime } from '../master/session/runtime.js';
import { FileCheckpointStoreFactory } from '../master/streaming/checkpoint/file-checkpoint.js';
import { CompleteResult } from '../master/streaming/complete-result.js';
import { MemorySink } from '../master/streaming/sinks/memory-sink.js';

/**
 * The driver's side of issue 9's latency runs, in one process without the network: a complete-mode
 * memory table of Q2's shape (12 windows × 10 k words = 120 k rows) built by CompleteResult as the
 * runner builds it, then the client's poll query (`SELECT word FROM t WHERE word LIKE 'zzmark%'`:
 * analyze as spark.sql() does, execute, encode the Arrow result) and its totals query, timed over
 * many repetitions; and a batch's merge + sink hand-off (~100 k updated rows).
 *
 * Usage: node dist/bench/memory-table-poll.js [reps]
 */
const WINDOWS = 12;
const WORDS = 10_000;
const MARKERS = 40;
const SLIDE_US = 5_000_000;

const schema = schemaOf([
  T.field('window', T.struct([T.field('start', T.timestamp), T.field('end', T.timestamp)]), false),
  T.field('word', T.string),
  T.field('count', T.long, false),
]);

/** One batch of the stateful aggregate's output: every (window, word) of `words`, windows shared per batch as workers send them. */
function updates(words: readonly string[], base: number, count: number): RecordBatch {
  const win: unknown[] = [];
  const w: unknown[] = [];
  const c: unknown[] = [];
  for (let k = 0; k < WINDOWS; k++) {
    const window = [(base + k) * SLIDE_US, (base + k) * SLIDE_US + 60_000_000];
    for (const word of words) {
      win.push(window);
      w.push(word);
      c.push(count);
    }
  }
  return recordBatch(schema, win.length, [valuesVector(win), valuesVector(w), valuesVector(c)]);
}

/** Median and minimum (the machine may be shared: the minimum is the least disturbed run). */
function median(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${(s[Math.floor(s.length / 2)] ?? NaN).toFixed(2)} (min ${(s[0] ?? NaN).toFixed(2)})`;
}

function time(reps: number, f: () => unknown): string {
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    f();
    ts.push(performance.now() - t);
  }
  return median(ts);
}

/** Wall time, and the process's CPU time (less disturbed by other processes on a shared machine). */
async function timeAsync(reps: number, f: () => Promise<unknown>): Promise<string> {
  const ts: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    await f();
    const used = process.cpuUsage(c);
    ts.push(performance.now() - t);
    cpu.push((used.user + used.system) / 1000);
  }
  return `${median(ts)}, cpu ${median(cpu)}`;
}

async function main(): Promise<void> {
  const reps = Number(process.argv[2] ?? '50');
  const dir = mkdtempSync(join(tmpdir(), 'kindling-bench-'));
  const cluster = new LocalCluster({ workers: 1 });
  const runtime = new MasterRuntime({
    executor: cluster.scheduler,
    checkpoints: new FileCheckpointStoreFactory(join(dir, 'temp')),
    log: pino({ level: 'warn' }),
    conf: { 'spark.sql.session.timeZone': 'UTC' },
  });
  try {
    const session = runtime.session('bench', 'session-1');
    const words = Array.from({ length: WORDS }, (_, i) => (i < MARKERS ? `zzmark${String(i).padStart(6, '0')}` : `word${i}`));
    const result = new CompleteResult({ keyCount: 2, schema });
    result.merge([updates(words, 0, 1)]);
    const sink = new MemorySink('t', schema, 'complete', 1_000_000);
    session.catalog.registerMemoryTable('t', sink);
    let batchId = 0;
    await sink.addBatch(batchId++, result.toBatch());

    // A batch's driver side: 8 k distinct words, each in 12 windows, merged then handed to the sink.
    // The rows are cloned as a worker thread's output is (every string its own copy, each window
    // array shared by its rows); only the merge and the hand-off are timed.
    const batchWords = words.slice(0, 8_000);
    const only = process.env['KINDLING_BENCH_ONLY'];
    const mergeTimes: number[] = [];
    const mergeCpu: number[] = [];
    for (let r = 0; r < (only === undefined || only === 'merge' ? reps : 0); r++) {
      const part = structuredClone(updates(batchWords, 0, r + 2));
      const t = performance.now();
      const c = process.cpuUsage();
      result.merge([part]);
      await sink.addBatch(batchId++, result.toBatch());
      const used = process.cpuUsage(c);
      mergeTimes.push(performance.now() - t);
      mergeCpu.push((used.user + used.system) / 1000);
    }
    const mergeMs = `${median(mergeTimes)}, cpu ${median(mergeCpu)}`;

    const poll = P.sql("SELECT word FROM t WHERE word LIKE 'zzmark%'");
    const totals = P.sql('SELECT count(*) AS n, sum(`count`) AS total FROM t');
    const run = async (plan: typeof poll): Promise<number> => {
      session.analyze(plan); // spark.sql(): analyzed eagerly, echoed back
      const batch = await session.execute(plan); // collect()
      let bytes = 0;
      for (const r of resultResponses(batch, 'UTC')) bytes += (r.arrow_batch?.data as Uint8Array | undefined)?.byteLength ?? 0;
      return bytes;
    };
    // A server runs many functions through the shared column helpers (vectorize.ts): their call
    // sites see many callbacks, as in a long-running master, not just this query's.
    await session.execute(
      P.sql("SELECT upper(word), lower(word), length(word), reverse(word), abs(`count`), `count` + 1, word LIKE '%1', trim(word), substr(word, 2), ascii(word) FROM t"),
    );
    const rows = (await session.execute(poll)).numRows;
    const pollMs = await timeAsync(only === undefined || only === 'poll' ? reps : 0, () => run(poll));
    const totalsMs = await timeAsync(only === undefined || only === 'totals' ? reps : 0, () => run(totals));
    const analyzeMs = time(reps, () => session.analyze(poll));
    console.log(
      JSON.stringify({
        tableRows: sink.snapshot().numRows,
        pollRows: rows,
        pollMs: pollMs,
        pollAnalyzeMs: analyzeMs,
        totalsMs: totalsMs,
        mergeAndSinkMs: mergeMs,
        mergeRows: batchWords.length * WINDOWS,
      }),
    );
  } finally {
    await runtime.shutdown();
    await cluster.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
