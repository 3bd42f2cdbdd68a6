import { AckError, BusEnvelope, BusPattern, BusReply, BusRequest, BusResult, PublicUser } from '@hihi/contracts';
import type { Admission } from '../rate-limit/token-bucket';
import { AdmissionRefusedError, BusTimeoutError, BusTransport } from './transport';

export interface CallContext {
  correlationId: string;
  actor?: PublicUser;
  /** how long to wait for this call, ms (default: the client's BUS_TIMEOUT_MS) */
  timeoutMs?: number;
  /**
   * A token to take with the request, in the same round trip (only when the client `admits`):
   * without one the request is not sent and the call answers `admission.refused(retryAfterMs)`.
   */
  admission?: Admission;
}

/** Outcome of one bus request, for metrics. */
export type BusOutcome = 'ok' | 'error' | 'timeout' | 'unavailable';
export type BusObserver = (service: string, pattern: string, outcome: BusOutcome, seconds: number) => void;

/**
 * Request/response over the bus, typed from the protocol table (PROTOCOL in @hihi/contracts):
 * `call(CHAT_PATTERNS.send, data, ctx)` takes the command's payload and answers its reply.
 * Never throws: a timeout or a dead bus becomes `{ ok: false, error: { code: 'unavailable' } }`,
 * so callers answer quickly and clearly. The call's timeout travels with the request (its TTL),
 * so the service drops it when the caller has stopped waiting.
 */
export class BusClient {
  observer?: BusObserver;

  constructor(
    readonly transport: BusTransport,
    readonly service: string,
    private readonly defaultTimeoutMs: number,
  ) {}

  /** Whether a call can carry an admission (CallContext.admission): its transport takes and sends in one go. */
  get admits(): boolean {
    return this.transport.admits === true;
  }

  call<P extends BusPattern>(pattern: P, data: BusRequest<P>, ctx: CallContext): Promise<BusResult<BusReply<P>>> {
    return this.callRaw(pattern, data, ctx) as Promise<BusResult<BusReply<P>>>;
  }

  /**
   * The untyped call, for probes and tests that send what the table would not allow (hostile
   * payloads): the answer is still checked to be a BusResult.
   */
  async callRaw(pattern: string, data: unknown, ctx: CallContext): Promise<BusResult<unknown>> {
    const envelope: BusEnvelope<unknown> = { correlationId: ctx.correlationId, actor: ctx.actor, data };
    const started = process.hrtime.bigint();
    const ms = ctx.timeoutMs ?? this.defaultTimeoutMs;
    let outcome: BusOutcome = 'ok';
    try {
      const result = (await this.transport.request(pattern, envelope, ms, ctx.admission)) as
        BusResult<unknown> | undefined;
      if (!result || typeof result !== 'object' || typeof result.ok !== 'boolean') {
        outcome = 'error';
        return this.unavailable(`${this.service} service gave a malformed answer`);
      }
      if (!result.ok) outcome = 'error';
      return result;
    } catch (err) {
      if (err instanceof AdmissionRefusedError && ctx.admission) {
        outcome = 'error';
        return { ok: false, error: ctx.admission.refused(err.retryAfterMs) };
      }
      if (err instanceof BusTimeoutError) {
        outcome = 'timeout';
        return this.unavailable(`${this.service} service did not answer within ${ms} ms`);
      }
      outcome = 'unavailable';
      return this.unavailable(`${this.service} service is unavailable`);
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.observer?.(this.service, pattern, outcome, seconds);
    }
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  private unavailable(message: string): BusResult<never> {
    const error: AckError = { code: 'unavailable', message };
    return { ok: false, error };
  }
}
