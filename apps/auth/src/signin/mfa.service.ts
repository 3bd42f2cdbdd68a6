import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { Model } from 'mongoose';
import { createHash, randomBytes } from 'node:crypto';
import { AuthConfig } from '@hihi/config';
import {
  MfaChallenge,
  MfaLoginBody,
  MfaStatus,
  RECOVERY_CODE_COUNT,
  RecoveryCodes,
  TotpEnrolment,
} from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { signMfaToken, verifyMfaToken } from '@hihi/common/mfa-token';
import { UserRecord, UsersRepository } from '../users/users.repository';
import { PasswordService } from '../passwords/password.service';
import { sealForToken, unsealWithToken } from '../tokens/refresh-token';
import { Passkey, RecoveryCode, TotpFactor } from './signin.schema';
import { newTotpSecret, otpauthUrl, verifyTotp } from './totp';
import { SecondFactor, SIGNIN_CLOCK, SigninClock, systemSigninClock } from './second-factor';
import { FactorAudit } from './factor-audit';
import { AdmissionService } from '../admin/admission.service';
import { roleAtLeast } from '@hihi/contracts';

/** One message for every wrong second step (code, recovery code, expired token). */
export const BAD_SECOND_FACTOR = 'wrong or expired code';
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `xxxx-xxxx-xxxx-xxxx`: 16 base32 characters, 80 random bits. */
function newRecoveryCode(): string {
  const bytes = randomBytes(16);
  let s = '';
  for (let i = 0; i < 16; i++) s += BASE32[bytes[i] & 31];
  return s.match(/.{4}/g)!.join('-');
}

/** What is stored of a recovery code: SHA-256 of the code without dashes, lower case. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase(), 'utf8').digest('hex');
}

/**
 * TOTP two-factor and recovery codes (SPEC §12). Codes are accepted once: a code is good only for
 * a step later than the last one accepted (an atomic compare-and-set of `lastStep`), so a replayed
 * code — or an older one — is refused. Recovery codes are stored hashed and marked used atomically.
 */
@Injectable()
export class MfaService implements SecondFactor {
  private readonly logger = new Logger(MfaService.name);

  constructor(
    private readonly config: AuthConfig,
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    @InjectModel(TotpFactor.name) private readonly totp: Model<TotpFactor>,
    @InjectModel(RecoveryCode.name) private readonly recovery: Model<RecoveryCode>,
    @InjectModel(Passkey.name) private readonly passkeys: Model<Passkey>,
    private readonly factorAudit: FactorAudit,
    private readonly admission: AdmissionService,
    @Optional() @Inject(SIGNIN_CLOCK) private readonly clock: SigninClock = systemSigninClock,
  ) {}

  private get secret(): string {
    if (!this.config.JWT_SECRET) throw new Error('JWT_SECRET is not configured');
    return this.config.JWT_SECRET;
  }

  /** The TOTP secret is sealed under a key derived from JWT_SECRET (docs/security.md). */
  private seal(secret: string): string {
    return sealForToken(`totp:${this.secret}`, secret);
  }
  private unseal(sealed: string): string | undefined {
    return unsealWithToken(`totp:${this.secret}`, sealed);
  }

  private async user(userId: string): Promise<UserRecord> {
    const user = await this.users.findById(userId);
    if (!user) throw new BusError('unauthorized', 'this account no longer exists');
    return user;
  }

  async status(userId: string): Promise<MfaStatus> {
    const [factor, left, passkeys] = await Promise.all([
      this.totp.findOne({ userId }).lean().exec(),
      this.recovery.countDocuments({ userId, usedAt: null }).exec(),
      this.passkeys.countDocuments({ userId }).exec(),
    ]);
    return { totp: factor?.enabled === true, recoveryCodesLeft: factor?.enabled ? left : 0, passkeys };
  }

  /** A new pending secret (replacing an unconfirmed one); 409 while TOTP is on. */
  async enrol(userId: string): Promise<TotpEnrolment> {
    const user = await this.user(userId);
    const existing = await this.totp.findOne({ userId }).lean().exec();
    if (existing?.enabled) throw new BusError('conflict', 'two-factor authentication is already on; turn it off first');
    const secret = newTotpSecret();
    await this.totp
      .updateOne(
        { userId },
        { $set: { pending: this.seal(secret), updatedAt: new Date(this.clock.now()) } },
        { upsert: true },
      )
      .exec();
    return { secret, otpauthUrl: otpauthUrl(secret, user.username) };
  }

  /** The first code turns TOTP on; ten recovery codes are answered this once and stored hashed. */
  async confirm(userId: string, code: string): Promise<RecoveryCodes> {
    await this.user(userId);
    const factor = await this.totp.findOne({ userId }).lean().exec();
    if (factor?.enabled) throw new BusError('conflict', 'two-factor authentication is already on');
    const secret = factor?.pending ? this.unseal(factor.pending) : undefined;
    if (!factor || !secret) throw new BusError('validation', 'start the enrolment first (POST /api/me/2fa/totp)');
    const step = verifyTotp(secret, code, this.clock.now());
    if (step === undefined) throw new BusError('validation', 'that code is not right; check the time on your device');
    const done = await this.totp
      .updateOne(
        { userId, enabled: false, pending: factor.pending },
        {
          $set: {
            enabled: true,
            secret: factor.pending,
            pending: null,
            lastStep: step,
            updatedAt: new Date(this.clock.now()),
          },
        },
      )
      .exec();
    if (done.modifiedCount !== 1) throw new BusError('conflict', 'the enrolment changed meanwhile; start again');
    const recoveryCodes = await this.newRecoveryCodes(userId);
    await this.factorAudit.record({ userId, action: 'totp.enabled' });
    return { recoveryCodes };
  }

