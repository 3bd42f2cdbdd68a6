import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { isValidObjectId, Model } from 'mongoose';
import {
  AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { PasskeyInfo, RelyingParty, WebAuthnCredentialJson, WebAuthnOptionsJson } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { UserRecord, UsersRepository } from '../users/users.repository';
import { Passkey, WebAuthnChallenge } from './signin.schema';
import { SIGNIN_CLOCK, SigninClock, systemSigninClock } from './second-factor';
import { FactorAudit } from './factor-audit';

/** A challenge is good for this long, once. */
const CHALLENGE_TTL_MS = 5 * 60_000;
/** Passkeys one account may have. */
export const MAX_PASSKEYS = 20;
export const BAD_PASSKEY = 'this passkey could not be verified';
const RP_NAME = 'Hihi Chat 嗨嗨聊天室';

function info(p: Passkey): PasskeyInfo {
  return {
    id: String(p._id),
    name: p.name,
    createdAt: p.createdAt.toISOString(),
    ...(p.lastUsedAt ? { lastUsedAt: p.lastUsedAt.toISOString() } : {}),
    backupEligible: p.deviceType === 'multiDevice',
    backedUp: p.backedUp,
  };
}

/** The challenge a WebAuthn response signed (clientDataJSON.challenge), or undefined. */
function challengeOf(credential: WebAuthnCredentialJson): string | undefined {
  try {
    const data = JSON.parse(Buffer.from(credential.response.clientDataJSON, 'base64url').toString('utf8')) as {
      challenge?: unknown;
    };
    return typeof data.challenge === 'string' && /^[A-Za-z0-9_-]{16,128}$/.test(data.challenge)
      ? data.challenge
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Passkeys (WebAuthn, SimpleWebAuthn): discoverable credentials (resident keys) with user
 * verification required, so a passkey alone is a multi-factor sign-in. Every challenge is stored
 * and consumed by the first response that presents it (atomic delete): a replayed registration or
 * assertion finds no challenge and is refused. Signature counters and backup flags are stored; a
 * counter that does not move forward (for authenticators that count) is refused as a clone.
 */
@Injectable()
export class PasskeysService implements OnModuleInit {
  private readonly logger = new Logger(PasskeysService.name);

  constructor(
    private readonly users: UsersRepository,
    @InjectModel(Passkey.name) private readonly passkeys: Model<Passkey>,
    @InjectModel(WebAuthnChallenge.name) private readonly challenges: Model<WebAuthnChallenge>,
    private readonly factorAudit: FactorAudit,
    @Optional() @Inject(SIGNIN_CLOCK) private readonly clock: SigninClock = systemSigninClock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.passkeys.createIndexes();
    await this.challenges.createIndexes();
  }

  private async user(userId: string): Promise<UserRecord> {
    const user = await this.users.findById(userId);
    if (!user) throw new BusError('unauthorized', 'this account no longer exists');
    return user;
  }

  private async remember(challenge: string, kind: 'register' | 'login', userId: string | null): Promise<void> {
    const now = this.clock.now();
    // forget the stale ones now and then (no TTL index needed: expiry is checked on use)
    if (Math.random() < 0.05)
      await this.challenges.deleteMany({ expiresAt: mongoose.trusted({ $lt: new Date(now) }) }).exec();
    await this.challenges.create({ challenge, kind, userId, expiresAt: new Date(now + CHALLENGE_TTL_MS) });
  }

  /** Take the challenge (once); true when it was there, of this kind, for this user, unexpired. */
  private async consume(challenge: string | undefined, kind: 'register' | 'login', userId: string | null) {
    if (!challenge) return false;
    const doc = await this.challenges.findOneAndDelete({ challenge }).lean().exec();
    return !!doc && doc.kind === kind && (doc.userId ?? null) === userId && doc.expiresAt.getTime() > this.clock.now();
  }

  async registrationOptions(userId: string, rp: RelyingParty): Promise<WebAuthnOptionsJson> {
    const user = await this.user(userId);
    const existing = await this.passkeys.find({ userId }, { credentialId: 1, transports: 1 }).lean().exec();
    if (existing.length >= MAX_PASSKEYS) throw new BusError('conflict', `at most ${MAX_PASSKEYS} passkeys per account`);
    const options = await generateRegistrationOptions({
      rpName: RP_NAME,
      rpID: rp.rpId,
      userName: user.username,
      userDisplayName: user.displayName,
      userID: new Uint8Array(Buffer.from(user.id, 'hex')),
      attestationType: 'none',
      excludeCredentials: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      timeout: CHALLENGE_TTL_MS,
    });
    await this.remember(options.challenge, 'register', user.id);
    return options as unknown as WebAuthnOptionsJson;
  }

  async register(userId: string, rp: RelyingParty, credential: WebAuthnCredentialJson, name?: string) {
    const user = await this.user(userId);
    const challenge = challengeOf(credential);
    if (!(await this.consume(challenge, 'register', user.id))) throw new BusError('validation', BAD_PASSKEY);
    let verified;
    try {
      verified = await verifyRegistrationResponse({
        response: credential as unknown as RegistrationResponseJSON,
        expectedChallenge: challenge!,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        requireUserVerification: true,
      });
    } catch (err) {
      this.logger.warn({ userId, err: (err as Error).message }, 'passkey registration refused');
      throw new BusError('validation', BAD_PASSKEY);
    }
    if (!verified.verified) throw new BusError('validation', BAD_PASSKEY);
    const r = verified.registrationInfo;
    const now = new Date(this.clock.now());
    let doc;
    try {
      doc = await this.passkeys.create({
        userId: user.id,
        credentialId: r.credential.id,
        publicKey: Buffer.from(r.credential.publicKey).toString('base64url'),
        counter: r.credential.counter,
        transports: r.credential.transports ?? credential.response.transports ?? [],
        deviceType: r.credentialDeviceType,
        backedUp: r.credentialBackedUp,
        name: name?.trim() || 'passkey',
        createdAt: now,
        lastUsedAt: null,
      });
    } catch (err) {
      if ((err as { code?: unknown }).code === 11000)
        throw new BusError('conflict', 'this passkey is already registered');
      throw err;
    }
    const out = info(doc.toObject());
    await this.factorAudit.record({
      userId: user.id,
      action: 'passkey.added',
      detail: { passkeyId: out.id, name: out.name },
    });
    return out;
  }

  async list(userId: string): Promise<PasskeyInfo[]> {
    const docs = await this.passkeys.find({ userId }).sort({ createdAt: 1 }).lean().exec();
    return docs.map(info);
  }

  async remove(userId: string, id: string): Promise<void> {
    if (!isValidObjectId(id)) throw new BusError('not_found', 'no such passkey');
    const doc = await this.passkeys.findOneAndDelete({ _id: id, userId }).lean().exec();
    if (!doc) throw new BusError('not_found', 'no such passkey');
    await this.factorAudit.record({ userId, action: 'passkey.removed', detail: { passkeyId: id, name: doc.name } });
  }

  /** Options for a sign-in with no username: any discoverable credential of this RP. */
  async loginOptions(rp: RelyingParty): Promise<WebAuthnOptionsJson> {
    const options = await generateAuthenticationOptions({
      rpID: rp.rpId,
      userVerification: 'required',
      allowCredentials: [],
      timeout: CHALLENGE_TTL_MS,
    });
    await this.remember(options.challenge, 'login', null);
    return options as unknown as WebAuthnOptionsJson;
  }

  /** A verified assertion → its account. The challenge is consumed first: a replay is refused. */
  async login(rp: RelyingParty, credential: WebAuthnCredentialJson): Promise<UserRecord> {
    const challenge = challengeOf(credential);
    if (!(await this.consume(challenge, 'login', null))) throw new BusError('unauthorized', BAD_PASSKEY);
    const key = await this.passkeys.findOne({ credentialId: credential.id }).lean().exec();
    if (!key) throw new BusError('unauthorized', BAD_PASSKEY);
    const handle = credential.response.userHandle;
    if (handle && Buffer.from(handle, 'base64url').toString('hex') !== key.userId)
      throw new BusError('unauthorized', BAD_PASSKEY);
    let verified;
    try {
      verified = await verifyAuthenticationResponse({
        response: credential as unknown as AuthenticationResponseJSON,
        expectedChallenge: challenge!,
        expectedOrigin: rp.origin,
        expectedRPID: rp.rpId,
        requireUserVerification: true,
        credential: {
          id: key.credentialId,
          publicKey: new Uint8Array(Buffer.from(key.publicKey, 'base64url')),
          counter: key.counter,
          transports: key.transports,
        },
      });
    } catch (err) {
      this.logger.warn({ userId: key.userId, err: (err as Error).message }, 'passkey sign-in refused');
      throw new BusError('unauthorized', BAD_PASSKEY);
    }
    if (!verified.verified) throw new BusError('unauthorized', BAD_PASSKEY);
    const a = verified.authenticationInfo;
    // the counter moves forward atomically (a cloned authenticator presenting an old count loses)
    const moved = await this.passkeys
      .updateOne(
        a.newCounter > 0
          ? { _id: key._id, counter: mongoose.trusted({ $lt: a.newCounter }) }
          : { _id: key._id, counter: 0 },
        {
          $set: {
            counter: a.newCounter,
            backedUp: a.credentialBackedUp,
            deviceType: a.credentialDeviceType,
            lastUsedAt: new Date(this.clock.now()),
          },
        },
      )
      .exec();
    if (moved.matchedCount !== 1) {
      this.logger.warn({ userId: key.userId, passkeyId: String(key._id) }, 'passkey counter went back: refused');
      throw new BusError('unauthorized', BAD_PASSKEY);
    }
    const user = await this.users.findById(key.userId);
    if (!user) throw new BusError('unauthorized', BAD_PASSKEY);
    return user;
  }
}
