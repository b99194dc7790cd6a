import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LuaScript, luaSignature } from '../../../infra/redis/lua-script.js';

describe('Lua scripts', () => {
  it('every script in infra/redis/lua is headed by the KEYS and ARGV it uses', () => {
    const names = readdirSync(new URL('../../../infra/redis/lua/', import.meta.url)).filter((f) => f.endsWith('.lua')).map((f) => f.slice(0, -4));
    expect(names).toContain('apply-batch');
    const signatures = Object.fromEntries(names.map((n) => [n, new LuaScript(n).signature]));
    expect(signatures['apply-batch']).toEqual({ keys: 3, args: 11 });
    expect(signatures['raise-epoch']).toEqual({ keys: 1, args: 3 });
    expect(signatures['append-line-log']).toEqual({ keys: 3, args: 4 });
  });

  it('refuses a header with a gap, a body using what the header does not name, and no header', () => {
    expect(() => luaSignature('gap', '-- KEYS[1] a\n-- ARGV[2] b\nreturn 1')).toThrow(/not ARGV\[1\]/);
    expect(() => luaSignature('unnamed', '-- KEYS[1] a\n-- ARGV[1] b\nreturn ARGV[2]')).toThrow(/uses ARGV\[2\]/);
    expect(() => luaSignature('bare', "return redis.call('GET', KEYS[1])")).toThrow(/no header/);
    expect(luaSignature('ok', "-- KEYS[1] a\n--\n-- ARGV[1] b\nreturn redis.call('SET', KEYS[1], ARGV[1])")).toEqual({ keys: 1, args: 1 });
  });

  it('refuses a call with other counts than the header names, before reaching Redis', async () => {
    const script = new LuaScript('acquire-lease');
    const unreachable = {} as never;
    await expect(script.run(unreachable, ['k'], ['run'])).rejects.toThrow(/takes 1 keys and 2 arguments, got 1 and 1/);
  });
});
