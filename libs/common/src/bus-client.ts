import { AckError, BusEnvelope, BusResult, PublicUser } from '@hihi/contracts';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';

export interface CallContext {
  correlationId: string;
  actor?: PublicUser;
  /** override the default timeout, ms */
  timeoutMs?: number;
}

/** Outcome of one bus request, for metrics. */
export type BusOutcome = 'ok' | 'error' | 'timeout' | 'unavailable';
export type BusObserver = (service: string, pattern: string, outcome: BusOutcome, seconds: number) => void;

/**
 * Typed request/response over the bus. Never throws: a timeout or a dead bus becomes
 * `{ ok: false, error: { code: 'unavailable' } }`, so callers answer quickly and clearly.
 */
export class BusClient {
  observer?: BusObserver;

  constructor(
    readonly proxy: ClientProxy,
    readonly service: string,
    private readonly defaultTimeoutMs: number,
  ) {}

  async call<T, D = unknown>(pattern: string, data: D, ctx: CallContext): Promise<BusResult<T>> {
    const envelope: BusEnvelope<D> = { correlationId: ctx.correlationId, actor: ctx.actor, data };
    const started = process.hrtime.bigint();
    const ms = ctx.timeoutMs ?? this.defaultTimeoutMs;
    let outcome: BusOutcome = 'ok';
    try {
      const result = await firstValueFrom(
        this.proxy.send<BusResult<T>, BusEnvelope<D>>(pattern, envelope).pipe(timeout(ms)),
      );
      if (!result || typeof result !== 'object' || typeof result.ok !== 'boolean') {
        outcome = 'error';
        return this.unavailable(`${this.service} service gave a malformed answer`);
      }
      if (!result.ok) outcome = 'error';
      return result;
    } catch (err) {
      if (err instanceof TimeoutError) {
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

  close(): void {
    void this.proxy.close();
  }

  private unavailable(message: string): BusResult<never> {
    const error: AckError = { code: 'unavailable', message };
    return { ok: false, error };
  }
}
