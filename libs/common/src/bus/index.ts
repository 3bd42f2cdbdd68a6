// The bus: typed request/response over Redis (docs/protocol.md "The bus"). No database here:
// the gateway loads this without mongoose.
export * from './transport';
export * from './bus-result';
export * from './bus-client';
export * from './bus-exception.filter';
export * from './handler';
export * from './room-events';
