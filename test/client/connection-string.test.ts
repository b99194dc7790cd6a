import { describe, expect, it } from 'vitest';
import { parseConnectionString } from '../../client/connection-string.js';
import { PySparkValueError } from '../../client/errors.js';

const noEnv = {};

describe('parseConnectionString (Spark ChannelBuilder rules)', () => {
  it('defaults the port to 15002; path may be empty or /', () => {
    expect(parseConnectionString('sc://localhost', noEnv)).toMatchObject({ host: 'localhost', port: 15002, transport: 'insecure', useSsl: false });
    expect(parseConnectionString('sc://spark.example:443/', noEnv)).toMatchObject({ host: 'spark.example', port: 443 });
  });

  it('reads reserved parameters and sends the others as headers', () => {
    const sid = '6f1c1d3e-0000-4000-8000-000000000001';
    const p = parseConnectionString(`sc://h:1/;token=abc;user_id=ana;session_id=${sid};user_agent=nb%20client;x-tenant=blue`, noEnv);
    expect(p).toMatchObject({ token: 'abc', userId: 'ana', sessionId: sid, userAgent: 'nb client', headers: { 'x-tenant': 'blue' } });
  });

  it('a token means TLS, except plaintext "local" for the literal host localhost', () => {
    expect(parseConnectionString('sc://localhost:1/;token=t', noEnv).transport).toBe('local');
    expect(parseConnectionString('sc://127.0.0.1:1/;token=t', noEnv).transport).toBe('tls');
    expect(parseConnectionString('sc://localhost:1/;token=t;use_ssl=true', noEnv).transport).toBe('tls');
    expect(parseConnectionString('sc://h:1/;use_ssl=TRUE', noEnv)).toMatchObject({ transport: 'tls', useSsl: true, token: undefined });
  });

  it('takes the token and the user from the environment when the URL has none', () => {
    const env = { SPARK_CONNECT_AUTHENTICATE_TOKEN: 'envtok', SPARK_USER: 'sparky', USER: 'unix' };
    expect(parseConnectionString('sc://h', env)).toMatchObject({ token: 'envtok', userId: 'sparky' });
    expect(parseConnectionString('sc://h', { USER: 'unix' }).userId).toBe('unix');
    expect(parseConnectionString('sc://h', noEnv).userId).toBeUndefined();
    expect(parseConnectionString('sc://h/;user_id=u', env).userId).toBe('u');
  });

  it('makes a new UUID session id unless one is given; a given one must be a UUID', () => {
    const a = parseConnectionString('sc://h', noEnv).sessionId;
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    expect(parseConnectionString('sc://h', noEnv).sessionId).not.toBe(a);
    expect(() => parseConnectionString('sc://h/;session_id=nope', noEnv)).toThrow(/INVALID_SESSION_UUID_ID/);
  });

  it.each([
    ['http://h:1', /must start with 'sc:\/\/'/],
    ['sc://h:1/path', /path component '\/path' must be empty/],
    ['sc://h:1:2', /should match the '<host>:<port>' pattern/],
    ['sc://h:port', /port 'port' is not a number/],
    ['sc://h:1/;token', /key-value pair/],
    ['sc://h:1/;a=b=c', /key-value pair/],
  ])('rejects %s', (url, message) => {
    let caught: unknown;
    try {
      parseConnectionString(url, noEnv);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PySparkValueError);
    expect((caught as PySparkValueError).getCondition()).toBe('INVALID_CONNECT_URL');
    expect((caught as Error).message).toMatch(message);
  });
});
