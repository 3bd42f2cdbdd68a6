// Observability: structured logs with correlation ids, Prometheus metrics.
export * from './correlation';
export * from './logging';
export * from './metrics';
