import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { ChaosRun, formatReport } from './chaos-run.js';
import { parseKinds } from './faults.js';

/**
 * `npm run chaos`: the long chaos run. Flags (or env): --duration seconds of faults
 * (CHAOS_DURATION, 600), --seed (CHAOS_SEED, random), --faults per kind (CHAOS_FAULTS, 30),
 * --rate input lines/s (CHAOS_RATE, 40), --kinds a,b (CHAOS_KINDS, every kind), --logs dir for
 * every process's output.
 * Exits 1 when any count was lost or duplicated.
 */
const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    seed: { type: 'string' },
    faults: { type: 'string' },
    rate: { type: 'string' },
    logs: { type: 'string' },
    kinds: { type: 'string' },
  },
});
const env = process.env;
const seed = Number(values.seed ?? env['CHAOS_SEED'] ?? Math.floor(Math.random() * 1_000_000));
const durationS = Number(values.duration ?? env['CHAOS_DURATION'] ?? 600);
const faults = Number(values.faults ?? env['CHAOS_FAULTS'] ?? 30);
const rate = Number(values.rate ?? env['CHAOS_RATE'] ?? 40);
const kinds = parseKinds(values.kinds ?? env['CHAOS_KINDS']);
const logDir = values.logs ?? env['CHAOS_LOGS'] ?? join(tmpdir(), `kindling-chaos-${seed}-${Date.now()}`);

console.log(`npm run chaos: seed ${seed}, ${durationS} s of faults, ${faults} of each of ${kinds.join(', ')}, ${rate} lines/s; process logs in ${logDir}`);
const report = await new ChaosRun({
  seed,
  faultWindowMs: durationS * 1000,
  faultsPerKind: faults,
  kinds,
  linesPerSecond: rate,
  logDir,
  log: (line) => console.log(line),
}).run();
console.log(`\n${formatReport(report)}`);
if (report.notes.length) console.log(`\nnotes:\n${report.notes.map((n) => `  ${n}`).join('\n')}`);
const ok = report.caughtUp && report.lost === 0 && report.duplicated === 0;
console.log(ok ? '\nchaos: OK (0 lost, 0 duplicated)' : `\nchaos: FAILED (seed ${seed}: re-run with --seed ${seed})`);
process.exit(ok ? 0 : 1);
