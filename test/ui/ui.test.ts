import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkSession, functions as F, type StreamingQuery } from '../../client/index.js';
import { Cluster } from '../cluster/harness.js';
import { startWordCounts } from '../cluster/word-count.js';
import { LineServer } from '../e2e/process.js';
import { eventually, letTimePass } from '../support/eventually.js';
import { launchChromium, screenshots, UI_WAIT_MS } from './browser.js';

const TOKEN = 'ui-test-token';

/** Word counts per window start (ms), as spark.sql reads them from a memory table. */
async function countsOf(spark: SparkSession, table: string, word: string): Promise<Map<number, number>> {
  const rows = await spark.sql(`SELECT window, count FROM ${table} WHERE word = '${word}'`).collect();
  const out = new Map<number, number>();
  for (const r of rows) {
    const w = r.get('window') as { get(k: string): { micros: number } };
    out.set(Math.floor(w.get('start').micros / 1000), r.get('count') as number);
  }
  return out;
}

/** The live-table page's horizontal bars: window start (ms) → value shown. */
async function barsOf(page: Page): Promise<Map<number, number>> {
  const bars = await page.$$eval('#t-bars .hbar', (els) => els.map((e) => [Number(e.getAttribute('data-window-start')), Number(e.getAttribute('data-value'))] as const));
  return new Map(bars.filter(([, v]) => v > 0));
}

