// Flood measurement (issue 8, item 3): a sender on loopback writes numbered ~96-byte lines as fast
// as TCP takes them for FLOOD_SECONDS; a socket query counts them (count and sum of the line
// numbers, complete mode into a memory sink). Prints the server's RSS before / peak / after and
// whether the counts are exact. Usage (after `npm run build`):
//   node test/measure/flood.mjs <connect-port> <pid-to-watch> [seconds] [source options as JSON]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { SparkSession } from '../../dist/client/index.js';

const [connectPort, pid, seconds = '60', extra = '{}'] = process.argv.slice(2);
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const pad = 'x'.repeat(80);
let sent = 0;
let bytes = 0;
let sending = true;
const server = createServer((s) => {
  s.on('error', () => undefined);
  const t0 = Date.now();
  const pump = () => {
    while (sending) {
      if (Date.now() - t0 > Number(seconds) * 1000) { sending = false; break; }
      const lines = [];
      for (let i = 0; i < 1000; i++) lines.push(`${sent++} ${pad}`);
      const chunk = `${lines.join('\n')}\n`;
      bytes += chunk.length;
      if (!s.write(chunk)) { s.once('drain', pump); return; }
    }
  };
  pump();
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const feedPort = server.address().port;
const spark = await SparkSession.builder().remote(`sc://127.0.0.1:${connectPort}`).getOrCreate();
const before = rss();
let peak = before;
const sampler = setInterval(() => { peak = Math.max(peak, rss()); }, 100);
const lines = spark.readStream.format('socket').option('host', '127.0.0.1').option('port', feedPort).options(JSON.parse(extra)).load();
await lines.createOrReplaceTempView('flood_lines');
const q = await spark
  .sql("select count(*) as n, sum(cast(split(value, ' ')[0] as bigint)) as total from flood_lines")
  .writeStream.format('memory').queryName('flood').outputMode('complete').start();
const started = Date.now();
while (sending) await new Promise((r) => setTimeout(r, 500));
const sendSeconds = (Date.now() - started) / 1000;
const expectedSum = (BigInt(sent) * BigInt(sent - 1)) / 2n;
let row;
for (;;) {
  row = (await spark.sql('select n, total from flood').collect())[0];
  if (row && Number(row.get('n')) >= sent) break;
  await new Promise((r) => setTimeout(r, 1000));
}
const caughtUp = (Date.now() - started) / 1000;
await q.stop();
clearInterval(sampler);
await new Promise((r) => setTimeout(r, 5000));
const after = rss();
console.log(JSON.stringify({
  sentLines: sent, sentMB: Math.round(bytes / 1e6), sendSeconds, caughtUpSeconds: caughtUp,
  counted: Number(row.get('n')), exact: BigInt(row.get('n')) === BigInt(sent) && BigInt(row.get('total')) === expectedSum,
  rssMB: { before: Math.round(before), peak: Math.round(peak), after: Math.round(after) },
}));
await spark.stop();
server.close();
process.exit(0);
