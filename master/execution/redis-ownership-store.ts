import { ConcurrentModificationError, ExecutionError } from '../../engine/errors/errors.js';
import { OwnershipKeys, StateKeys } from '../../infra/redis/keys.js';
import { redisCall, replicated, type RedisClient } from '../../infra/redis/call.js';
import { LuaScript } from '../../infra/redis/lua-script.js';
import type { Ownership } from './partition-ownership.js';
import type { OwnershipStore } from './stage-scheduler.js';

/** The stateful operator whose partitions the scheduler hands out (the only one a plan has). */
const OPERATOR_ID = 0;

/** Raises a partition's fencing epoch (and run): returns the epoch in force, or -1 - run when a newer run holds it. */
const RAISE_EPOCH = new LuaScript('raise-epoch');

/** Deletes the ownership unless a newer run recorded it. */
const DELETE_IF_NOT_NEWER = new LuaScript('delete-ownership');

/**
 * Partition ownership of each query in Redis (`OwnershipKeys.owners`, JSON `{owners, epochs, run}`),
 * and the fencing that goes with it: before the new ownership is recorded (and so before any task
 * of it runs), every partition's epoch is raised in its state meta hash (`StateKeys.meta`, field
 * `epoch`), where the state store's script refuses writes carrying an older epoch. A stale owner
 * still working with its old epoch can then no longer change the partition's state.
 */
export class RedisOwnershipStore implements OwnershipStore {
  constructor(private readonly redis: RedisClient) {}

  async get(queryId: string): Promise<Ownership | undefined> {
    const key = OwnershipKeys.owners(queryId);
    const text = await redisCall(`reading the partition owners of query ${queryId}`, () => this.redis.get(key));
    return text === null ? undefined : parseOwnership(text, key);
  }

  /** Returns the ownership as recorded: epochs may be raised past ones already fenced in state. */
  async set(queryId: string, ownership: Ownership, checkpoint?: string): Promise<Ownership> {
    let recorded = ownership;
    if (checkpoint !== undefined) {
      const previous = await this.get(queryId);
      const epochs = await redisCall(`fencing the state partitions of query ${queryId}`, () =>
        Promise.all(
          ownership.owners.map(async (owner, p) => {
            const moved = previous?.owners[p] !== owner ? '1' : '0';
            const key = StateKeys.meta(checkpoint, OPERATOR_ID, p);
            return Number(await RAISE_EPOCH.run(this.redis, [key], [ownership.epochs[p] ?? 0, moved, ownership.run ?? '']));
          }),
        ),
      );
      const fencedBy = Math.min(...epochs);
      if (fencedBy < 0) {
        throw new ConcurrentModificationError(
          `Run ${ownership.run ?? '?'} of query ${queryId} found state partitions of checkpoint ${checkpoint} held by the newer run ${-1 - fencedBy}; this run stops.`,
        );
      }
      await Promise.all(ownership.owners.map((_, p) => replicated(this.redis, StateKeys.meta(checkpoint, OPERATOR_ID, p), `fencing the state partitions of query ${queryId}`)));
      recorded = { owners: ownership.owners, epochs, ...(ownership.run === undefined ? {} : { run: ownership.run }) };
    }
    const text = JSON.stringify({ owners: recorded.owners, epochs: recorded.epochs, ...(recorded.run === undefined ? {} : { run: recorded.run }) });
    await redisCall(`recording the partition owners of query ${queryId}`, () => this.redis.set(OwnershipKeys.owners(queryId), text));
    await replicated(this.redis, OwnershipKeys.owners(queryId), `recording the partition owners of query ${queryId}`);
    return recorded;
  }

  async delete(queryId: string, run: number): Promise<void> {
    await redisCall(`deleting the partition owners of query ${queryId}`, () => DELETE_IF_NOT_NEWER.run(this.redis, [OwnershipKeys.owners(queryId)], [run]));
  }
}

function parseOwnership(text: string, key: string): Ownership {
  try {
    const o = JSON.parse(text) as { owners?: unknown; epochs?: unknown; run?: unknown };
    const owners = o.owners;
    const epochs = o.epochs;
    if (!Array.isArray(owners) || !owners.every((x) => typeof x === 'string')) throw new Error('owners must be strings');
    if (!Array.isArray(epochs) || epochs.length !== owners.length || !epochs.every((x) => Number.isInteger(x))) {
      throw new Error('epochs must be one integer per partition');
    }
    if (o.run !== undefined && !Number.isInteger(o.run)) throw new Error('run must be an integer');
    return { owners: owners as string[], epochs: epochs as number[], ...(typeof o.run === 'number' ? { run: o.run } : {}) };
  } catch (e) {
    throw new ExecutionError(`Cannot parse the partition ownership in ${key}: ${(e as Error).message}`, { cause: e });
  }
}
