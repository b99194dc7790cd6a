import { ExecutionError } from '../../engine/errors/errors.js';
import { OwnershipKeys, StateKeys } from '../../engine/redis-keys.js';
import { LuaScript, redisCall, replicated, type RedisClient } from '../redis/redis-call.js';
import type { Ownership } from './partition-ownership.js';
import type { OwnershipStore } from './stage-scheduler.js';

/** The stateful operator whose partitions the scheduler hands out (the only one a plan has). */
const OPERATOR_ID = 0;

/**
 * Raises field `epoch` of a partition's state meta hash, never lowers it, and returns the epoch in
 * force. ARGV[2] = 1 when the partition changes hands: its new owner must then be strictly newer
 * than any epoch already fenced (after a restart the scheduler may propose epochs from 1 again).
 */
const RAISE_EPOCH = new LuaScript(`
local raw = redis.call('HGET', KEYS[1], 'epoch')
local cur = -1
if raw then cur = tonumber(raw) or -1 end
local want = tonumber(ARGV[1])
if ARGV[2] == '1' and want <= cur then want = cur + 1 end
if want > cur then
  redis.call('HSET', KEYS[1], 'epoch', want)
  return want
end
return cur
`);

/**
 * Partition ownership of each query in Redis (`OwnershipKeys.owners`, JSON `{owners, epochs}`),
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
            return Number(await RAISE_EPOCH.run(this.redis, [key], [ownership.epochs[p] ?? 0, moved]));
          }),
        ),
      );
      await Promise.all(ownership.owners.map((_, p) => replicated(this.redis, StateKeys.meta(checkpoint, OPERATOR_ID, p), `fencing the state partitions of query ${queryId}`)));
      recorded = { owners: ownership.owners, epochs };
    }
    const text = JSON.stringify({ owners: recorded.owners, epochs: recorded.epochs });
    await redisCall(`recording the partition owners of query ${queryId}`, () => this.redis.set(OwnershipKeys.owners(queryId), text));
    await replicated(this.redis, OwnershipKeys.owners(queryId), `recording the partition owners of query ${queryId}`);
    return recorded;
  }

  async delete(queryId: string): Promise<void> {
    await redisCall(`deleting the partition owners of query ${queryId}`, () => this.redis.del(OwnershipKeys.owners(queryId)));
  }
}

function parseOwnership(text: string, key: string): Ownership {
  try {
    const o = JSON.parse(text) as { owners?: unknown; epochs?: unknown };
    const owners = o.owners;
    const epochs = o.epochs;
    if (!Array.isArray(owners) || !owners.every((x) => typeof x === 'string')) throw new Error('owners must be strings');
    if (!Array.isArray(epochs) || epochs.length !== owners.length || !epochs.every((x) => Number.isInteger(x))) {
      throw new Error('epochs must be one integer per partition');
    }
    return { owners: owners as string[], epochs: epochs as number[] };
  } catch (e) {
    throw new ExecutionError(`Cannot parse the partition ownership in ${key}: ${(e as Error).message}`, { cause: e });
  }
}
