import { builtinSources, type SourceRegistry } from '../../engine/connectors/index.js';
import { socketSourceProvider } from './socket-source.js';

/**
 * The sources a master (or local mode) offers by default: the engine's network-free ones (`rate`,
 * `text`, `memory-stream`) and the driver-side `socket` source. `redis` needs a connection factory,
 * so its composition root registers it (cli/master.ts).
 */
export function masterSources(): SourceRegistry {
  return builtinSources().register(socketSourceProvider);
}
