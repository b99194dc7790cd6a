import { SplitReaderRegistry } from './split.js';
import { SourceRegistry } from './source.js';
import { linesReader } from './socket/index.js';
import { rateSourceProvider, rateReader } from './rate/index.js';
import { rateMicroBatchSourceProvider, rateMicroBatchReader } from './rate-micro-batch/index.js';
import { textSourceProvider, textFileReader } from './text/index.js';
import { memoryStreamProvider } from './memory/memory-stream.js';
import { rowsReader } from './rows-reader.js';

export * from './source.js';
export * from './sink.js';
export * from './split.js';
export { MemoryStream } from './memory/memory-stream.js';
export { rowsSplit } from './rows-reader.js';
export { linesSplit } from './socket/lines-reader.js';

/**
 * Every built-in source format the engine can offer without a network: the driver adds `socket`
 * (master/sources/index.ts) and `redis`.
 */
export function builtinSources(): SourceRegistry {
  return new SourceRegistry()
    .register(rateSourceProvider)
    .register(rateMicroBatchSourceProvider)
    .register(textSourceProvider)
    .register(memoryStreamProvider);
}

/** Every built-in split reader (what workers can read). */
export function builtinSplitReaders(): SplitReaderRegistry {
  return new SplitReaderRegistry()
    .register(linesReader)
    .register(rateReader)
    .register(rateMicroBatchReader)
    .register(textFileReader)
    .register(rowsReader);
}
