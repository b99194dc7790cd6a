import { SparkSession } from '../../client/index.js';

/**
 * A client process for the "client disconnects mid-collect" fault: it opens its own session,
 * prints `collecting` and starts a large collect; the chaos driver kill -9s it while the result
 * streams. Usage: node collect-client.js <sc://url> <rows>
 */
const [url, rows] = process.argv.slice(2);
const spark = await SparkSession.builder().remote(url ?? 'sc://localhost:15002').appName('chaos-collect').create();
process.stdout.write('collecting\n');
const got = await spark.range(0, Number(rows ?? 2_000_000)).selectExpr('id', "concat('row-', id) AS s").collect();
process.stdout.write(`collected ${got.length}\n`);
await spark.stop();
