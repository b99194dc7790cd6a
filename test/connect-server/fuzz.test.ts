import { randomUUID } from 'node:crypto';
import { credentials, Metadata, status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SparkSession } from '../../client/index.js';
import { encodeArrowBatch } from '../../engine/arrow/index.js';
import { batchFromRows } from '../../engine/batch/record-batch.js';
import { T } from '../../engine/types/data-type.js';
import { schemaOf } from '../../engine/types/schema.js';
import { sparkConnectServiceDefinition } from '../../proto/load.js';
import { KindlingNode } from '../cluster/harness.js';
import { expectTidy, fuzzMessage } from '../cluster/fuzz-messages.js';
import { RawClient, Rng } from '../cluster/raw-rpc.js';
import { root, sql } from './pyspark-plans.js';

const COUNT = Number(process.env['KINDLING_FUZZ_COUNT'] ?? 30);
const SEED = Number(process.env['KINDLING_FUZZ_SEED'] ?? 11);
const TOKEN = 'fuzz-token';

/**
 * Random and damaged messages on every Spark Connect RPC of a `kindling local --token` process,
 * with and without the token: without it every call is UNAUTHENTICATED; with it every failure is
 * a classified Spark error (ErrorInfo) or INVALID_ARGUMENT, never a stack trace; the process is
 * alive and serves a real query at the end.
 */
describe('the Spark Connect RPCs survive garbage', () => {
  let local: KindlingNode;
  let port = 0;
  let client: RawClient;

  beforeAll(async () => {
    local = KindlingNode.spawn('local-fuzz', ['local', '--host', '127.0.0.1', '--port', '0', '--workers', '1', '--token', TOKEN, '--log-level', 'warn']);
    port = Number((await local.waitFor(/Spark Connect on sc:\/\/localhost:(\d+)/))[1]);
    client = new RawClient(`127.0.0.1:${port}`, credentials.createInsecure(), sparkConnectServiceDefinition());
  });

  afterAll(async () => {
    client?.close();
    await local?.stop();
  });

  const sessionId = randomUUID();
  const operationId = randomUUID();
  const base = { session_id: sessionId, user_context: { user_id: 'fuzzer' }, client_type: 'fuzz' };
  const arrow = Buffer.from(encodeArrowBatch(batchFromRows(schemaOf([T.field('word', T.string), T.field('n', T.long)]), [['cat', 2], ['dog', 3]]), 'UTC'));

  function valid(method: string, rng: Rng): Record<string, unknown> {
    const plan = rng.int(2) === 0 ? root(sql('SELECT 1 AS a')) : root({ common: { plan_id: 1 }, local_relation: { data: arrow } });
    const messages: Record<string, Record<string, unknown>> = {
      ExecutePlan: { ...base, operation_id: randomUUID(), plan, request_options: [{ reattach_options: { reattachable: true } }], tags: ['t'] },
      AnalyzePlan: { ...base, schema: { plan } },
      Config: { ...base, operation: { get: { keys: ['spark.sql.session.timeZone'] } } },
      ReattachExecute: { ...base, operation_id: operationId, last_response_id: randomUUID() },
      ReleaseExecute: { ...base, operation_id: operationId, release_all: {} },
      Interrupt: { ...base, interrupt_type: 'INTERRUPT_TYPE_ALL' },
      ReleaseSession: { ...base, allow_reconnect: true },
      FetchErrorDetails: { ...base, error_id: randomUUID() },
      AddArtifacts: { ...base },
      ArtifactStatus: { ...base, names: ['a'] },
    };
    return messages[method] ?? { ...base };
  }

  it('answers every random or damaged message with a classified error or INVALID_ARGUMENT, and nothing without the token', async () => {
    const rng = new Rng(SEED);
    const authorized = new Metadata();
    authorized.set('authorization', `Bearer ${TOKEN}`);
    for (const withToken of [false, true]) {
      for (const method of client.methods) {
        const m = client.method(method);
        if (m.requestStream) continue; // client-streaming RPCs (artifacts) are not served by Kindling
        for (let i = 0; i < COUNT; i++) {
          const msg = fuzzMessage(rng, m, valid(method, rng));
          const md = withToken ? authorized.clone() : new Metadata();
          if (!withToken && rng.int(2) === 0) md.set('authorization', `Bearer ${rng.pick(['', 'wrong', 'fuzz'])}`);
          const outcome = msg.kind === 'raw' ? await client.callRaw(method, msg.bytes, md) : await client.call(method, msg.message, md);
          const context = `${method} #${i} (${withToken ? 'with' : 'without'} the token, ${msg.kind}): ${status[outcome.code]} ${outcome.details}`;
          expectTidy(outcome, context);
          if (!withToken) expect(outcome.code, context).toBe(status.UNAUTHENTICATED);
          else if (outcome.code === status.INTERNAL) expect(outcome.hasStatusDetails, context).toBe(true);
          else if (outcome.code !== status.UNIMPLEMENTED) expect([status.OK, status.INVALID_ARGUMENT], context).toContain(outcome.code);
        }
      }
    }
    expect(local.alive).toBe(true);
  }, 240_000);

  it('afterwards the process is alive and serves real queries', async () => {
    const spark = await SparkSession.builder().remote(`sc://localhost:${port}/;token=${TOKEN}`).create();
    try {
      expect(await spark.range(4).count()).toBe(4);
      const rows = await spark.sql("SELECT 'still here' AS s").collect();
      expect(rows[0]?.['s']).toBe('still here');
    } finally {
      await spark.stop();
    }
    expect(local.alive).toBe(true);
  });
});
