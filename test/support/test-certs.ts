import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** File paths and contents of one certificate and its key. */
export interface CertFiles {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * A throw-away CA made with `openssl` at test time (keys are never committed), with a server
 * certificate valid for localhost, 127.0.0.1 and 127.0.0.2 and a client certificate (mutual TLS).
 * A second, unrelated CA signs `stranger`, for refusal tests.
 */
export interface TestCerts {
  readonly dir: string;
  readonly caPath: string;
  readonly ca: Buffer;
  readonly server: CertFiles;
  readonly client: CertFiles;
  readonly stranger: CertFiles;
  remove(): void;
}

function openssl(dir: string, args: readonly string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function signed(dir: string, name: string, ca: string, ext: string): CertFiles {
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=kindling-test-${name}`]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-out', `${name}.crt`, '-days', '2', '-sha256', '-extfile', `${name}.ext`,
  ]);
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  return { certPath, keyPath, cert: readFileSync(certPath), key: readFileSync(keyPath) };
}

function authority(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=kindling-test-${name}`]);
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), 'kindling-certs-'));
  authority(dir, 'ca');
  authority(dir, 'other-ca');
  const leaf = 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:127.0.0.2\n';
  const server = signed(dir, 'server', 'ca', `${leaf}extendedKeyUsage=serverAuth,clientAuth\n`);
  const client = signed(dir, 'client', 'ca', `${leaf}extendedKeyUsage=clientAuth,serverAuth\n`);
  const stranger = signed(dir, 'stranger', 'other-ca', `${leaf}extendedKeyUsage=clientAuth,serverAuth\n`);
  const caPath = join(dir, 'ca.crt');
  return { dir, caPath, ca: readFileSync(caPath), server, client, stranger, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
