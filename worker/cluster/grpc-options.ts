import type { ChannelOptions } from '@grpc/grpc-js';

/** Batches of rows can be large: allow big messages between cluster members. */
export const MAX_CLUSTER_MESSAGE_BYTES = 512 * 1024 * 1024;

export const CHANNEL_OPTIONS: ChannelOptions = {
  'grpc.max_send_message_length': MAX_CLUSTER_MESSAGE_BYTES,
  'grpc.max_receive_message_length': MAX_CLUSTER_MESSAGE_BYTES,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
};
