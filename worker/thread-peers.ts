import type { MessagePort } from 'node:worker_threads';
import { ExecutionError } from '../engine/errors/errors.js';
import { errorFromWire, errorToWire } from '../engine/errors/wire.js';
import type { PeerMessage, ThreadShuffleStats } from '../engine/exec/thread-protocol.js';
import type { ShuffleBlock, ShuffleTransport } from '../engine/exec/task.js';

interface Peer {
  readonly port: MessagePort;
  /** Blocks posted to this peer and not yet acknowledged, by message id. */
  readonly pending: Map<number, { resolve: () => void; reject: (e: Error) => void }>;
}

/**
 * Local mode's shuffle between worker threads: one MessageChannel per pair of threads, set up by
 * the master, so a map task's block goes to its owner in one structured clone and the master's
 * thread (which also serves clients and drives batches) never touches it. A push resolves once the
 * owner has the block in its inbox, so the map task's "done" (which the master waits for before it
 * sends reduce tasks over another channel) can never overtake its blocks. A peer that goes away
 * (its thread exited) fails the pushes waiting on it: the batch attempt fails and is retried.
 */
export class ThreadPeers implements ShuffleTransport {
  private readonly peers = new Map<string, Peer>();
  private nextId = 0;
  private sent = 0;
  private received = 0;

  constructor(
    private readonly selfId: string,
    private readonly deliver: (block: ShuffleBlock) => void,
  ) {}

  /** Takes this thread's end of the channel to `workerId` (replacing an older one). */
  connect(workerId: string, port: MessagePort): void {
    this.drop(workerId, 'was replaced');
    const peer: Peer = { port, pending: new Map() };
    this.peers.set(workerId, peer);
    port.on('message', (m: PeerMessage) => this.onMessage(peer, m));
    // Emitted when either end closes, also when the other thread exits or is terminated.
    port.once('close', () => {
      if (this.peers.get(workerId) === peer) this.drop(workerId, 'exited');
    });
  }

  push(workerId: string, block: ShuffleBlock): Promise<void> {
    if (workerId === this.selfId) {
      this.deliver(block);
      return Promise.resolve();
    }
    const peer = this.peers.get(workerId);
    if (!peer) return Promise.reject(new ExecutionError(`No worker thread ${workerId} to receive shuffle data.`));
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      peer.pending.set(id, { resolve, reject });
      // RecordBatch values are plain JS arrays (strings, bigints, objects), so there is nothing to
      // transfer: the one structured clone here is the only copy the block makes.
      peer.port.postMessage({ type: 'block', id, block } satisfies PeerMessage);
      this.sent++;
    });
  }

  stats(): ThreadShuffleStats {
    return { blocksSent: this.sent, blocksReceived: this.received, peers: [...this.peers.keys()] };
  }

  private onMessage(peer: Peer, m: PeerMessage): void {
    switch (m.type) {
      case 'block': {
        let reply: PeerMessage;
        try {
          this.deliver(m.block);
          this.received++;
          reply = { type: 'blockAck', id: m.id };
        } catch (e) {
          reply = { type: 'blockAck', id: m.id, error: errorToWire(e) };
        }
        peer.port.postMessage(reply);
        break;
      }
      case 'blockAck': {
        const p = peer.pending.get(m.id);
        peer.pending.delete(m.id);
        if (m.error) p?.reject(errorFromWire(m.error));
        else p?.resolve();
        break;
      }
      default: {
        const never: never = m;
        throw new Error(`unknown peer message ${JSON.stringify(never)}`);
      }
    }
  }

  private drop(workerId: string, why: string): void {
    const peer = this.peers.get(workerId);
    if (!peer) return;
    this.peers.delete(workerId);
    const err = new ExecutionError(`Worker thread ${workerId} ${why} before it acknowledged shuffle data.`);
    for (const p of peer.pending.values()) p.reject(err);
    peer.pending.clear();
    peer.port.close();
  }
}
