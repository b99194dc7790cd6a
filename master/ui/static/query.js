// The query page: Spark's Streaming Query Statistics (timeline + histogram per metric), the
// stage graph, the watermark with the windows in state, recent batches, the failure.
import { COLORS, histogram, timeline } from './charts.js';
import { bytes, clock, duration, h, live, num, replace, statusOf, stopQuery, table } from './common.js';
import { drawWatermark } from './watermark.js';

const id = document.body.dataset.query;
const MAX_POINTS = 1000;
let points = [];
let detail = null;

const bytesFormat = (u, vals) => vals.map((v) => (v === null ? '' : bytes(v)));
const PART_ORDER = ['latestOffset', 'getOffset', 'getBatch', 'queryPlanning', 'walCommit', 'addBatch', 'commitOffsets', 'commitBatch'];

const charts = {
  inputRate: pair('inputRate', 'rows/s', [{ label: 'input rate' }], (p) => [p.inputRowsPerSecond]),
  processRate: pair('processRate', 'rows/s', [{ label: 'process rate', color: COLORS[2] }], (p) => [p.processedRowsPerSecond]),
  inputRows: pair('inputRows', 'rows', [{ label: 'input rows', color: COLORS[4] }], (p) => [p.numInputRows]),
  batchDuration: pair('batchDuration', 'ms', [{ label: 'batch duration', color: COLORS[1] }], (p) => [p.batchDurationMs]),
  stateRows: pair('stateRows', 'rows', [{ label: 'total' }, { label: 'updated', color: COLORS[2] }, { label: 'removed', color: COLORS[6] }],
    (p) => [p.stateRowsTotal, p.stateRowsUpdated, p.stateRowsRemoved]),
  stateMemory: pair('stateMemory', 'bytes', [{ label: 'state memory', color: COLORS[3] }], (p) => [p.stateMemoryBytes], bytesFormat),
  lateRows: pair('lateRows', 'rows', [{ label: 'late rows dropped', color: COLORS[6] }], (p) => [p.lateRowsDropped]),
};
let operation = null; // built once the parts are known
let operationParts = [];

function pair(key, unit, series, values, format) {
  // Byte labels ("195.3 KiB") need a wider axis.
  const opts = format ? { format, ySize: 78 } : {};
  return {
    values,
    count: series.length,
    timeline: timeline(document.getElementById(`t-${key}`), { unit, series, ...opts }),
    histogram: histogram(document.getElementById(`h-${key}`), { unit, color: series[0].color ?? COLORS[0], ...opts }),
  };
}

function drawCharts() {
  const xs = points.map((p) => p.timestampMs);
  for (const c of Object.values(charts)) {
    const rows = points.map(c.values);
    const ys = Array.from({ length: c.count }, (_, i) => rows.map((r) => r[i]));
    c.timeline.update(xs, ys);
    c.histogram.update(rows.map((r) => r[0]));
  }
  const parts = [...new Set(points.flatMap((p) => Object.keys(p.durationMs)))].sort((a, b) => rank(a) - rank(b));
  if (!operation || parts.join() !== operationParts.join()) {
    operationParts = parts;
    const host = document.getElementById('t-operationDuration');
    host.replaceChildren();
    const hist = document.getElementById('h-operationDuration');
    hist.replaceChildren();
    operation = {
      timeline: timeline(host, { unit: 'ms', stacked: true, series: parts.map((label, i) => ({ label, color: COLORS[i % COLORS.length] })) }),
      histogram: histogram(hist, { unit: 'ms (sum of parts)', color: COLORS[5] }),
    };
  }
  operation.timeline.update(xs, parts.map((k) => points.map((p) => p.durationMs[k] ?? 0)));
  operation.histogram.update(points.map((p) => parts.reduce((a, k) => a + (p.durationMs[k] ?? 0), 0)));
  document.getElementById('q-count').textContent = String(points.length);
}

function rank(part) {
  const i = PART_ORDER.indexOf(part);
  return i < 0 ? PART_ORDER.length : i;
}

function card(k, v) {
  return h('div', { class: 'card' }, h('div', { class: 'k' }, k), h('div', { class: 'v', title: String(v) }, v));
}

function avg(f) {
  return points.length === 0 ? null : points.reduce((a, p) => a + f(p), 0) / points.length;
}

