import { Injectable, OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { AuthConfig } from '@hihi/config';
import { PasswordPolicy } from './password-policy';

export interface HashParams {
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

/**
 * argon2id hashing (PHC strings). The argon2 package works on the libuv thread pool, so hashing
 * never blocks the event loop. Passwords are never logged and never leave this class hashed or not.
 */
@Injectable()
export class PasswordService implements OnModuleInit {
  readonly params: HashParams;
  readonly policy: PasswordPolicy;
  private dummyHash?: Promise<string>;

  constructor(config: AuthConfig) {
    this.params = {
      memoryCost: config.ARGON2_MEMORY_KIB,
      timeCost: config.ARGON2_TIME_COST,
      parallelism: config.ARGON2_PARALLELISM,
    };
    this.policy = PasswordPolicy.load();
  }

  onModuleInit(): void {
    // a hash with the current parameters, verified for unknown users so they take as long as known ones
    this.dummyHash = this.hash(randomBytes(16).toString('hex'));
    this.dummyHash.catch(() => undefined);
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, { type: argon2.argon2id, ...this.params });
  }

  async verify(hash: string, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash, password);
    } catch {
      return false;
    }
  }

  /** Spend the time of a verification without a user (unknown username). Always false. */
  async verifyDummy(password: string): Promise<false> {
    this.dummyHash ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(await this.dummyHash, password);
    return false;
  }

  needsRehash(hash: string): boolean {
    try {
      return argon2.needsRehash(hash, this.params);
    } catch {
      return true;
    }
  }
}
