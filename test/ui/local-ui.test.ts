import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkSession } from '../../client/index.js';
import { KindlingNode } from '../cluster/harness.js';
import { startWordCounts } from '../cluster/word-count.js';
import { LineServer } from '../e2e/process.js';
import { eventually } from '../support/eventually.js';
import { launchChromium, screenshots, UI_WAIT_MS } from './browser.js';

/** `kindling local --ui-port`: the same UI as the cluster master, its workers being threads. */
describe('kindling local serves the web UI', () => {
  let node: KindlingNode;
  let feed: LineServer;
  let spark: SparkSession;
  let ui: string;

  beforeAll(async () => {
    node = KindlingNode.spawn('local', ['local', '--host', '127.0.0.1', '--port', '0', '--ui-port', '0', '--workers', '1', '--log-level', 'warn']);
    const m = await node.waitFor(/sc:\/\/localhost:(\d+) with 1 workers, UI http:\/\/localhost:(\d+)/);
    ui = `http://127.0.0.1:${m[2]}`;
    feed = await LineServer.start();
    spark = await SparkSession.builder().remote(`sc://localhost:${m[1]}`).getOrCreate();
    await spark.conf.set('spark.sql.shuffle.partitions', '2');
  });

  afterAll(async () => {
    await spark?.stop().catch(() => undefined);
    await feed?.close();
    await node?.stop();
  });

  it('answers the pages, the API and uPlot from node_modules, with no token set', async () => {
    const q = await startWordCounts(spark, feed.port, 'wordcounts');
    await feed.waitForConnections(1);
    feed.broadcast(['cat cat dog']);
    await eventually(async () => (await spark.sql("SELECT count FROM wordcounts WHERE word = 'cat'").collect()).length === 2, { timeoutMs: UI_WAIT_MS, message: 'counts' });
    const cluster = (await (await fetch(`${ui}/api/cluster`)).json()) as { master: { mode: string; redis: string }; queries: { id: string; sessionId: string }[] };
    expect(cluster.master.mode).toBe('local');
    expect(cluster.master.redis).toBe('none');
    expect(cluster.queries.map((x) => x.id)).toEqual([q.id]);
    const uplot = await fetch(`${ui}/ui/vendor/uPlot.esm.js`);
    expect(uplot.status).toBe(200);
    expect(uplot.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${ui}/ui/../package.json`)).status).toBe(404);
    expect((await fetch(`${ui}/ui/%2e%2e/%2e%2e/package.json`)).status).toBe(404);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${ui}/tables/wordcounts`);
      await eventually(async () => (await page.getAttribute('#t-top-list li[data-key="cat"]', 'data-value')) === '2', { timeoutMs: UI_WAIT_MS, message: 'cat = 2 in the top list' });
      await page.goto(ui);
      await page.waitForSelector(`#queries tbody tr[data-id="${q.id}"]`);
      expect(await page.textContent('#workers')).toContain('thread of the master');
      // Both state partitions are owned by the one thread worker.
      await eventually(async () => (await page.textContent('#workers tbody tr td:nth-child(5)')) === '2', { timeoutMs: UI_WAIT_MS, message: 'partitions owned' });
      await screenshots(page, 'local-cluster');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