function drawHeader(d) {
  document.title = `${d.name ?? d.id} · Kindling`;
  document.getElementById('q-title').textContent = d.name ?? '(unnamed query)';
  const status = statusOf(d);
  const badge = document.getElementById('q-status');
  badge.className = `badge ${status}`;
  badge.textContent = status === 'active' ? d.status.message : status;
  document.getElementById('q-stop').hidden = !d.isActive;
  document.getElementById('q-ids').textContent = `id ${d.id} · run ${d.runId} · session ${d.sessionId} · user ${d.userId || '–'} · started ${new Date(d.startedAt).toLocaleString('en-GB')}`;
  const error = document.getElementById('q-error');
  error.hidden = !d.exception;
  if (d.exception) {
    document.getElementById('q-error-class').textContent = d.exception.errorClass ?? 'error';
    document.getElementById('q-error-message').textContent = d.exception.message;
  }
  const last = points.at(-1);
  replace('q-cards', h('div', { style: 'display: contents' },
    card('Batches completed', d.lastBatchId === null ? '0' : num(d.lastBatchId + 1)),
    card('Avg input rate', `${num(avg((p) => p.inputRowsPerSecond))} rows/s`),
    card('Avg process rate', `${num(avg((p) => p.processedRowsPerSecond))} rows/s`),
    card('Avg batch duration', duration(avg((p) => p.batchDurationMs))),
    card('State rows', last ? num(last.stateRowsTotal) : '–'),
    card('Watermark', d.watermarkMs === null ? 'none' : d.watermarkMs > 0 ? clock(d.watermarkMs) : 'not yet'),
    card(d.table ? 'Sink: memory table' : 'Sink', d.table ?? d.sink)));
}

function drawStages(d) {
  const { stages, exchange } = d.stages;
  if (stages.length === 0) {
    replace('q-stages', h('p', { class: 'hint' }, d.isActive ? 'No plan yet: waiting for the first batch.' : 'No batch ran.'));
    return;
  }
  const source = d.lastProgress?.sources?.[0]?.description ?? 'source';
  const sink = d.lastProgress?.sink?.description ?? d.sink;
  const nodes = [h('div', { class: 'stage endpoint' }, h('h4', {}, 'Source'), h('div', { class: 'detail' }, source))];
  stages.forEach((s, i) => {
    const afterMap = i > 0 && stages[i - 1].kind === 'map' && s.kind === 'reduce';
    nodes.push(afterMap && exchange
      ? h('div', { class: 'edge exchange', 'data-exchange': exchange }, h('span', {}, 'Exchange (shuffle)'), h('span', { class: 'arrow' }, '⟶'), h('span', { class: 'what' }, exchange))
      : h('div', { class: 'edge' }, h('span', { class: 'arrow' }, '⟶'), h('span', {}, i === 0 ? 'splits' : 'rows')));
    nodes.push(h('div', { class: `stage ${s.kind}`, 'data-stage': s.name },
      h('h4', {}, s.name), h('div', { class: 'detail' }, s.detail),
      h('ol', {}, s.operators.map((o) => h('li', {}, o)))));
  });
  nodes.push(h('div', { class: 'edge' }, h('span', { class: 'arrow' }, '⟶'), h('span', {}, 'batch')));
  nodes.push(h('div', { class: 'stage endpoint' }, h('h4', {}, 'Sink'), h('div', { class: 'detail' }, sink)));
  replace('q-stages', h('div', { style: 'display: contents' }, nodes));
}

function drawBatches(d) {
  replace('q-batches', table([
    { title: 'Batch', value: (p) => `#${p.batchId}`, num: true },
    { title: 'Time', value: (p) => clock(p.timestampMs) },
    { title: 'Input rows', value: (p) => num(p.numInputRows), num: true },
    { title: 'Output rows', value: (p) => num(p.numOutputRows), num: true },
    { title: 'Input rate (rows/s)', value: (p) => num(p.inputRowsPerSecond), num: true },
    { title: 'Process rate (rows/s)', value: (p) => num(p.processedRowsPerSecond), num: true },
    { title: 'Duration', value: (p) => duration(p.batchDurationMs), num: true },
    { title: 'Parts (ms, non-zero)', value: (p) => Object.entries(p.durationMs).filter(([, v]) => v > 0).sort((a, b) => rank(a[0]) - rank(b[0])).map(([k, v]) => `${k} ${v}`).join(' · '), wrap: true },
    { title: 'State rows (total / upd / rem)', value: (p) => `${num(p.stateRowsTotal)} / ${num(p.stateRowsUpdated)} / ${num(p.stateRowsRemoved)}`, num: true },
    { title: 'Late rows', value: (p) => num(p.lateRowsDropped), num: true },
  ], d.recentBatches, 'No batch has run yet.'));
}

function onQuery(msg) {
  points = msg.reset ? msg.points : points.concat(msg.points).slice(-MAX_POINTS);
  detail = msg.detail;
  drawHeader(detail);
  drawStages(detail);
  drawWatermark(document.getElementById('q-watermark'), { watermarkMs: detail.watermarkMs, windows: detail.windows, nowMs: points.at(-1)?.timestampMs ?? null });
  drawCharts();
  drawBatches(detail);
}

document.getElementById('q-stop').addEventListener('click', async (e) => {
  e.currentTarget.disabled = true;
  e.currentTarget.textContent = 'Stopping…';
  await stopQuery(id).catch((err) => console.error(err));
});

live(`/api/queries/${encodeURIComponent(id)}/events`, { query: onQuery });
