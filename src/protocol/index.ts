export * from './errors.js';
export * from './messages.js';
export * from './encoder.js';
export * from './line-decoder.js';
export * from './address.js';
export * from './version.js';
export * from './batched-writer.js';
