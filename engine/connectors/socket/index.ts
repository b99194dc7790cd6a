// The engine side of the `socket` format: options, schema, and the `lines` split reader map tasks
// use. The TCP client (the source itself) lives on the driver: master/sources/socket-source.ts.
export { linesReader, linesSplit, type LinesSplitConfig } from './lines-reader.js';
export { socketOptions, socketSchema, type SocketOptions } from './socket-schema.js';
