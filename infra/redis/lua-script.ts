import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InternalError } from '../../engine/errors/errors.js';
import type { RedisClient } from './call.js';

/**
 * The `lua/` folder beside this module: from source (`infra/redis/lua`), or from `dist/infra/redis`
 * (tsc copies no .lua files, so the built module reads them from the source tree it was built from,
 * which the docker image copies next to `dist/`).
 */
function luaDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'lua'), resolve(here, '..', '..', '..', 'infra', 'redis', 'lua')];
  const found = candidates.find((dir) => existsSync(dir));
  if (found === undefined) throw new InternalError(`cannot find the Redis Lua scripts (looked in ${candidates.join(', ')})`);
  return found;
}

/** What a script's header declares: how many KEYS and ARGV it takes. */
export interface LuaSignature {
  readonly keys: number;
  readonly args: number;
}

/**
 * Reads the header every script starts with: its leading `--` comment block names each key as
 * `-- KEYS[i] ...` and each argument as `-- ARGV[i] ...`, numbered from 1 without gaps; the body
 * may use no KEYS or ARGV index the header does not name. A script breaking this is a bug.
 */
export function luaSignature(name: string, source: string): LuaSignature {
  const lines = source.split('\n');
  const header: string[] = [];
  for (const line of lines) {
    if (!line.startsWith('--')) break;
    header.push(line);
  }
  const body = lines.slice(header.length).join('\n');
  const declared = (what: 'KEYS' | 'ARGV'): number => {
    const seen = new Set<number>();
    for (const line of header) {
      const m = new RegExp(`^--\\s*${what}\\[(\\d+)\\]`).exec(line);
      if (m) seen.add(Number(m[1]));
    }
    for (let i = 1; i <= seen.size; i++) if (!seen.has(i)) throw new InternalError(`Lua script ${name}: its header names ${what} up to ${Math.max(...seen)} but not ${what}[${i}]`);
    return seen.size;
  };
  const signature = { keys: declared('KEYS'), args: declared('ARGV') };
  if (signature.keys === 0) throw new InternalError(`Lua script ${name} has no header naming its KEYS (a script touches at least one key)`);
  for (const [what, n] of [['KEYS', signature.keys], ['ARGV', signature.args]] as const) {
    for (const m of body.matchAll(new RegExp(`\\b${what}\\[(\\d+)\\]`, 'g'))) {
      if (Number(m[1]) > n) throw new InternalError(`Lua script ${name} uses ${what}[${m[1]}], which its header does not name`);
    }
  }
  return signature;
}

/**
 * A Lua script from `lua/<name>.lua`, run by SHA1 (`EVALSHA`). When Redis does not know it (first
 * use, or after a restart) it is loaded with `SCRIPT LOAD` and run again by SHA1, so steady state
 * costs exactly one `EVALSHA` per call. Calls must pass exactly the KEYS and ARGV its header names.
 */
export class LuaScript {
  readonly source: string;
  readonly sha: string;
  readonly signature: LuaSignature;
  private readonly loading = new WeakMap<RedisClient, Promise<unknown>>();

  constructor(readonly name: string) {
    this.source = readFileSync(join(luaDir(), `${name}.lua`), 'utf8');
    this.sha = createHash('sha1').update(this.source).digest('hex');
    this.signature = luaSignature(name, this.source);
  }

  /**
   * Keys and arguments travel as one array: ioredis flattens it, and no huge argument spread is
   * made. A Buffer argument goes as its bytes (a large argument written straight to bytes).
   */
  async run(redis: RedisClient, keys: readonly string[], args: readonly (string | number | Buffer)[]): Promise<unknown> {
    if (keys.length !== this.signature.keys || args.length !== this.signature.args) {
      throw new InternalError(`Lua script ${this.name} takes ${this.signature.keys} keys and ${this.signature.args} arguments, got ${keys.length} and ${args.length}`);
    }
    const params: (string | Buffer)[] = [...keys, ...args.map((a) => (typeof a === 'number' ? String(a) : a))];
    try {
      return await redis.evalsha(this.sha, keys.length, params);
    } catch (e) {
      if (!(e instanceof Error) || !e.message.startsWith('NOSCRIPT')) throw e;
      // SCRIPT LOAD on a cluster goes to any node; EVAL runs on the keys' node and caches it there.
      if (redis.isCluster) return await redis.eval(this.source, keys.length, params);
      await this.load(redis);
      return await redis.evalsha(this.sha, keys.length, params);
    }
  }

  private async load(redis: RedisClient): Promise<void> {
    // Calls finding the script missing at once (after a restart) share one SCRIPT LOAD.
    let loading = this.loading.get(redis);
    if (!loading) {
      loading = redis.script('LOAD', this.source).finally(() => this.loading.delete(redis));
      this.loading.set(redis, loading);
    }
    await loading;
  }
}
