export * from './connection';
export * from './room-channels';
