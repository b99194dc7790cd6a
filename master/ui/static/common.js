// Shared by the pages: the live connection, number and time formats, small DOM helpers.

/** Opens the page's Server-Sent Events stream; `on(event, data)` runs for each event. */
export function live(url, handlers) {
  const status = document.getElementById('live');
  const source = new EventSource(url);
  source.onopen = () => { status.textContent = 'live'; status.classList.add('on'); };
  source.onerror = () => { status.textContent = 'reconnecting…'; status.classList.remove('on'); };
  for (const [event, handler] of Object.entries(handlers)) {
    source.addEventListener(event, (e) => handler(JSON.parse(e.data)));
  }
  return source;
}

/** Builds an element: h('td', {class: 'num'}, '12'). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) el.append(c instanceof Node ? c : String(c));
  return el;
}

/** A table of `rows` with `columns` [{title, value(row), num?}]; a message when empty. */
export function table(columns, rows, empty = 'None.') {
  if (rows.length === 0) return h('div', { class: 'empty' }, empty);
  return h('table', {},
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { class: c.num ? 'num' : undefined }, c.title)))),
    h('tbody', {}, rows.map((r) => h('tr', c0(r), columns.map((c) => h('td', { class: c.num ? 'num' : c.wrap ? 'wrap' : undefined }, c.value(r)))))));
}
function c0(r) { return r && r.id ? { 'data-id': r.id } : {}; }

export function replace(id, node) {
  const el = document.getElementById(id);
  el.replaceChildren(node);
}

const numberFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
export function num(n) { return n === null || n === undefined ? '–' : numberFormat.format(n); }

export function bytes(n) {
  if (n === null || n === undefined) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${numberFormat.format(n)} ${units[i]}`;
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** HH:MM:SS in the browser's time zone. */
export function clock(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  return new Date(ms).toLocaleTimeString('en-GB', { hour12: false });
}

export function statusOf(q) {
  if (q.exception) return 'failed';
  return q.isActive ? 'active' : 'stopped';
}

/** Stops a query over HTTP (the login cookie goes along); resolves to the answer's JSON. */
export async function stopQuery(id) {
  const res = await fetch(`/api/queries/${encodeURIComponent(id)}/stop`, { method: 'POST' });
  if (!res.ok) throw new Error(`stop failed: ${res.status}`);
  return res.json();
}
