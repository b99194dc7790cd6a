import { readFileSync } from 'node:fs';
import type { ClusterSecurity } from '../infra/grpc/cluster-security.js';

/** The cluster flags of `kindling master` and `kindling worker`, as given. */
export interface ClusterSecurityFlags {
  readonly clusterSecret?: string;
  readonly clusterCa?: string;
  readonly clusterCert?: string;
  readonly clusterKey?: string;
  readonly insecure?: boolean;
}

/** The Connect port's TLS flags of `kindling master` and `kindling local`. */
export interface ConnectTlsFlags {
  readonly tlsCert?: string;
  readonly tlsKey?: string;
}

/** PEM files for the Connect port's TLS. */
export interface ConnectTls {
  readonly cert: Buffer;
  readonly key: Buffer;
}

function read(flag: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`${flag}: cannot read '${path}': ${(e as Error).message}`);
  }
}

/**
 * The cluster's secret and optional mutual TLS, or an error saying what is missing. A secret is
 * required: without one anybody who reaches the cluster port can register a worker and receive
 * tasks. `--insecure` is the explicit way to run without (a trusted network, a demo).
 */
export function clusterSecurity(role: 'master' | 'worker', f: ClusterSecurityFlags): ClusterSecurity {
  const secret = f.clusterSecret ?? '';
  if (secret === '' && f.insecure !== true) {
    throw new Error(
      `${role} needs a cluster secret shared by the master and its workers: --cluster-secret S (or KINDLING_CLUSTER_SECRET); --insecure runs without one`,
    );
  }
  const files = [f.clusterCa, f.clusterCert, f.clusterKey];
  const given = files.filter((x) => x !== undefined && x !== '').length;
  if (given === 0) return { secret };
  if (given !== 3) throw new Error('cluster TLS needs all of --cluster-ca, --cluster-cert and --cluster-key');
  return {
    secret,
    tls: {
      ca: read('--cluster-ca', f.clusterCa as string),
      cert: read('--cluster-cert', f.clusterCert as string),
      key: read('--cluster-key', f.clusterKey as string),
    },
  };
}

/** The Connect port's certificate and key, both or neither. */
export function connectTls(f: ConnectTlsFlags): ConnectTls | undefined {
  const cert = f.tlsCert ?? '';
  const key = f.tlsKey ?? '';
  if (cert === '' && key === '') return undefined;
  if (cert === '' || key === '') throw new Error('TLS on the Spark Connect port needs both --tls-cert and --tls-key');
  return { cert: read('--tls-cert', cert), key: read('--tls-key', key) };
}
