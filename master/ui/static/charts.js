// uPlot wrappers: a per-batch timeline and a histogram of the same values (Spark's pairs), and
// category bars. Every axis carries its unit.
import uPlot from '/ui/vendor/uPlot.esm.js';

export const COLORS = ['#2563eb', '#c2410c', '#15803d', '#7c3aed', '#0891b2', '#b45309', '#be185d', '#4b5563'];

const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2, notation: 'compact' });
const tickFormat = (u, vals) => vals.map((v) => (v === null ? '' : fmt.format(v)));
const axisStyle = { stroke: '#5b6475', grid: { stroke: '#eceef2', width: 1 }, ticks: { stroke: '#dde1e8', width: 1 }, font: '11px system-ui, sans-serif', labelFont: '600 11px system-ui, sans-serif' };

function sized(el, make) {
  const width = () => Math.max(200, el.clientWidth);
  const chart = make(width());
  new ResizeObserver(() => chart.setSize({ width: width(), height: chart.height })).observe(el);
  return chart;
}

/**
 * A timeline over batches: x = batch time, one line per series. `stacked` draws the series as
 * stacked areas (legend values stay the parts, not the sums).
 */
const timeTicks = (u, vals) => vals.map((v) => (v === null ? '' : new Date(v * 1000).toLocaleTimeString('en-GB', { hour12: false })));

export function timeline(el, { unit, series, stacked = false, height = 190, format = tickFormat, ySize = 56 }) {
  let raw = series.map(() => []);
  const chart = sized(el, (width) => new uPlot({
    width, height,
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      { ...axisStyle, label: 'batch time (local, HH:MM:SS)', labelSize: 16, size: 36, values: timeTicks, space: 70 },
      { ...axisStyle, label: unit, labelSize: 16, size: ySize, values: format },
    ],
    series: [
      { label: 'time', value: (u, v) => (v === null ? '–' : new Date(v * 1000).toLocaleTimeString('en-GB', { hour12: false })) },
      ...series.map((s, i) => ({
        label: `${s.label} (${unit})`,
        stroke: s.color ?? COLORS[i % COLORS.length],
        fill: stacked || s.fill ? `${s.color ?? COLORS[i % COLORS.length]}33` : undefined,
        width: 1.5,
        points: { show: false },
        value: (u, v, si, idx) => { const r = raw[si - 1]?.[idx]; return r === null || r === undefined ? '–' : fmt.format(r); },
      })),
    ],
    // One series: the chart's title names it. Several: a legend of names (values on hover would jump).
    legend: { show: series.length > 1, live: false },
  }, [[], ...series.map(() => [])], el));
  return {
    /** xs: batch times in ms; ys: one array per series. */
    update(xs, ys) {
      raw = ys;
      // What the chart shows, for tests and for reading without a cursor.
      el.dataset.points = String(xs.length);
      el.dataset.last = JSON.stringify(ys.map((s) => s.at(-1) ?? null));
      let data = ys;
      if (stacked) {
        // Later series are drawn over earlier ones: the first series holds the total.
        const sums = xs.map(() => 0);
        const cumulative = [];
        for (let s = ys.length - 1; s >= 0; s--) {
          cumulative[s] = ys[s].map((v, i) => (sums[i] += v ?? 0));
        }
        data = cumulative;
      }
      chart.setData([xs.map((t) => t / 1000), ...data]);
    },
  };
}

/** A histogram: how many batches fell in each of `bins` value ranges. */
export function histogram(el, { unit, color = COLORS[0], bins = 16, height = 190, format = tickFormat, ySize }) {
  let half = 0.5;
  const chart = sized(el, (width) => new uPlot({
    width, height,
    scales: { x: { time: false, range: (u, min, max) => (min === null ? [0, 1] : [min - half, max + half]) }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { ...axisStyle, label: unit, labelSize: 16, size: 36, values: format, ...(ySize ? { space: ySize + 10 } : {}) },
      { ...axisStyle, label: 'batches', labelSize: 16, size: 46, values: tickFormat },
    ],
    series: [
      { label: unit, value: (u, v) => (v === null ? '–' : `≈${fmt.format(v)}`) },
      { label: 'batches', stroke: color, fill: `${color}66`, width: 1, paths: uPlot.paths.bars({ size: [0.92, Infinity] }), points: { show: false } },
    ],
    legend: { show: false },
  }, [[], []], el));
  return {
    update(values) {
      const vs = values.filter((v) => v !== null && v !== undefined && Number.isFinite(v));
      el.dataset.points = String(vs.length);
      if (vs.length === 0) return chart.setData([[], []]);
      let min = Math.min(...vs);
      let max = Math.max(...vs);
      if (max === min) { min = Math.max(0, min - 0.5); max = min + 1; }
      const width = (max - min) / bins;
      half = width / 2;
      const counts = new Array(bins).fill(0);
      for (const v of vs) counts[Math.min(bins - 1, Math.floor((v - min) / width))]++;
      // Empty bins as gaps, not as zero-height bars drawn along the axis.
      chart.setData([counts.map((_, i) => min + width * (i + 0.5)), counts.map((c) => (c === 0 ? null : c))]);
    },
  };
}

/** Vertical bars over categories (e.g. words), sorted as given. */
export function categoryBars(el, { unit, category, color = COLORS[1], height = 320 }) {
  let labels = [];
  const chart = sized(el, (width) => new uPlot({
    width, height,
    scales: { x: { time: false, range: (u, min, max) => [-0.6, Math.max(0, labels.length - 1) + 0.6] }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.12)] } },
    axes: [
      { ...axisStyle, label: category, labelSize: 16, size: 56, rotate: -30, splits: () => labels.map((_, i) => i), values: () => labels, gap: 4 },
      { ...axisStyle, label: unit, labelSize: 16, size: 56, values: tickFormat },
    ],
    series: [
      { label: category, value: (u, v) => (v === null ? '–' : labels[v] ?? '–') },
      { label: unit, stroke: color, fill: `${color}99`, width: 1, paths: uPlot.paths.bars({ size: [0.7, 60] }), points: { show: false } },
    ],
    legend: { show: false },
    hooks: { draw: [labelBars] },
  }, [[], []], el));
  return {
    update(items) {
      labels = items.map((i) => i.key);
      chart.setData([items.map((_, i) => i), items.map((i) => i.value)]);
    },
  };
}

/** Writes each bar's value above it (exact counts, not just heights). */
function labelBars(u) {
  const ctx = u.ctx;
  const ratio = window.devicePixelRatio || 1;
  ctx.save();
  ctx.font = `600 ${11 * ratio}px system-ui, sans-serif`;
  ctx.fillStyle = '#1d2330';
  ctx.textAlign = 'center';
  u.data[1].forEach((v, i) => {
    if (v === null || v === undefined) return;
    ctx.fillText(new Intl.NumberFormat('en-US').format(v), u.valToPos(u.data[0][i], 'x', true), u.valToPos(v, 'y', true) - 5 * ratio);
  });
  ctx.restore();
}