  /** Turn TOTP off: the password and a current code (or a recovery code). */
  async disable(userId: string, password: string, code: string): Promise<void> {
    const user = await this.user(userId);
    const ok = await this.passwords.admit(() => this.passwords.verify(user.passwordHash, password));
    if (!ok) throw new BusError('unauthorized', 'wrong password or code');
    const factor = await this.totp.findOne({ userId, enabled: true }).lean().exec();
    if (!factor) throw new BusError('not_found', 'two-factor authentication is not on');
    if (!(await this.checkCode(factor, code))) throw new BusError('unauthorized', 'wrong password or code');
    await this.totp.deleteOne({ userId }).exec();
    await this.recovery.deleteMany({ userId }).exec();
    await this.factorAudit.record({ userId, action: 'totp.disabled' });
  }

  /** Has the account a second factor: TOTP on, or a passkey (itself a strong factor)? */
  async enrolled(userId: string): Promise<boolean> {
    const [totp, passkeys] = await Promise.all([
      this.totp.exists({ userId, enabled: true }).exec(),
      this.passkeys.exists({ userId }).exec(),
    ]);
    return Boolean(totp || passkeys);
  }

  /**
   * `require2fa` (SPEC §12): server moderators and above must have a second factor. True when
   * this account is asked to enrol one (and its admin powers are refused until it does).
   */
  async enrolmentRequired(user: { id: string; role?: UserRecord['role'] }): Promise<boolean> {
    if (!this.admission.settings.require2fa || !roleAtLeast(user.role ?? 'member', 'moderator')) return false;
    return !(await this.enrolled(user.id));
  }

  /** After a right password: the second step, when TOTP is on. */
  async challenge(user: { id: string; usernameKey: string }, rememberMe: boolean): Promise<MfaChallenge | undefined> {
    const factor = await this.totp.findOne({ userId: user.id, enabled: true }, { _id: 1 }).lean().exec();
    if (!factor) return undefined;
    return {
      mfaRequired: true,
      mfaToken: signMfaToken(this.secret, { sub: user.id, uk: user.usernameKey, rm: rememberMe }),
      methods: ['totp', 'recovery'],
    };
  }

  /** The second step: the account and rememberMe of the first, when the code is right (once). */
  async complete(body: MfaLoginBody): Promise<{ user: UserRecord; rememberMe: boolean }> {
    const claims = verifyMfaToken(this.secret, body.mfaToken);
    if (!claims) throw new BusError('unauthorized', BAD_SECOND_FACTOR);
    if ((body.code === undefined) === (body.recoveryCode === undefined))
      throw new BusError('validation', 'give either code or recoveryCode');
    const factor = await this.totp.findOne({ userId: claims.sub, enabled: true }).lean().exec();
    const user = await this.users.findById(claims.sub);
    if (!factor || !user) throw new BusError('unauthorized', BAD_SECOND_FACTOR);
    const ok = await this.checkCode(factor, (body.code ?? body.recoveryCode)!);
    if (!ok) throw new BusError('unauthorized', BAD_SECOND_FACTOR);
    return { user, rememberMe: claims.rm };
  }

  /** A TOTP code (claimed once) or a recovery code (used once). */
  private async checkCode(factor: TotpFactor, code: string): Promise<boolean> {
    const compact = code.replace(/\s+/g, '');
    if (/^\d{6}$/.test(compact)) {
      const secret = factor.secret ? this.unseal(factor.secret) : undefined;
      if (!secret) {
        this.logger.error({ userId: factor.userId }, 'TOTP secret does not open (was JWT_SECRET changed?)');
        return false;
      }
      const step = verifyTotp(secret, compact, this.clock.now());
      if (step === undefined) return false;
      // accepted once: only a step after the last one accepted, compare-and-set
      const claimed = await this.totp
        .updateOne(
          { userId: factor.userId, enabled: true, lastStep: mongoose.trusted({ $lt: step }) },
          { $set: { lastStep: step } },
        )
        .exec();
      return claimed.modifiedCount === 1;
    }
    const used = await this.recovery
      .updateOne(
        { userId: factor.userId, hash: hashRecoveryCode(compact), usedAt: null },
        { $set: { usedAt: new Date(this.clock.now()) } },
      )
      .exec();
    if (used.modifiedCount !== 1) return false;
    await this.factorAudit.record({ userId: factor.userId, action: 'recovery.used' });
    return true;
  }

  private async newRecoveryCodes(userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
    await this.recovery.deleteMany({ userId }).exec();
    await this.recovery.insertMany(codes.map((c) => ({ userId, hash: hashRecoveryCode(c), usedAt: null })));
    return codes;
  }
}
