// Service bootstrap for auth and chat: the bus server, the metrics port, the start-up probe.
export * from './microservice';
