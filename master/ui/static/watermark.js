// The watermark on an event-time axis, with the windows the result still holds: open ones (the
// watermark has not passed their end, so late rows can still change them) and closed ones.
import { clock } from './common.js';

const SVG = 'http://www.w3.org/2000/svg';
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);

function el(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Draws into `host`; `nowMs` marks the latest batch's time. */
export function drawWatermark(host, { watermarkMs, windows, nowMs }) {
  host.dataset.watermark = watermarkMs === null ? '' : String(watermarkMs);
  if (watermarkMs === null || watermarkMs <= 0) {
    const text = watermarkMs === null ? 'This query has no watermark (no withWatermark before its aggregation).' : 'No watermark yet: no batch has seen event time.';
    host.replaceChildren(Object.assign(document.createElement('p'), { className: 'hint', textContent: text }));
    return;
  }
  const shown = windows.slice(-24);
  const lanes = [];
  const placed = shown.map((w) => {
    let lane = lanes.findIndex((end) => end <= w.startMs);
    if (lane < 0) { lane = lanes.length; lanes.push(0); }
    lanes[lane] = w.endMs;
    return { ...w, lane };
  });
  const times = [watermarkMs, nowMs ?? watermarkMs, ...shown.flatMap((w) => [w.startMs, w.endMs])].filter((t) => t > 0);
  let t0 = Math.min(...times);
  let t1 = Math.max(...times);
  if (t1 - t0 < 10_000) { t0 -= 5_000; t1 += 5_000; }
  const pad = (t1 - t0) * 0.03;
  t0 -= pad; t1 += pad;
  const width = Math.max(400, host.clientWidth - 16);
  const left = 10, right = width - 10;
  const laneH = 18, top = 40;
  const axisY = top + Math.max(1, lanes.length) * laneH + 8;
  const height = axisY + 40;
  const x = (t) => left + ((t - t0) / (t1 - t0)) * (right - left);
  const svg = el('svg', { viewBox: `0 0 ${width} ${height}`, height, role: 'img', 'aria-label': `watermark ${new Date(watermarkMs).toISOString()}` });
  for (const w of placed) {
    const y = top + w.lane * laneH;
    const g = el('g', { class: w.open ? 'window open' : 'window closed' });
    g.append(el('rect', { x: x(w.startMs) + 1, y, width: Math.max(1, x(w.endMs) - x(w.startMs) - 2), height: laneH - 4, rx: 3, fill: w.open ? '#fed7aa' : '#e5e7eb', stroke: w.open ? '#c2410c' : '#9ca3af' }));
    g.append(el('title', {}, `${clock(w.startMs)}–${clock(w.endMs)}: ${w.rows} rows, ${w.open ? 'open' : 'closed (watermark passed its end)'}`));
    const label = `${clock(w.startMs)}–${clock(w.endMs)} · ${w.rows} rows`;
    if (x(w.endMs) - x(w.startMs) > label.length * 6.2 + 8) g.append(el('text', { x: x(w.startMs) + 4, y: y + 10, 'font-size': 10.5, fill: '#1d2330' }, label));
    svg.append(g);
  }
  // Axis with ticks every `step`.
  svg.append(el('line', { x1: left, x2: right, y1: axisY, y2: axisY, stroke: '#9ca3af' }));
  const step = STEPS.find((s) => (t1 - t0) / s <= 8) ?? STEPS[STEPS.length - 1];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    svg.append(el('line', { x1: x(t), x2: x(t), y1: axisY, y2: axisY + 5, stroke: '#9ca3af' }));
    svg.append(el('text', { x: x(t), y: axisY + 17, 'font-size': 11, 'text-anchor': 'middle', fill: '#5b6475' }, clock(t)));
  }
  svg.append(el('text', { x: right, y: axisY + 34, 'font-size': 11, 'text-anchor': 'end', fill: '#5b6475', 'font-weight': 600 }, 'event time (local, HH:MM:SS)'));
  // Two label rows, so the watermark's and the latest batch's labels never overlap.
  const marker = (t, color, text, row, dashed) => {
    const y = row === 0 ? 12 : 27;
    svg.append(el('line', { x1: x(t), x2: x(t), y1: y + 3, y2: axisY, stroke: color, 'stroke-width': 2, 'stroke-dasharray': dashed ? '4 3' : '' }));
    const rightHalf = x(t) > (left + right) / 2;
    // A white halo keeps a label readable where the other marker's line crosses it.
    svg.append(el('text', { x: x(t) + (rightHalf ? -4 : 4), y, 'font-size': 11.5, 'font-weight': 600, fill: color, 'text-anchor': rightHalf ? 'end' : 'start', stroke: '#fff', 'stroke-width': 4, 'paint-order': 'stroke' }, text));
  };
  marker(watermarkMs, '#b91c1c', `watermark ${clock(watermarkMs)}`, 0, false);
  if (nowMs) marker(nowMs, '#4b5563', `latest batch ${clock(nowMs)}`, 1, true);
  const open = shown.filter((w) => w.open).length;
  const legend = document.createElement('div');
  legend.className = 'legend';
  legend.innerHTML = `<span><span class="swatch" style="background:#fed7aa;border:1px solid #c2410c"></span>open window (${open})</span>` +
    `<span><span class="swatch" style="background:#e5e7eb;border:1px solid #9ca3af"></span>closed: the watermark passed its end (${shown.length - open})</span>` +
    `<span>watermark <b id="q-watermark-value">${new Date(watermarkMs).toISOString()}</b></span>` +
    (windows.length > shown.length ? `<span>showing the latest ${shown.length} of ${windows.length} windows</span>` : '');
  host.replaceChildren(svg, legend);
}
