import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineNames } from './side-by-side/engines.js';
import { renderSoak } from './soak/report.js';
import { runSoak, type SoakRun } from './soak/run-soak.js';

/**
 * `npm run bench:soak`: each engine runs the seed word count in update mode with a watermark for
 * a long time (10 minutes by default) at a steady rate, and the state and the memory of its
 * processes are sampled as it goes. Writes bench/SOAK.md (or KINDLING_SOAK_OUT).
 */
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');
const env = (name: string, fallback: string): string => process.env[name] ?? fallback;

async function main(): Promise<void> {
  const engines = engineNames(env('KINDLING_SOAK_ENGINES', 'cluster,local'));
  if (engines.includes('spark')) throw new Error('KINDLING_SOAK_ENGINES: the soak runs Kindling engines (local, cluster)');
  const seconds = Number(env('KINDLING_SOAK_SECONDS', '600'));
  const wordsPerSecond = Number(env('KINDLING_SOAK_RATE', '20000'));
  const slideSeconds = Number(env('KINDLING_SOAK_SLIDE_SECONDS', '5'));
  const partitions = env('KINDLING_SOAK_PARTITIONS', '4');
  const sampleMs = Number(env('KINDLING_SOAK_SAMPLE_MS', '5000'));
  const vocabulary = Number(env('KINDLING_SOAK_VOCABULARY', '20000'));
  const out = env('KINDLING_SOAK_OUT', join(repo, 'bench', 'SOAK.md'));
  const runs: SoakRun[] = [];
  for (const engine of engines) {
    process.stderr.write(`soak: ${engine}, ${seconds} s at ${wordsPerSecond} words/s\n`);
    const run = await runSoak({ engine, seconds, wordsPerSecond, slideSeconds, partitions, sampleMs, vocabulary });
    runs.push(run);
    const last = run.samples.at(-1);
    process.stderr.write(`soak: ${run.label}: peak RSS ${Math.round(run.peakRssBytes / 1024 ** 2)} MB, ${last?.stateRows ?? 0} state rows at the end\n`);
  }
  const command = [
    `KINDLING_SOAK_ENGINES=${engines.join(',')}`,
    `KINDLING_SOAK_SECONDS=${seconds}`,
    `KINDLING_SOAK_RATE=${wordsPerSecond}`,
    `KINDLING_SOAK_SLIDE_SECONDS=${slideSeconds}`,
    `KINDLING_SOAK_PARTITIONS=${partitions}`,
    'npm run bench:soak',
  ].join(' ');
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
  const doc = renderSoak(runs, command, `Kindling ${pkg.version}, Node ${process.version}`);
  writeFileSync(out, doc);
  process.stdout.write(doc);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:soak failed: ${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
