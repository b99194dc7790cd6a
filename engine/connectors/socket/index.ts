import { AnalysisError, NotSupportedError } from '../../errors/errors.js';
import type { SourceProvider } from '../source.js';
import { SocketSource } from './socket-source.js';
import { socketOptions, socketSchema } from './socket-schema.js';

export const socketSourceProvider: SourceProvider = {
  format: 'socket',
  schema(options, userSchema, streaming) {
    if (!streaming) throw new NotSupportedError('The socket source can only be read as a stream (spark.readStream).');
    if (userSchema) throw new AnalysisError('The socket source does not support a user-specified schema.');
    return socketSchema(socketOptions(options).includeTimestamp);
  },
  createStream(options, _userSchema, ctx) {
    return new SocketSource(socketOptions(options), ctx);
  },
};

export { linesReader } from './lines-reader.js';
