import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStateStoreProvider } from '../../engine/state/memory-state-store.js';
import { describeStateStore } from './state-store.contract.js';

/** Checkpoints are directories; a restart is a new provider reading the same files. */
describeStateStore(
  'memory (file checkpoints)',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'kindling-state-'));
    let provider = new MemoryStateStoreProvider();
    let n = 0;
    return Promise.resolve({
      get provider() {
        return provider;
      },
      checkpoint: () => join(dir, `cp-${n++}`),
      async restart() {
        await provider.close();
        provider = new MemoryStateStoreProvider();
      },
      async close() {
        await provider.close();
        rmSync(dir, { recursive: true, force: true });
      },
    });
  },
  { fencing: false },
);
