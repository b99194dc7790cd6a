// A live memory table: the seed notebook's two charts, pushed as batches commit. Keyed tables
// (window, word, count): the latest window's top N, and one word's count per window. Series
// tables (window, count: `catpm`): the count per window.
import { categoryBars } from './charts.js';
import { clock, h, live, num, replace, table } from './common.js';

const name = document.body.dataset.table;
let n = Number(document.body.dataset.n) || 10;
let word = document.body.dataset.word || 'cat';
let source = null;
let top = null;

function connect() {
  source?.close();
  const params = new URLSearchParams({ n: String(n), word });
  history.replaceState(null, '', `/tables/${encodeURIComponent(name)}?${params}`);
  source = live(`/api/tables/${encodeURIComponent(name)}/events?${params}`, { table: render });
}

function range(w) {
  return `${clock(w.startMs)}–${clock(w.endMs)}`;
}

function render(t) {
  const q = document.getElementById('t-query');
  q.textContent = `query ${t.queryName ?? t.queryId}${t.isActive ? '' : ' (stopped)'}`;
  q.href = `/queries/${encodeURIComponent(t.queryId)}`;
  document.getElementById('t-meta').textContent = `${num(t.numRows)} rows after batch ${t.batchId} · columns ${t.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`;
  document.getElementById('t-keyed').hidden = t.shape !== 'keyed';
  document.getElementById('t-series').hidden = t.shape === 'rows';
  document.getElementById('t-rows').hidden = t.shape !== 'rows';
  document.getElementById('t-word-controls').hidden = t.shape !== 'keyed';
  if (t.shape === 'rows') {
    replace('t-rows-table', table(t.columns.map((c, i) => ({ title: c.name, value: (r) => JSON.stringify(r[i]) })), t.rows, 'Empty.'));
    return;
  }
  if (t.shape === 'keyed') {
    document.getElementById('t-top-title').textContent = t.latestWindow
      ? `Top ${n} ${t.keyColumn}s of the latest window (${range(t.latestWindow)}), by ${t.valueColumn}`
      : 'No window yet';
    top ??= categoryBars(document.getElementById('t-top'), { unit: `${t.valueColumn} (occurrences)`, category: t.keyColumn });
    top.update(t.top);
    replace('t-top-list', h('div', { style: 'display: contents' }, t.top.map((r) => h('li', { 'data-key': r.key, 'data-value': r.value }, `${r.key}: ${r.value}`))));
    replace('t-words', h('div', { style: 'display: contents' }, t.keys.map((k) => h('option', { value: k }))));
    document.getElementById('t-series-title').textContent = `'${t.word}' per window (${t.valueColumn}, occurrences)`;
  } else {
    document.getElementById('t-series-title').textContent = `${t.valueColumn} per window (occurrences, summed over the window's rows)`;
  }
  drawBars(t.perWindow);
}

/** The smallest 1, 2 or 4 (× 10^k) multiple of 4 at or above `v`, so the quarter ticks are round. */
function niceMax(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 4, 8, 10].map((m) => m * p).find((m) => m >= v) ?? 10 * p;
}

/** Horizontal bars, newest window on top, with a scale and the value at each bar's end. */
function drawBars(perWindow) {
  const rows = [...perWindow].reverse().slice(0, 30);
  const max = niceMax(Math.max(1, ...rows.map((r) => r.value)));
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => num(max * f));
  const host = document.getElementById('t-bars');
  if (rows.length === 0) {
    host.replaceChildren(h('div', { class: 'empty' }, 'No windows yet.'));
    return;
  }
  host.replaceChildren(
    h('div', { class: 'hbar-axis' }, h('span', {}, 'window (local time)'), h('span', { class: 'ticks' }, ticks.map((t) => h('span', {}, t))), h('span', {}, '')),
    ...rows.map((r) => h('div', { class: 'hbar', 'data-window-start': r.startMs, 'data-value': r.value },
      h('span', { class: 'label' }, range(r)),
      h('span', { class: 'track' }, h('span', { class: 'fill', style: `width: ${(100 * r.value) / max}%; display: block` })),
      h('span', { class: 'value' }, num(r.value)))));
}

document.getElementById('t-n').addEventListener('change', (e) => {
  n = Math.max(1, Math.min(100, Number(e.target.value) || 10));
  connect();
});
document.getElementById('t-word').addEventListener('change', (e) => {
  word = e.target.value.trim() || 'cat';
  connect();
});

connect();
