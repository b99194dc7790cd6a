import repl from 'node:repl';
import { SparkSession, functions as F } from '../client/index.js';

/** `kindling shell`: a Node REPL with `spark` (a remote session) and `F` (functions) bound. */
export async function startShell(remote: string): Promise<void> {
  const spark = await SparkSession.builder().remote(remote).appName('kindling-shell').getOrCreate();
  process.stdout.write(
    `Kindling shell: \`spark\` is a session on ${remote}, \`F\` the functions. Top-level await works.\n` +
      `  e.g. await spark.sql('SELECT 1 AS one').show()\n`,
  );
  const server = repl.start({ prompt: 'kindling> ', useGlobal: false });
  Object.assign(server.context, { spark, F, SparkSession });
  await new Promise<void>((resolve) => server.on('exit', () => resolve()));
  await spark.stop();
}
