import { describe, expect, it } from 'vitest';
import { loadCluster } from '../../../proto/load.js';
import { withTaskRequestWriter, writeTaskRequest } from '../../../proto/kindling/task-request-writer.js';
import type { TaskRequest, TaskRequest__Output } from '../../../proto/generated/kindling/cluster/TaskRequest.js';

const method = loadCluster().WorkerService.service.RunMapTask;
const decode = (bytes: Buffer): TaskRequest__Output => method.requestDeserialize(bytes) as TaskRequest__Output;

describe('writeTaskRequest (map task requests written with their payload copied once)', () => {
  const cases: [string, TaskRequest][] = [
    ['every field', { secret: 's3cr€t', spec_json: '{"split":{"reader":"lines"},"ü":1}', payload: Buffer.from('a b\nc d') }],
    ['no payload', { secret: 'x', spec_json: '{}' }],
    ['empty fields', { secret: '', spec_json: '', payload: new Uint8Array(0) }],
    ['a payload view of a larger buffer', { secret: 'k', spec_json: '{}', payload: new Uint8Array(Buffer.from('xxhello worldxx').buffer, 2, 11) }],
    ['lengths over one varint byte', { secret: 'k'.repeat(200), spec_json: 'j'.repeat(70_000), payload: Buffer.alloc(3_000_000, 0x61) }],
  ];

  it.each(cases)('%s: the bytes protobufjs writes (empty fields left out), read back as sent', (_name, request) => {
    const ours = writeTaskRequest(request);
    const nonEmpty = Object.fromEntries(Object.entries(request).filter(([, v]) => (v as string | Uint8Array).length > 0));
    expect(ours.equals(Buffer.from(method.requestSerialize(nonEmpty)))).toBe(true);
    const back = decode(ours);
    expect(back.secret).toBe(request.secret ?? '');
    expect(back.spec_json).toBe(request.spec_json ?? '');
    expect(Buffer.from(back.payload).equals(Buffer.from((request.payload as Uint8Array | undefined) ?? new Uint8Array()))).toBe(true);
  });

  it('writes a payload given as parts as the one field they make in order', () => {
    const parts = [Buffer.from('one\ntw'), new Uint8Array(0), Buffer.from('o\nthree')];
    const back = decode(writeTaskRequest({ secret: 's', spec_json: '{}', payload: parts }));
    expect(back.payload.toString()).toBe('one\ntwo\nthree');
    expect(writeTaskRequest({ secret: 's', spec_json: '{}', payload: parts }).equals(writeTaskRequest({ secret: 's', spec_json: '{}', payload: Buffer.concat(parts) }))).toBe(true);
  });

  it('replaces only RunMapTask request writing in the service definition', () => {
    const service = loadCluster().WorkerService.service;
    const def = withTaskRequestWriter(service);
    expect(def.RunMapTask.requestSerialize).toBe(writeTaskRequest);
    expect(def.RunMapTask.path).toBe(service.RunMapTask.path);
    expect(def.RunReduceTask).toBe(service.RunReduceTask);
  });
});
