import { generateCorpus } from '../cli/corpus.js';
import { handLoopWordCount } from './hand-loop.js';
import { LocalModeBench } from './local-mode.js';
import { ClusterBench } from './cluster-mode.js';

/**
 * `npm run bench`: the seed word count through local mode and a hand-written loop over the same
 * generated Zipf corpus, side by side in one run. Prints words/s for each and their ratio.
 * The feeder and the client run in this process with the engine (as before). A local-mode run is
 * timed from the query's start to the end of its last batch as its progress reports it, polled
 * every 100 ms (until issue 9's helpers changed it: every 10 ms, which cost the engine's main
 * thread about half its time in Spark Connect calls, and the end was the poll that saw it).
 */
async function main(): Promise<void> {
  const lineCount = Number(process.env['KINDLING_BENCH_LINES'] ?? 300_000);
  const workers = Number(process.env['KINDLING_BENCH_WORKERS'] ?? 2);
  const vocabulary = Number(process.env['KINDLING_BENCH_VOCABULARY'] ?? 10_000);
  const lines = generateCorpus({ lines: lineCount, wordsPerLine: 10, vocabularySize: vocabulary, skew: 1.0 });
  const rate = (words: number, ms: number): number => words / (ms / 1000);
  const fmt = (n: number): string => `${(n / 1e6).toFixed(2)} M words/s`;
  // Each figure is printed as soon as it is measured: a later part failing keeps the earlier ones.
  const print = (line: string): void => void process.stdout.write(`${line}\n`);

  // Both sides warmed up (JIT), then each measured three times on the whole corpus; medians reported.
  const runs = Number(process.env['KINDLING_BENCH_RUNS'] ?? 3);
  handLoopWordCount(lines, 10_000);
  const hands = [];
  for (let i = 0; i < runs; i++) hands.push(handLoopWordCount(lines, 10_000));
  const bench = await LocalModeBench.start(workers);
  await bench.run(lines.slice(0, Math.min(lines.length, 100_000)), 'warmup');
  const locals = [];
  for (let i = 0; i < runs; i++) locals.push(await bench.run(lines, `wordcounts${i}`));
  await bench.close();
  const median = <T extends { ms: number }>(xs: T[]): T => [...xs].sort((a, b) => a.ms - b.ms)[Math.floor(xs.length / 2)] as T;
  const hand = median(hands);
  const local = median(locals);
  const handRate = rate(hand.words, hand.ms);
  const localRate = rate(local.words, local.ms);
  print(`corpus: ${lineCount} lines, ${hand.words} words (Zipf s=1 over ${vocabulary} made-up words, 10 per line)`);
  print(`hand loop (single thread):      ${fmt(handRate)}  (${hand.ms.toFixed(0)} ms)`);
  print(
    `local mode, ${workers} workers (socket → Spark Connect query → memory sink): ${fmt(localRate)}  (${local.ms.toFixed(0)} ms, ${local.batches} batches, p50 batch ${local.p50BatchMs} ms)`,
  );
  print(`ratio local / hand loop: ${((localRate / handRate) * 100).toFixed(1)} %`);

  // The cluster: redis-server + master + workers as separate processes on this machine.
  const withCluster = process.env['KINDLING_BENCH_CLUSTER'] !== '0';
  if (withCluster) {
    const cluster = await ClusterBench.start(workers);
    await cluster.run(lines.slice(0, Math.min(lines.length, 100_000)), 'warmup');
    const runsC = [];
    for (let i = 0; i < runs; i++) runsC.push(await cluster.run(lines, `cluster${i}`));
    const best = median(runsC);
    const clusterRate = rate(best.words, best.ms);
    print(`cluster, ${workers} worker processes + master + redis-server (AOF always): ${fmt(clusterRate)}  (${best.ms.toFixed(0)} ms, ${best.batches} batches)`);
    print(`ratio cluster / hand loop: ${((clusterRate / handRate) * 100).toFixed(1)} %`);
    // Latency at sustained rates the cluster keeps up with (fractions of its maximum), 15 s each.
    const loads = (process.env['KINDLING_BENCH_LOADS'] ?? '0.03,0.1,0.33').split(',').map(Number);
    for (const [i, load] of loads.entries()) {
      const sustainedRate = Math.max(1, Math.floor((clusterRate / 10) * load));
      const steady = await cluster.run(lines.slice(0, Math.min(lines.length, sustainedRate * 15)), `steady${i}`, sustainedRate);
      const calls = Object.entries(steady.redisCallsPerBatch)
        .filter(([cmd]) => !['info', 'scan', 'unlink', 'hkeys', 'del'].includes(cmd))
        .map(([cmd, n]) => `${cmd} ${n}`)
        .join(', ');
      print(
        `cluster at ${((sustainedRate * 10) / 1e6).toFixed(2)} M words/s sustained: p50 batch ${steady.p50BatchMs} ms over ${steady.batches} batches; Redis commands per batch: ${calls}`,
      );
    }
    await cluster.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
