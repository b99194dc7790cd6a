import { afterAll, beforeAll } from 'vitest';
import { RedisStateStoreProvider, type StateStoreLogger } from '../../worker/state/redis/redis-state-store.js';
import { RedisServer } from '../support/redis-server.js';
import { describeStateStore, type StateStoreFixture } from './state-store.contract.js';

const quietLog: StateStoreLogger = { warn: () => undefined, info: () => undefined };

let server: RedisServer;
let n = 0;

beforeAll(async () => {
  server = await RedisServer.start({ appendfsync: 'always' });
});

afterAll(async () => {
  await server.close();
});

/** A fixture whose restart closes the provider, optionally kills -9 and relaunches redis-server, and reconnects. */
function redisFixture(restartServer: boolean): () => Promise<StateStoreFixture> {
  return () => {
    let provider = new RedisStateStoreProvider({ url: server.url }, quietLog);
    return Promise.resolve({
      get provider() {
        return provider;
      },
      checkpoint: () => `contract/${restartServer ? 'server' : 'client'}-${n++}`,
      async restart() {
        await provider.close();
        if (restartServer) await server.restart();
        provider = new RedisStateStoreProvider({ url: server.url }, quietLog);
      },
      close: () => provider.close(),
    });
  };
}

describeStateStore('redis, restart = new connection', redisFixture(false), { fencing: true });
describeStateStore('redis, restart = redis-server kill -9 and relaunch (AOF, appendfsync always)', redisFixture(true), { fencing: true });