function same(a: Map<number, number>, b: Map<number, number>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

/**
 * The web UI in a real browser (Debian's chromium through playwright-core) against a real
 * cluster (redis-server, a `kindling master` with a token, two `kindling worker`s) running the
 * seed queries on a socket feed. Screenshots land in test-artifacts/ui/.
 */
describe('the master web UI', { timeout: 120_000 }, () => {
  let cluster: Cluster;
  let feed: LineServer;
  let spark: SparkSession;
  let browser: Browser;
  let context: BrowserContext;
  let wordcounts: StreamingQuery;
  let catpm: StreamingQuery;
  let ui: string;
  let sentCats = 0;
  const scriptErrors: string[] = [];

  /** Lines with `cats` cats and some other words, in one write (one micro-batch). */
  function sendCats(cats: number): void {
    const lines: string[] = [];
    for (let i = 0; i < cats; i++) lines.push(`cat dog the ${i % 3 === 0 ? 'bird' : 'cat'}`);
    sentCats += cats + lines.filter((l) => l.endsWith('cat')).length;
    feed.broadcast(lines);
  }

  beforeAll(async () => {
    cluster = await Cluster.start({ workers: 2, token: TOKEN, masterArgs: ['--metrics-open'] });
    ui = `http://127.0.0.1:${cluster.uiPort}`;
    feed = await LineServer.start();
    spark = await SparkSession.builder().remote(cluster.url).appName('ui-test').getOrCreate();
    await spark.conf.set('spark.sql.shuffle.partitions', '4');
    wordcounts = await startWordCounts(spark, feed.port, 'wordcounts');
    const lines = spark.readStream.format('socket').option('host', 'localhost').option('port', feed.port).load();
    const words = lines.select(F.explode(F.split(lines.col('value'), ' ')).alias('word'));
    const wwt = words.withColumn('timestamp', F.current_timestamp()).withWatermark('timestamp', '5 seconds');
    catpm = await wwt
      .groupBy(F.window('timestamp', '60 seconds', '5 seconds'), 'word')
      .agg(F.count('word').alias('cats per minute'))
      .drop('word')
      .writeStream.outputMode('complete')
      .format('memory')
      .queryName('catpm')
      .start();
    await feed.waitForConnections(2);
    sendCats(5);
    await wordcounts.processAllAvailable();
    await catpm.processAllAvailable();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    context.on('page', (p) => p.on('pageerror', (e) => scriptErrors.push(`${p.url()}: ${e.message}`)));
    // Sign in the way a person would: ?token= once, then the HttpOnly cookie.
    const page = await context.newPage();
    await page.goto(`${ui}/?token=${TOKEN}`);
    expect(page.url()).toBe(`${ui}/`);
    const cookies = await context.cookies();
    expect(cookies.find((c) => c.name === 'kindling_token')?.httpOnly).toBe(true);
    await page.close();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await spark?.stop().catch(() => undefined);
    await feed?.close();
    await cluster?.close();
  });

  it('cluster page: master, both workers, the queries with their session, live', async () => {
    const page = await context.newPage();
    await page.goto(ui);
    await eventually(async () => (await page.$$eval('#workers tbody tr', (rs) => rs.length)) === 2, { timeoutMs: UI_WAIT_MS, message: 'two worker rows' });
    const workerStates = await page.$$eval('#workers tbody tr td:nth-child(3)', (tds) => tds.map((t) => t.textContent));
    expect(workerStates).toEqual(['ALIVE', 'ALIVE']);
    expect(await page.textContent('#master [data-redis]')).toContain('up');
    const row = page.locator('#queries tbody tr', { hasText: 'wordcounts' });
    await row.waitFor();
    const sessionCell = await row.locator('td:nth-child(4)').textContent();
    const detail = await cluster.api<{ sessionId: string }>(`/api/queries/${wordcounts.id}`);
    expect(sessionCell).toContain(detail.sessionId.slice(0, 8));
    // State partitions are spread over the workers (4 per query, 2 queries).
    await eventually(
      async () => {
        const owned = await page.$$eval('#workers tbody tr td:nth-child(5)', (tds) => tds.map((t) => Number(t.textContent)));
        return owned.reduce((a, b) => a + b, 0) === 8;
      },
      { timeoutMs: UI_WAIT_MS, message: 'partition counts' },
    );
    await page.mouse.move(0, 0);
    await screenshots(page, 'cluster');
    await page.close();
  });

  it('live table: the bars equal spark.sql counts and follow new lines without a reload', async () => {
    const page = await context.newPage();
    await page.goto(`${ui}/tables/wordcounts`);
    const sqlCounts = async (): Promise<Map<number, number>> => countsOf(spark, 'wordcounts', 'cat');
    const check = async (what: string): Promise<Map<number, number>> => {
      // Every cat sent is in two 60 s windows.
      await eventually(async () => [...(await sqlCounts()).values()].reduce((a, b) => a + b, 0) === 2 * sentCats, { timeoutMs: UI_WAIT_MS, message: `${what}: spark.sql sees ${sentCats} cats` });
      const expected = await sqlCounts();
      await eventually(async () => same(await barsOf(page), expected), { timeoutMs: UI_WAIT_MS, message: `${what}: bars equal spark.sql ${JSON.stringify([...expected])}` });
      // The top list of the latest window holds cat with the latest window's count.
      const latest = Math.max(...expected.keys());
      await eventually(async () => Number(await page.getAttribute('#t-top-list li[data-key="cat"]', 'data-value')) === expected.get(latest), { timeoutMs: UI_WAIT_MS, message: `${what}: top-N cat` });
      return expected;
    };
    const before = await check('initial');
    let navigations = 0;
    page.on('framenavigated', () => navigations++);
    sendCats(7);
    const after = await check('after 7 more cats');
    expect([...after.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan([...before.values()].reduce((a, b) => a + b, 0));
    expect(navigations).toBe(0);
    // N is adjustable; the top list is sorted descending.
    await page.fill('#t-n', '3');
    await page.press('#t-n', 'Enter');
    await eventually(async () => (await page.$$('#t-top-list li')).length === 3, { timeoutMs: UI_WAIT_MS, message: 'top 3' });
    const values = await page.$$eval('#t-top-list li', (ls) => ls.map((l) => Number(l.getAttribute('data-value'))));
    expect([...values].sort((a, b) => b - a)).toEqual(values);
    await page.fill('#t-n', '10');
    await page.press('#t-n', 'Enter');
    await eventually(async () => (await page.$$('#t-top-list li')).length >= 4, { timeoutMs: UI_WAIT_MS, message: 'top 10' });
    await page.waitForSelector('#t-top canvas');
    await screenshots(page, 'table-wordcounts');
    // Another word from the picker.
    await page.fill('#t-word', 'dog');
    await page.press('#t-word', 'Enter');
    const dogs = await countsOf(spark, 'wordcounts', 'dog');
    await eventually(async () => same(await barsOf(page), await countsOf(spark, 'wordcounts', 'dog')), { timeoutMs: UI_WAIT_MS, message: `dog bars ${JSON.stringify([...dogs])}` });
    await page.close();
  });

  it('live table of catpm: cats per minute per window', async () => {
    const page = await context.newPage();
    await page.goto(`${ui}/tables/catpm`);
    await eventually(async () => (await page.$$('#t-bars .hbar')).length > 0, { timeoutMs: UI_WAIT_MS, message: 'catpm bars' });
    expect(await page.isHidden('#t-keyed')).toBe(true);
    // A window's bar is the sum of its rows (one per word: catpm drops the word but keeps its groups).
    const sqlSums = async (): Promise<Map<number, number>> => {
      const sums = new Map<number, number>();
      for (const r of await spark.sql('SELECT window, `cats per minute` AS n FROM catpm').collect()) {
        const start = Math.floor((r.get('window') as { get(k: string): { micros: number } }).get('start').micros / 1000);
        sums.set(start, (sums.get(start) ?? 0) + (r.get('n') as number));
      }
      return new Map([...sums].sort((a, b) => a[0] - b[0]).slice(-30));
    };
    let shown = new Map<number, number>();
    let expected = new Map<number, number>();
    await eventually(async () => same((shown = await barsOf(page)), (expected = await sqlSums())), { timeoutMs: UI_WAIT_MS, message: 'catpm bars equal spark.sql' }).catch((e: Error) => {
      throw new Error(`${e.message}: page ${JSON.stringify([...shown])} sql ${JSON.stringify([...expected])}`);
    });
    await screenshots(page, 'table-catpm');
    await page.close();
  });

  it('query page: statistics charts move with new batches, the stage graph shows the exchange, the watermark moves', async () => {
    const page = await context.newPage();
    await page.goto(`${ui}/queries/${wordcounts.id}`);
    await page.waitForSelector('[data-exchange]');
    expect(await page.getAttribute('[data-exchange]', 'data-exchange')).toMatch(/^hashpartitioning\(window#\d+.*, word#\d+, 4\)/);
    expect(await page.$$eval('.stage h4', (hs) => hs.map((x) => x.textContent))).toEqual(['Source', 'Stage 0', 'Stage 1', 'Driver', 'Sink']);
    expect(await page.textContent('[data-stage="Stage 1"]')).toContain('StateStoreSave');
    // Sixteen charts: a timeline and a histogram for each of the eight metrics.
    await eventually(async () => (await page.$$('.metric .uplot canvas')).length === 16, { timeoutMs: UI_WAIT_MS, message: '16 charts' });
    const points = async (): Promise<number> => Number(await page.getAttribute('#t-inputRows', 'data-points'));
    const watermark = async (): Promise<number> => Number(await page.getAttribute('#q-watermark', 'data-watermark'));
    await eventually(async () => (await points()) > 0 && (await watermark()) > 0, { timeoutMs: UI_WAIT_MS, message: 'first points and a watermark' });
    const [p0, w0] = [await points(), await watermark()];
    await letTimePass(1100, "the next batch's timestamp, hence its watermark, is later");
    sendCats(4);
    await eventually(async () => (await points()) > p0, { timeoutMs: UI_WAIT_MS, message: 'a new batch on the timeline' });
    await wordcounts.processAllAvailable();
    // The last batch that ran (idle progress reports, which ran no batch, are not on the charts).
    const ran = (await wordcounts.recentProgress()).filter((p) => (p['durationMs'] as Record<string, number> | undefined)?.['addBatch'] !== undefined);
    const last = ran[ran.length - 1];
    expect(last).toBeDefined();
    await eventually(async () => JSON.parse((await page.getAttribute('#t-inputRows', 'data-last')) ?? '[]')[0] === last?.['numInputRows'], { timeoutMs: UI_WAIT_MS, message: 'the last input rows point equals the last batch' });
    await eventually(async () => (await watermark()) > w0, { timeoutMs: UI_WAIT_MS, message: 'the watermark to move' });
    expect(await page.$$eval('#q-watermark svg g.window', (gs) => gs.length)).toBeGreaterThan(0);
    expect(await page.textContent('#q-batches tbody tr:first-child')).toContain(`#${String(last?.['batchId'])}`);
    await screenshots(page, 'query');
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.screenshot({ path: 'test-artifacts/ui/query-full-1366.png', fullPage: true });
    await page.close();
  });

  it('a failed query shows its error class', async () => {
    await spark.conf.set('kindling.memorySink.maxRows', '1');
    const q = await startWordCounts(spark, feed.port, 'overflow');
    await spark.conf.unset('kindling.memorySink.maxRows');
    await feed.waitForConnections(3);
    sendCats(3);
    await eventually(async () => !(await q.isActive()), { timeoutMs: UI_WAIT_MS, message: 'the overflow query to fail' });
    const page = await context.newPage();
    await page.goto(`${ui}/queries/${q.id}`);
    await page.waitForSelector('#q-error:not([hidden])');
    expect(await page.textContent('#q-error-class')).toBe('KINDLING_MEMORY_SINK_ROW_LIMIT_EXCEEDED');
    expect(await page.textContent('#q-status')).toBe('failed');
    await screenshots(page, 'query-failed');
    await page.close();
  });

  it('the stop button stops a query', async () => {
    const q = await startWordCounts(spark, feed.port, 'stopme');
    const page = await context.newPage();
    await page.goto(ui);
    const button = page.locator(`button[data-stop="${q.id}"]`);
    await button.waitFor();
    await button.click();
    await eventually(async () => !(await q.isActive()), { timeoutMs: UI_WAIT_MS, message: 'the query to stop' });
    expect(await q.exception()).toBeNull();
    const list = await cluster.api<{ id: string; isActive: boolean }[]>('/api/queries');
    expect(list.find((x) => x.id === q.id)?.isActive).toBe(false);
    await page.locator(`button[data-stop="${q.id}"]`).waitFor({ state: 'detached' });
    expect(await wordcounts.isActive()).toBe(true);
    await page.close();
  });

  it('with a token, an unauthenticated browser sees only the login page; the API and stop need the token', async () => {
    const anon = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await anon.newPage();
    for (const path of ['/', `/queries/${wordcounts.id}`, '/tables/wordcounts']) {
      const res = await page.goto(`${ui}${path}`);
      expect(res?.status()).toBe(401);
      expect(await page.$$('form.login input[name="token"]')).toHaveLength(1);
      expect(await page.$$('#workers, #q-stages, #t-bars')).toHaveLength(0);
    }
    await screenshots(page, 'login');
    for (const path of ['/api/cluster', '/api/queries', `/api/queries/${wordcounts.id}/progress`, '/api/tables/wordcounts', '/api/workers']) {
      expect((await fetch(`${ui}${path}`)).status, path).toBe(401);
      expect((await fetch(`${ui}${path}`, { headers: { authorization: 'Bearer wrong' } })).status, path).toBe(401);
      expect((await fetch(`${ui}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).status, path).toBe(200);
    }
    expect((await fetch(`${ui}/api/queries/${wordcounts.id}/stop`, { method: 'POST' })).status).toBe(401);
    const forged = await fetch(`${ui}/api/queries/${wordcounts.id}/stop`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, origin: 'http://evil.example' } });
    expect(forged.status).toBe(403);
    expect(await wordcounts.isActive()).toBe(true);
    expect((await fetch(`${ui}/healthz`)).status).toBe(200);
    expect((await fetch(`${ui}/readyz`)).status).toBe(200);
    // --metrics-open: Prometheus scrapes without the token.
    const metrics = await (await fetch(`${ui}/metrics`)).text();
    expect(metrics).toMatch(/kindling_query_batch_duration_seconds_bucket\{le="[^"]+",query="wordcounts"\} \d+/);
    expect(metrics).toMatch(/kindling_query_input_rows_total\{query="wordcounts"\} [1-9]/);
    expect(metrics).toMatch(/kindling_worker_rss_bytes\{worker="[^"]+"\} [1-9]/);
    // A wrong token on the login form is refused; the right one signs in.
    await page.goto(`${ui}/login`);
    await page.fill('input[name="token"]', 'wrong');
    await page.click('button[type="submit"]');
    expect(await page.textContent('[role="alert"]')).toContain('not valid');
    await page.fill('input[name="token"]', TOKEN);
    await page.click('button[type="submit"]');
    await page.waitForSelector('#workers tbody tr');
    expect(new URL(page.url()).pathname).toBe('/');
    await anon.close();
  });

  it('no page raised a script error', () => {
    expect(scriptErrors).toEqual([]);
  });
});
