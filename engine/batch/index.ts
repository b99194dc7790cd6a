export * from './vector.js';
export * from './record-batch.js';
