export * from './payload-guard';
export * from './json-body';
export * from './validate';
export * from './pipe';
export * from './metadata-cache';
