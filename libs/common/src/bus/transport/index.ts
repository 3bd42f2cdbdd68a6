export * from './redis-rpc.protocol';
export * from './redis-rpc.server';
export * from './redis-rpc.client';
export * from './connection-log';
