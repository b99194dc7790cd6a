import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPackageDefinition as toGrpcObject, type GrpcObject } from '@grpc/grpc-js';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import type { ProtoGrpcType } from './generated/base.js';
import type { SparkConnectServiceDefinition } from './generated/spark/connect/SparkConnectService.js';
import type { ProtoGrpcType as MasterServiceGrpc } from './generated/master_service.js';
import type { ProtoGrpcType as WorkerServiceGrpc } from './generated/worker_service.js';

export type { ProtoGrpcType } from './generated/base.js';
export type {
  SparkConnectServiceClient,
  SparkConnectServiceDefinition,
  SparkConnectServiceHandlers,
} from './generated/spark/connect/SparkConnectService.js';

/**
 * The options the TypeScript types in proto/generated were generated with
 * (scripts/gen-proto-types.mjs): loaded objects must have exactly that shape.
 */
export const PROTO_LOADER_OPTIONS: Readonly<Options> = Object.freeze({
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
});

/** The folder holding the .proto files, from source (`proto/`) or compiled output (`dist/proto/`). */
export const PROTO_DIR: string = findProtoDir();

function findProtoDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [here, resolve(here, '..', '..', 'proto')];
  const found = candidates.find((dir) => existsSync(join(dir, 'spark', 'connect', 'base.proto')));
  if (found === undefined) throw new Error(`cannot find the .proto files (looked in ${candidates.join(', ')})`);
  return found;
}

/** The .proto files directly inside the given folders of PROTO_DIR, as paths relative to it, sorted. */
export function protoFiles(...folders: readonly string[]): string[] {
  return folders.flatMap((folder) => {
    const dir = join(PROTO_DIR, folder);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((name) => name.endsWith('.proto'))
      .sort()
      .map((name) => `${folder}/${name}`);
  });
}

/** Spark Connect plus google.rpc; other callers add e.g. `protoFiles('kindling')`. */
export function defaultProtoFiles(): string[] {
  return protoFiles('spark/connect', 'google/rpc');
}

const definitions = new Map<string, PackageDefinition>();
const grpcObjects = new Map<string, GrpcObject>();

/** Parses the given files once per distinct list (parsing takes tens of milliseconds). */
export function loadProtoDefinition(files: readonly string[] = defaultProtoFiles()): PackageDefinition {
  const key = [...files].sort().join('\n');
  let def = definitions.get(key);
  if (def === undefined) {
    def = loadSync([...files], { ...PROTO_LOADER_OPTIONS, includeDirs: [PROTO_DIR] });
    definitions.set(key, def);
  }
  return def;
}

/** The gRPC object tree (`.spark.connect.SparkConnectService`, message types) for the given files. */
export function loadProtos(files: readonly string[] = defaultProtoFiles()): GrpcObject {
  const key = [...files].sort().join('\n');
  let obj = grpcObjects.get(key);
  if (obj === undefined) {
    obj = toGrpcObject(loadProtoDefinition(files));
    grpcObjects.set(key, obj);
  }
  return obj;
}

/** The Spark Connect tree with its generated types: `.spark.connect.SparkConnectService`, `.spark.connect.Relation`... */
export function loadSparkConnect(): ProtoGrpcType {
  return loadProtos() as unknown as ProtoGrpcType;
}

/** The service definition to pass to `server.addService` (method paths, serializers). */
export function sparkConnectServiceDefinition(): SparkConnectServiceDefinition {
  return loadSparkConnect().spark.connect.SparkConnectService.service;
}

/** Kindling's internal cluster protocol (master ↔ worker, worker ↔ worker). */
export function clusterProtoFiles(): string[] {
  return protoFiles('kindling');
}

export interface ClusterGrpc {
  readonly MasterService: MasterServiceGrpc['kindling']['cluster']['MasterService'];
  readonly WorkerService: WorkerServiceGrpc['kindling']['cluster']['WorkerService'];
}

export function loadCluster(): ClusterGrpc {
  const obj = loadProtos(clusterProtoFiles()) as unknown as {
    kindling: { cluster: ClusterGrpc };
  };
  return obj.kindling.cluster;
}

export type { MasterServiceHandlers, MasterServiceClient } from './generated/kindling/cluster/MasterService.js';
export type { WorkerServiceHandlers, WorkerServiceClient } from './generated/kindling/cluster/WorkerService.js';
