import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchToRows } from '../../engine/batch/record-batch.js';
import { encodeFileEntries } from '../../engine/connectors/text/file-source-log.js';
import { CheckpointKeys } from '../../infra/redis/keys.js';
import type { Session } from '../../master/session/session.js';
import { RedisServer } from '../support/redis-server.js';
import { redisRuntime } from './redis-runtime.js';
import { eventually } from '../support/eventually.js';

/**
 * A Redis checkpoint keeps each source's entries in one hash whose fields are the names a file
 * checkpoint uses under `sources/<i>/` and whose values are the same Spark texts.
 */
let server: RedisServer;
let work: string;

beforeAll(async () => {
  server = await RedisServer.start({ appendfsync: 'always' });
  work = mkdtempSync(join(tmpdir(), 'kindling-redis-sources-'));
});

afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

function put(dir: string, name: string, lines: string[], mtimeSec: number): string {
  const staging = join(work, `staging-${randomUUID()}`);
  writeFileSync(staging, lines.map((l) => `${l}\n`).join(''));
  utimesSync(staging, mtimeSec, mtimeSec);
  renameSync(staging, join(dir, name));
  return join(dir, name);
}

async function startText(session: Session, name: string, checkpoint: string, dir: string) {
  return session.startStream({
    input: { kind: 'read', source: { type: 'dataSource', format: 'text', options: { maxFilesPerTrigger: '1' }, paths: [dir] }, isStreaming: true },
    format: 'memory',
    options: { checkpointLocation: checkpoint, '_kindling.test.recoverMemorySink': 'true' },
    outputMode: 'append',
    queryName: name,
    trigger: { kind: 'default' },
  });
}

describe('source entries in a Redis checkpoint', () => {
  it('the file source log: fields 0, 1, 2.compact, ... holding the same v1 texts; a restart reads them back', async () => {
    const rt = redisRuntime(server.url);
    const rt2 = redisRuntime(server.url);
    try {
      const dir = join(work, 'in');
      mkdirSync(dir);
      const checkpoint = join(work, `text-cp-${randomUUID()}`);
      rt.session.conf.set('spark.sql.streaming.fileSource.log.compactInterval', '2');
      const files = ['a', 'b', 'c'].map((n, i) => put(dir, `${n}.txt`, [`${n}1`], 100 + i));
      const q = await startText(rt.session, 'text_redis', checkpoint, dir);
      await q.processAllAvailable();
      await q.stop();
      const entry = (i: number, batchId: number) => ({ path: pathToFileURL(files[i] as string).href, timestamp: (100 + i) * 1000, batchId });
      expect(await rt.redis.hgetall(CheckpointKeys.sourceMetadata(checkpoint, 0))).toEqual({
        '0': encodeFileEntries([entry(0, 0)]),
        '1.compact': encodeFileEntries([entry(0, 0), entry(1, 1)]),
        '2': encodeFileEntries([entry(2, 2)]),
      });
      expect((await rt.redis.hget(CheckpointKeys.sourceMetadata(checkpoint, 0), '2'))?.split('\n')).toEqual([
        'v1',
        `{"path":"${pathToFileURL(files[2] as string).href}","timestamp":102000,"batchId":2}`,
      ]);

      // Another master (same Redis) resumes: the logged files are not read again.
      rt2.session.conf.set('spark.sql.streaming.fileSource.log.compactInterval', '2');
      put(dir, 'd.txt', ['d1'], 103);
      const q2 = await startText(rt2.session, 'text_redis', checkpoint, dir);
      await q2.processAllAvailable();
      const rows = batchToRows(rt2.session.catalog.memorySink('text_redis')?.snapshot() ?? (undefined as never)).map((r) => r[0]);
      expect(rows).toEqual(['d1']);
      expect(await rt2.redis.hget(CheckpointKeys.sourceMetadata(checkpoint, 0), '3.compact')).toBe(
        encodeFileEntries([0, 1, 2].map((i) => entry(i, i)).concat([{ path: pathToFileURL(join(dir, 'd.txt')).href, timestamp: 103_000, batchId: 3 }])),
      );
      await q2.stop();
    } finally {
      await rt.close();
      await rt2.close();
    }
  });

  it("the rate source's start time: field 0 = v1 and the ms", async () => {
    const rt = redisRuntime(server.url);
    try {
      const checkpoint = join(work, `rate-cp-${randomUUID()}`);
      const before = Date.now();
      const q = await rt.session.startStream({
        input: { kind: 'read', source: { type: 'dataSource', format: 'rate', options: {}, paths: [] }, isStreaming: true },
        format: 'memory',
        options: { checkpointLocation: checkpoint },
        outputMode: 'append',
        queryName: 'rate_redis',
        trigger: { kind: 'default' },
      });
      await eventually(async () => (await rt.redis.hget(CheckpointKeys.sourceMetadata(checkpoint, 0), '0')) !== null, 'the start time entry');
      await q.stop();
      const text = (await rt.redis.hget(CheckpointKeys.sourceMetadata(checkpoint, 0), '0')) ?? '';
      expect(text).toMatch(/^v1\n\d+$/);
      expect(Number(text.split('\n')[1])).toBeGreaterThanOrEqual(before);
      expect(await rt.redis.hkeys(CheckpointKeys.sourceMetadata(checkpoint, 0))).toEqual(['0']);
    } finally {
      await rt.close();
    }
  });
});
