import { createHash, timingSafeEqual } from 'node:crypto';
import { credentials, ServerCredentials, type ChannelCredentials } from '@grpc/grpc-js';

/**
 * How cluster members authenticate each other on the cluster and worker ports: the shared secret
 * in every request, and optionally mutual TLS (every member presents a certificate signed by the
 * cluster CA). Master and workers both use this file (neither may import the other).
 */
export interface ClusterSecurity {
  /** Empty only when the operator chose `--insecure`: then any request is accepted. */
  readonly secret: string;
  readonly tls?: ClusterTls;
}

/** PEM contents (not paths). */
export interface ClusterTls {
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Compares digests, so neither the secret's length nor its prefix leaks through timing. */
export function secretMatches(presented: string, expected: string): boolean {
  if (expected === '') return true;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Server side: with TLS, clients must present a certificate the cluster CA signed. */
export function clusterServerCredentials(security: ClusterSecurity): ServerCredentials {
  const tls = security.tls;
  if (tls === undefined) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(tls.ca, [{ cert_chain: tls.cert, private_key: tls.key }], true);
}

/** Client side: with TLS, the server must present a certificate the cluster CA signed, and so do we. */
export function clusterChannelCredentials(security: ClusterSecurity): ChannelCredentials {
  const tls = security.tls;
  if (tls === undefined) return credentials.createInsecure();
  return credentials.createSsl(tls.ca, tls.key, tls.cert);
}
