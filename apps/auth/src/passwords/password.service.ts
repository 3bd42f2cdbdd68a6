import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { Counter } from 'prom-client';
import { AuthConfig } from '@hihi/config';
import { BusError, Metrics } from '@hihi/common';
import { PasswordPolicy } from './password-policy';
import { Argon2Gate, BUSY_MESSAGE } from './argon2-gate';

export interface HashParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id hashing (PHC strings). The argon2 package works on the libuv thread pool, so hashing
 * never blocks the event loop. Passwords are never logged and never leave this class hashed or not.
 * Sign-ins and registrations run through `admit` (an Argon2Gate: ARGON2_MAX_CONCURRENT /
 * ARGON2_MAX_QUEUE), and every verification is counted in `hihi_password_verifications_total` (how the tests know how
 * many guesses were actually checked).
 */
@Injectable()
export class PasswordService implements OnModuleInit {
  readonly params: HashParams;
  readonly policy: PasswordPolicy;
  private dummyHash?: Promise<string>;
  private readonly gate: Argon2Gate;
  private readonly verifications?: Counter;
  private readonly refused?: Counter;

  constructor(config: AuthConfig, @Optional() metrics?: Metrics) {
    this.params = {
      memoryCost: config.ARGON2_MEMORY_KIB,
      timeCost: config.ARGON2_TIME_COST,
      parallelism: config.ARGON2_PARALLELISM,
    };
    this.policy = PasswordPolicy.load();
    this.gate = new Argon2Gate(config.ARGON2_MAX_CONCURRENT ?? 4, config.ARGON2_MAX_QUEUE ?? 16);
    if (metrics) {
      this.verifications = new Counter({
        name: 'hihi_password_verifications_total',
        help: 'argon2 password verifications performed (dummy ones for unknown users included)',
        registers: [metrics.registry],
      });
      this.refused = new Counter({
        name: 'hihi_password_busy_total',
        help: 'argon2 computations refused because the gate was full (503)',
        registers: [metrics.registry],
      });
    }
  }

  onModuleInit(): void {
    // a hash with the current parameters, verified for unknown users so they take as long as known ones
    this.dummyHash = this.rawHash(randomBytes(16).toString('hex'));
    this.dummyHash.catch(() => undefined);
  }

  /**
   * Run a sign-in or registration (its database look-up and its argon2 work) within the gate:
   * at most ARGON2_MAX_CONCURRENT at once, ARGON2_MAX_QUEUE waiting, the rest refused at once
   * with BusError `unavailable` (→ 503 + Retry-After). Hashing and verifying are meant to be
   * called inside it.
   */
  async admit<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await this.gate.run(fn);
    } catch (err) {
      if (err instanceof BusError && err.message === BUSY_MESSAGE) this.refused?.inc();
      throw err;
    }
  }

  hash(password: string): Promise<string> {
    return this.rawHash(password);
  }

  async verify(hash: string, password: string): Promise<boolean> {
    this.verifications?.inc();
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Spend the time of a verification without a user (unknown username). Always false. */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= this.rawHash(randomBytes(16).toString('hex'));
    await this.verify(await this.dummyHash, password);
    return false;
  }

  private rawHash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, this.params);
    } catch {
      return true;
    }
  }
}
