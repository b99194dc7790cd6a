import { parentPort, workerData } from 'node:worker_threads';
import { builtinSplitReaders } from '../engine/connectors/index.js';
import { errorFromWire, errorToWire } from '../engine/errors/wire.js';
import type { FromWorker, ThreadWorkerData, ToWorker } from '../engine/exec/thread-protocol.js';
import { TaskRunner } from '../engine/exec/task-runner.js';
import type { ShuffleBlock } from '../engine/exec/task.js';
import { defaultRegistry } from '../engine/functions/builtin/index.js';
import { defaultOperators } from '../engine/physical/operators/index.js';
import { MemoryStateStoreProvider } from '../engine/state/memory-state-store.js';

/**
 * A worker in a thread of the local-mode process: a TaskRunner whose tasks and shuffle blocks
 * arrive from the master thread by message. Its state stays in this thread (partition ownership is
 * sticky; checkpoint files back it).
 */
const port = parentPort;
if (!port) throw new Error('thread-entry must run in a worker thread');
const data = workerData as ThreadWorkerData;

let nextPush = 0;
const pushes = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
const post = (m: FromWorker): void => port.postMessage(m);

const runner = new TaskRunner({
  workerId: data.workerId,
  registry: defaultRegistry,
  operators: defaultOperators,
  splitReaders: builtinSplitReaders(),
  stateStores: new Map([['memory', new MemoryStateStoreProvider()]]),
  shuffle: {
    push(target: string, block: ShuffleBlock): Promise<void> {
      if (target === data.workerId) {
        runner.receive(block);
        return Promise.resolve();
      }
      const id = nextPush++;
      return new Promise<void>((resolve, reject) => {
        pushes.set(id, { resolve, reject });
        post({ type: 'push', id, target, block });
      });
    },
  },
});

port.on('message', (m: ToWorker) => {
  const reply = (work: () => Promise<unknown> | unknown): void => {
    Promise.resolve()
      .then(work)
      .then(
        (value) => post({ type: 'result', id: m.id, value }),
        (e: unknown) => post({ type: 'result', id: m.id, error: errorToWire(e) }),
      );
  };
  switch (m.type) {
    case 'runMap':
      reply(() => runner.runMap(m.task));
      break;
    case 'runReduce':
      reply(() => runner.runReduce(m.task));
      break;
    case 'receive':
      reply(() => runner.receive(m.block));
      break;
    case 'releaseQuery':
      reply(() => runner.shuffleStore.releaseQuery(m.queryId));
      break;
    case 'pushAck': {
      const p = pushes.get(m.id);
      pushes.delete(m.id);
      if (m.error) p?.reject(errorFromWire(m.error));
      else p?.resolve();
      break;
    }
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});
