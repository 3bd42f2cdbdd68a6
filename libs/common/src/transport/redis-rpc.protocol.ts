/**
 * Wire format of the Redis request/response bus.
 *
 * Nest's built-in Redis transport is pub/sub: every instance of a service receives every request,
 * so two chat processes would both handle each `message:send`. This transport keeps Redis as the
 * bus but gives work-queue semantics instead: requests are pushed onto one list per service and
 * each is popped by exactly one instance (load balancing for free); replies come back on the
 * caller's own pub/sub channel. Requests carry a deadline so a service that was down never works
 * on requests whose caller has already given up.
 */
export interface RpcRequest {
  id: string;
  pattern: string;
  data: unknown;
  /** reply channel of the caller; absent for fire-and-forget events */
  replyTo?: string;
  /** epoch ms after which the caller no longer waits */
  deadline: number;
}

export interface RpcReply {
  id: string;
  response?: unknown;
  err?: unknown;
  isDisposed?: boolean;
}

export function requestQueueKey(prefix: string, service: string): string {
  return `${prefix}:rpc:${service}`;
}

export function replyChannel(prefix: string, clientId: string): string {
  return `${prefix}:rpc:reply:${clientId}`;
}
