export * from './errors.js';
export * from './messages.js';
export * from './encoder.js';
export * from './line-decoder.js';
export * from './address.js';
export * from './auth.js';
export * from './version.js';
export * from './frame-writer.js';
