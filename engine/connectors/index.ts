import { SplitReaderRegistry } from './split.js';
import { SourceRegistry } from './source.js';
import { socketSourceProvider, linesReader } from './socket/index.js';
import { rateSourceProvider, rateReader } from './rate/index.js';
import { textSourceProvider, textFileReader } from './text/index.js';
import { memoryStreamProvider } from './memory/memory-stream.js';
import { rowsReader } from './rows-reader.js';

export * from './source.js';
export * from './sink.js';
export * from './split.js';
export { MemoryStream } from './memory/memory-stream.js';
export { rowsSplit } from './rows-reader.js';
export { linesSplit } from './socket/lines-reader.js';

/** Every built-in source format. */
export function builtinSources(): SourceRegistry {
  return new SourceRegistry()
    .register(socketSourceProvider)
    .register(rateSourceProvider)
    .register(textSourceProvider)
    .register(memoryStreamProvider);
}

/** Every built-in split reader (what workers can read). */
export function builtinSplitReaders(): SplitReaderRegistry {
  return new SplitReaderRegistry()
    .register(linesReader)
    .register(rateReader)
    .register(textFileReader)
    .register(rowsReader);
}
