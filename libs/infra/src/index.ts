export * from './errors';
export * from './net';
export * from './process';
export * from './redis';
export * from './mongo';
export * from './resolve';
export * from './secrets';
export * from './services';
