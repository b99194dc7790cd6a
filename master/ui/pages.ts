/**
 * The UI's pages as server-rendered HTML: a header, the page's sections, and one small ES module
 * that fills them from the page's Server-Sent Events stream (see master/ui/static/).
 */

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function layout(title: string, body: string, script: string | undefined, data: Record<string, string> = {}, nav = true): string {
  const attrs = Object.entries(data)
    .map(([k, v]) => ` data-${k}="${escapeHtml(v)}"`)
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Kindling</title>
${script ? '<link rel="stylesheet" href="/ui/vendor/uPlot.min.css">\n' : ''}<link rel="stylesheet" href="/ui/style.css">
</head>
<body${attrs}>
<header class="top">
  <a class="brand" href="/">Kindling</a>
  ${nav ? '<nav><a href="/">Cluster</a></nav>' : ''}
  <span class="live" id="live" title="updates pushed by the master">${script ? 'connecting…' : ''}</span>
</header>
<main>
${body}
</main>
${script ? `<script type="module" src="/ui/${script}"></script>` : ''}
</body>
</html>
`;
}

export function clusterPage(): string {
  return layout(
    'Cluster',
    `<h1>Cluster</h1>
<section class="cards" id="master"></section>
<section><h2>Workers</h2><div id="workers" class="table-wrap"></div></section>
<section><h2>Streaming queries</h2><div id="queries" class="table-wrap"></div></section>
<section><h2>Sessions</h2><div id="sessions" class="table-wrap"></div></section>`,
    'cluster.js',
  );
}

export function queryPage(id: string): string {
  const chart = (key: string, title: string): string =>
    `<div class="metric" data-metric="${key}"><h3>${title}</h3><div class="pair"><div class="chart timeline" id="t-${key}"></div><div class="chart histogram" id="h-${key}"></div></div></div>`;
  return layout(
    'Query',
    `<div class="title-row"><h1 id="q-title">Streaming query</h1><span class="badge" id="q-status"></span><button class="stop" id="q-stop" hidden>Stop</button></div>
<p class="ids" id="q-ids"></p>
<section id="q-error" class="error" hidden><h2>Failed: <code id="q-error-class"></code></h2><pre id="q-error-message"></pre></section>
<section class="cards" id="q-cards"></section>
<section><h2>Stages</h2><div id="q-stages" class="stages"></div></section>
<section><h2>Watermark and windows in state</h2><div id="q-watermark" class="watermark"></div></section>
<section><h2>Streaming query statistics</h2>
<p class="hint">Timeline per batch (left) and histogram over the last <span id="q-count">0</span> batches (right).</p>
<div class="metrics">
${chart('inputRate', 'Input rate')}
${chart('processRate', 'Process rate')}
${chart('inputRows', 'Input rows')}
${chart('batchDuration', 'Batch duration')}
${chart('operationDuration', 'Operation duration')}
${chart('stateRows', 'State rows (total, updated, removed)')}
${chart('stateMemory', 'State memory')}
${chart('lateRows', 'Late rows dropped by the watermark')}
</div></section>
<section><h2>Recent batches</h2><div id="q-batches" class="table-wrap"></div></section>`,
    'query.js',
    { query: id },
  );
}

export function tablePage(name: string, args: { n: number; word: string }): string {
  return layout(
    `Table ${name}`,
    `<div class="title-row"><h1>Table <code>${escapeHtml(name)}</code></h1><a id="t-query" class="sub"></a></div>
<p class="ids" id="t-meta"></p>
<div class="table-charts">
<section id="t-keyed" hidden>
  <div class="controls"><label>Top N <input type="number" id="t-n" min="1" max="100" value="${args.n}"></label></div>
  <h2 id="t-top-title">Running counts of the latest window</h2>
  <div class="chart wide" id="t-top"></div>
  <ol id="t-top-list" class="top-list"></ol>
</section>
<section id="t-series">
  <div class="controls" id="t-word-controls"><label>Word <input list="t-words" id="t-word" value="${escapeHtml(args.word)}" autocomplete="off"></label><datalist id="t-words"></datalist></div>
  <h2 id="t-series-title">Count per window</h2>
  <div id="t-bars" class="hbars"></div>
</section>
</div>
<section id="t-rows" hidden><h2>Rows</h2><div id="t-rows-table" class="table-wrap"></div></section>`,
    'table.js',
    { table: name, n: String(args.n), word: args.word },
  );
}

export function loginPage(next: string, failed: boolean): string {
  return layout(
    'Sign in',
    `<form class="login" method="post" action="/login">
<h1>Sign in</h1>
<p>This master requires its access token (<code>--token</code>).</p>
${failed ? '<p class="error-text" role="alert">That token is not valid.</p>' : ''}
<label>Token <input type="password" name="token" autocomplete="current-password" autofocus required></label>
<input type="hidden" name="next" value="${escapeHtml(next)}">
<button type="submit">Sign in</button>
</form>`,
    undefined,
    {},
    false,
  );
}

export function notFoundPage(what: string): string {
  return layout('Not found', `<h1>Not found</h1><p>${escapeHtml(what)} is not here (it may have finished long ago). <a href="/">Back to the cluster</a>.</p>`, undefined);
}
