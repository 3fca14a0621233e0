/**
 * Helpers for connector authors: HTTP with typed errors and retries, webhook checks, settings
 * builders, results and events, transcripts, shared state and periodic work (polls, sweeps).
 */
export * from './errors';
export * from './http';
export * from './auth-headers';
export * from './retry';
export * from './signature';
export * from './memory';
export * from './crc32';
export * from './oauth';
export * from './connection-test';
export * from './results';
export * from './settings';
export * from './state';
export * from './attachments';
export * from './events';
export * from './transcript';
export * from './periodic';
export * from './connector';
