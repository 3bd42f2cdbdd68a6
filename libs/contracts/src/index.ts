export * from './patterns';
export * from './events';
export * from './errors';
export * from './models';
export * from './limits';
export * from './payloads';
export * from './usernames';
export * from './mentions';
