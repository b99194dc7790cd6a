export { startConnectServer, MAX_MESSAGE_BYTES, type ConnectServer, type ConnectServerOptions } from './server.js';
export { SparkConnectService, type ConnectServiceOptions } from './service.js';
export { SPARK_VERSION } from './analyze-plan.js';
export { DEFAULT_CHUNK_LIMITS, type ChunkLimits } from './responses.js';
