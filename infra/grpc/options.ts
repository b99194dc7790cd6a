import type { ChannelOptions } from '@grpc/grpc-js';

/** Batches of rows (tasks, results, shuffle blocks) can be large: allow big messages between cluster members. */
export const MAX_CLUSTER_MESSAGE_BYTES = 512 * 1024 * 1024;

/**
 * Every cluster channel: master → worker (tasks), worker → master (register, heartbeat), worker →
 * worker (shuffle). Keepalive pings notice a peer that vanished without closing its connection.
 */
export const CLUSTER_CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.max_send_message_length': MAX_CLUSTER_MESSAGE_BYTES,
  'grpc.max_receive_message_length': MAX_CLUSTER_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
};

/**
 * A worker's task and shuffle port: it receives what the channels above send, so it takes the
 * same limits. (The master's cluster port only takes register/heartbeat calls and keeps gRPC's
 * default receive limit.)
 */
export const CLUSTER_SERVER_OPTIONS: ChannelOptions = CLUSTER_CHANNEL_OPTIONS;
