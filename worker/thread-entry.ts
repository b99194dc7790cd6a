import { parentPort, workerData } from 'node:worker_threads';
import { builtinSplitReaders } from '../engine/connectors/index.js';
import { errorToWire } from '../engine/errors/wire.js';
import type { FromWorker, ThreadWorkerData, ToWorker } from '../engine/exec/thread-protocol.js';
import { TaskRunner } from '../engine/exec/task-runner.js';
import { defaultRegistry } from '../engine/functions/builtin/index.js';
import { defaultOperators } from '../engine/physical/operators/index.js';
import { MemoryStateStoreProvider } from '../engine/state/memory-state-store.js';
import { ThreadPeers } from './thread-peers.js';

/**
 * A worker in a thread of the local-mode process: a TaskRunner whose tasks arrive from the master
 * thread by message and whose shuffle blocks go to and come from the other threads directly
 * (`ThreadPeers`). Its state stays in this thread (partition ownership is sticky; checkpoint files
 * back it).
 */
const port = parentPort;
if (!port) throw new Error('thread-entry must run in a worker thread');
const data = workerData as ThreadWorkerData;

const post = (m: FromWorker): void => port.postMessage(m);

const peers = new ThreadPeers(data.workerId, (block) => runner.receive(block));
const runner = new TaskRunner({
  workerId: data.workerId,
  registry: defaultRegistry,
  operators: defaultOperators,
  splitReaders: builtinSplitReaders(),
  stateStores: new Map([['memory', new MemoryStateStoreProvider()]]),
  shuffle: peers,
});

port.on('message', (m: ToWorker) => {
  const reply = (id: number, work: () => Promise<unknown> | unknown): void => {
    Promise.resolve()
      .then(work)
      .then(
        (value) => post({ type: 'result', id, value }),
        (e: unknown) => post({ type: 'result', id, error: errorToWire(e) }),
      );
  };
  switch (m.type) {
    case 'runMap':
      reply(m.id, () => runner.runMap(m.task));
      break;
    case 'runReduce':
      reply(m.id, () => runner.runReduce(m.task));
      break;
    case 'releaseQuery':
      reply(m.id, () => runner.releaseQuery(m.queryId));
      break;
    case 'peer':
      peers.connect(m.workerId, m.port);
      break;
    case 'shuffleStats':
      reply(m.id, () => peers.stats());
      break;
    default: {
      const never: never = m;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});
