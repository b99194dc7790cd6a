// The cluster page: master and Redis, workers, queries (with stop buttons), sessions.
import { bytes, clock, duration, h, live, num, replace, statusOf, stopQuery, table } from './common.js';

function card(k, v, attrs = {}) {
  return h('div', { class: 'card', ...attrs }, h('div', { class: 'k' }, k), h('div', { class: 'v' }, v));
}

function render(c) {
  const alive = c.workers.filter((w) => w.state === 'ALIVE');
  const local = c.master.mode === 'local';
  const active = c.queries.filter((q) => q.isActive);
  replace('master', h('div', { style: 'display: contents' },
    card('Mode', c.master.mode),
    card('Redis', c.master.redis, { 'data-redis': c.master.redis }),
    card('Uptime', duration(c.master.uptimeMs)),
    card('Master memory (RSS)', bytes(c.master.rssBytes)),
    card('Workers alive', `${alive.length} / ${c.workers.length}`),
    card('Cores', num(alive.reduce((a, w) => a + w.cores, 0))),
    card('Active queries', num(active.length)),
    card('Sessions', num(c.sessions.length))));
  replace('workers', table([
    { title: 'Worker', value: (w) => w.id },
    { title: 'Address', value: (w) => w.address },
    { title: 'State', value: (w) => h('span', { class: `state-${w.state}` }, w.state) },
    { title: 'Cores', value: (w) => num(w.cores), num: true },
    { title: 'State partitions', value: (w) => num(w.partitionsOwned), num: true },
    { title: 'Heartbeat age', value: (w) => (local ? '–' : duration(w.heartbeatAgeMs)), num: true },
    { title: 'Tasks running', value: (w) => (local ? '–' : num(w.runningTasks)), num: true },
    { title: 'Memory (RSS)', value: (w) => (w.rssBytes ? bytes(w.rssBytes) : local ? 'in the master' : '–'), num: true },
  ], c.workers, 'No workers registered.'));
  replace('queries', table([
    { title: 'Name', value: (q) => h('a', { href: `/queries/${encodeURIComponent(q.id)}` }, q.name ?? '(unnamed)') },
    { title: 'Id', value: (q) => h('code', {}, q.id.slice(0, 8)) },
    { title: 'Status', value: (q) => h('span', { class: `badge ${statusOf(q)}` }, q.exception ? `failed: ${q.exception.errorClass ?? 'error'}` : q.isActive ? q.status.message : 'stopped') },
    { title: 'Session / user', value: (q) => `${q.sessionId.slice(0, 8)} / ${q.userId || '–'}` },
    { title: 'Input rate (rows/s)', value: (q) => num(q.inputRowsPerSecond), num: true },
    { title: 'Process rate (rows/s)', value: (q) => num(q.processedRowsPerSecond), num: true },
    { title: 'Last batch', value: (q) => (q.lastBatchId === null ? '–' : `#${q.lastBatchId} at ${clock(Date.parse(q.lastBatchAt))}`) },
    { title: 'Table', value: (q) => (q.table ? h('a', { href: `/tables/${encodeURIComponent(q.table)}` }, q.table) : '–') },
    { title: '', value: (q) => (q.isActive ? h('button', { class: 'stop', 'data-stop': q.id, onclick: onStop }, 'Stop') : '') },
  ], c.queries, 'No streaming queries yet.'));
  replace('sessions', table([
    { title: 'Session', value: (s) => h('code', {}, s.sessionId) },
    { title: 'User', value: (s) => s.userId || '–' },
    { title: 'Active queries', value: (s) => num(s.activeQueries), num: true },
  ], c.sessions, 'No sessions.'));
}

async function onStop(e) {
  const button = e.currentTarget;
  button.disabled = true;
  button.textContent = 'Stopping…';
  try {
    await stopQuery(button.dataset.stop);
  } catch (err) {
    button.textContent = 'Stop failed';
    console.error(err);
  }
}

live('/api/cluster/events', { cluster: render });
