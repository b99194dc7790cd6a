export { encodeArrowBatch } from './encode.js';
export { decodeArrowIpc, fromArrowType } from './decode.js';
export { toArrowSchema, toArrowType } from './arrow-types.js';
