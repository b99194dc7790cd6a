import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * A Server-Sent Events stream: `send(event, data)` writes one event; a comment every 15 s keeps
 * proxies from closing an idle stream. `onClose` runs once when the client goes away.
 */
export function openEventStream(req: IncomingMessage, res: ServerResponse, onClose: () => void): (event: string, data: unknown) => void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  res.write('retry: 2000\n\n');
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  keepAlive.unref();
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(keepAlive);
    onClose();
  };
  req.once('close', close);
  res.once('close', close);
  return (event, data) => {
    if (!closed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
}

/** Runs `f` at most once per `ms` (the last call wins), so bursts of batches send one update. */
export function throttle(ms: number, f: () => void): { (): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  const run = (): void => {
    timer = undefined;
    last = Date.now();
    f();
  };
  const call = (): void => {
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(run, wait);
  };
  call.cancel = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
