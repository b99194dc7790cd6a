import type { RedisClient, RedisConnect } from './call.js';

/** Closes clients politely (QUIT), or at once when the connection is already gone. */
export async function quitAll(clients: Iterable<RedisClient>): Promise<void> {
  await Promise.all([...clients].map((c) => c.quit().catch(() => c.disconnect())));
}

/**
 * One client per URL, opened through `connect` on first use and closed together: what a source
 * or split reader that reads from user-given Redis URLs (the `redis` stream format) keeps.
 */
export class ClientsByUrl {
  private readonly clients = new Map<string, RedisClient>();

  constructor(private readonly connect: RedisConnect) {}

  get(url: string): RedisClient {
    let c = this.clients.get(url);
    if (!c) this.clients.set(url, (c = this.connect(url)));
    return c;
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await quitAll(all);
  }
}
