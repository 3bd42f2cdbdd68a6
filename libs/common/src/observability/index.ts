// Observability: structured logs with correlation ids, Prometheus metrics, bus request logging.
export * from './correlation';
export * from './logging';
export * from './metrics';
export * from './bus-logging.interceptor';
