/**
 * Crash points for fault tests, read once from `KINDLING_FAILPOINT` (unset in production: every
 * check is then one comparison). `crash-after-map-stage:<n>` kills this process with SIGKILL right
 * after the map stage of the first batch that ran at least `n` map tasks: its shuffle blocks sit on
 * the workers and no reduce task ran, the interleaving a master crash mid-batch leaves behind.
 */
const spec = /^crash-after-map-stage:(\d+)$/.exec(process.env['KINDLING_FAILPOINT'] ?? '');
const crashAfterMapTasks = spec ? Number(spec[1]) : Number.POSITIVE_INFINITY;

export function afterMapStage(mapTasks: number): void {
  if (mapTasks >= crashAfterMapTasks) process.kill(process.pid, 'SIGKILL');
}

/**
 * True while the crash failpoint is armed: the scheduler then sends reduce tasks only after the
 * map stage (not with it), so the crash leaves the blocks unreduced on the workers, as a master
 * dying before its reducers took them does.
 */
export function stagesInOrder(): boolean {
  return Number.isFinite(crashAfterMapTasks);
}
