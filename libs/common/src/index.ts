// Everything shared by the services, by concern. Import the part you need:
//   @hihi/common/bus            typed bus client and server, handler decorator (no database)
//   @hihi/common/observability  logs, correlation ids, metrics
//   @hihi/common/tokens         access tokens (sign, verify)
//   @hihi/common/lifecycle      process lifecycle
//   @hihi/common/service        microservice bootstrap
//   @hihi/common/rate-limit     the per-user send budget (token bucket in Redis)
//   @hihi/common/redis          the one Redis connection factory (one Redis or a Cluster), room-event channels
//   @hihi/common/egress         the egress guard for requests to user-chosen URLs (SPEC §9)
//   @hihi/common/concurrency    a bounded number of tasks at once (Semaphore)
//   @hihi/common/mongo          MongoDB settings, probe and health (loads mongoose; auth only)
// This barrel re-exports all but the MongoDB part, so nothing that imports it loads mongoose.
// The gateway imports the parts (ESLint forbids it the barrel).
export * from './bus';
export * from './observability';
export * from './tokens';
export * from './mfa-token';
export * from './lifecycle';
export * from './service';
export * from './rate-limit';
export * from './redis';
export * from './egress';
export * from './concurrency';
