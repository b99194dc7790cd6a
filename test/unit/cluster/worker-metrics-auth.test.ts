import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { startHealthServer } from '../../../worker/health-server.js';

describe("the worker's metrics port", () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function serve(token: string): Promise<string> {
    const registry = new Registry();
    registry.setDefaultLabels({ worker: 'w1' });
    const server = await startHealthServer('127.0.0.1', 0, registry, { live: () => true, ready: () => true }, token);
    closers.push(server.close);
    return `http://127.0.0.1:${server.port}`;
  }

  it('answers /metrics only with the cluster secret as a bearer token; the probes stay open', async () => {
    const url = await serve('s3cret');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const anonymous = await fetch(`${url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toContain('--metrics-open');
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const authorized = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer s3cret' } });
    expect(authorized.status).toBe(200);
  });

  it('is open without a token (--metrics-open, or --insecure with no secret)', async () => {
    const url = await serve('');
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });
});
