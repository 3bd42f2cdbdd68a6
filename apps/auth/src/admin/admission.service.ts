import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createHash, randomBytes } from 'node:crypto';
import mongoose, { Model } from 'mongoose';
import { ADMIN, InviteCreateBody, InviteIssued, ServerSettings, ServerSettingsUpdate } from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { InviteRecord, PasswordResetRecord, ServerSettingsRecord } from './admin.schemas';

const SETTINGS_ID = 'server';
const DEFAULTS: ServerSettings = { registration: 'open', guests: true, require2fa: false };
/** How often another auth process's settings change is picked up, ms. */
export const SETTINGS_RELOAD_MS = 1000;

/** 32 random bytes, base64url (43 characters): reset links, invites. */
export function newOneTimeToken(): string {
  return randomBytes(32).toString('base64url');
}
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Who may come in: registration mode and invites, guests on/off, password-reset links. */
@Injectable()
export class AdmissionService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(AdmissionService.name);
  private current: ServerSettings = DEFAULTS;
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectModel(ServerSettingsRecord.name) private readonly settingsModel: Model<ServerSettingsRecord>,
    @InjectModel(InviteRecord.name) private readonly invites: Model<InviteRecord>,
    @InjectModel(PasswordResetRecord.name) private readonly resets: Model<PasswordResetRecord>,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload(), SETTINGS_RELOAD_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The settings as this process knows them (≤ SETTINGS_RELOAD_MS old). */
  get settings(): ServerSettings {
    return this.current;
  }

  async read(): Promise<ServerSettings> {
    await this.reload();
    return this.current;
  }

  async update(change: ServerSettingsUpdate): Promise<ServerSettings> {
    const $set: Partial<ServerSettingsRecord> = { updatedAt: new Date() };
    if (change.registration !== undefined) $set.registration = change.registration;
    if (change.guests !== undefined) $set.guests = change.guests;
    if (change.require2fa !== undefined) $set.require2fa = change.require2fa;
    await this.settingsModel.updateOne({ _id: SETTINGS_ID }, { $set }, { upsert: true }).exec();
    return this.read();
  }

  /** Guest sessions allowed? */
  guestsAllowed(): boolean {
    return this.current.guests;
  }

  /**
   * May someone register now? `open`: yes; `closed`: 403; `invite`: the invite must be valid, and
   * one of its uses is taken (atomically) — `release` gives it back if the registration fails.
   * The very first account of a server is always admitted (someone has to own it).
   */
  async admit(inviteToken: string | undefined, firstAccount: boolean): Promise<{ release(): Promise<void> }> {
    const none = { release: async () => undefined };
    const settings = await this.read();
    if (firstAccount || settings.registration === 'open') return none;
    if (settings.registration === 'closed') throw new BusError('forbidden', 'registration is closed on this server');
    if (!inviteToken) throw new BusError('forbidden', 'registration on this server needs an invite link');
    const hash = tokenHash(inviteToken);
    const now = new Date();
    const live = mongoose.trusted({ $or: [{ expiresAt: null }, { expiresAt: mongoose.trusted({ $gt: now }) }] });
    // limited invites: take one of the remaining uses; unlimited ones: count the use
    const limited = await this.invites
      .findOneAndUpdate(
        mongoose.trusted({ $and: [{ hash }, live, { remaining: mongoose.trusted({ $gt: 0 }) }] }),
        { $inc: { remaining: -1, uses: 1 } },
        { new: true },
      )
      .lean()
      .exec();
    if (limited)
      return {
        release: async () => {
          await this.invites.updateOne({ _id: limited._id }, { $inc: { remaining: 1, uses: -1 } }).exec();
        },
      };
    const unlimited = await this.invites
      .findOneAndUpdate(mongoose.trusted({ $and: [{ hash }, live, { maxUses: null }] }), { $inc: { uses: 1 } })
      .lean()
      .exec();
    if (unlimited) return none;
    throw new BusError('forbidden', 'this invite link is not valid (unknown, expired or used up)');
  }

  async createInvite(createdBy: string, body: InviteCreateBody): Promise<InviteIssued> {
    const token = newOneTimeToken();
    const expiresAt = body.expiresInSec ? new Date(Date.now() + body.expiresInSec * 1000) : undefined;
    await this.invites.create({
      hash: tokenHash(token),
      createdBy,
      maxUses: body.maxUses,
      remaining: body.maxUses,
      uses: 0,
      expiresAt,
      createdAt: new Date(),
    });
    return {
      token,
      ...(body.maxUses ? { maxUses: body.maxUses } : {}),
      ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
    };
  }

  /** A one-time reset link for an account (ADMIN.resetTtlSec). */
  async issueReset(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const token = newOneTimeToken();
    const expiresAt = new Date(Date.now() + ADMIN.resetTtlSec * 1000);
    await this.resets.create({ hash: tokenHash(token), userId, expiresAt });
    return { token, expiresAt };
  }

  /** Use a reset link (at most once, before it expires): the account's id, or undefined. */
  async consumeReset(token: string): Promise<string | undefined> {
    const now = new Date();
    const doc = await this.resets
      .findOneAndUpdate(
        { hash: tokenHash(token), usedAt: null, expiresAt: mongoose.trusted({ $gt: now }) },
        { $set: { usedAt: now } },
      )
      .lean()
      .exec();
    return doc?.userId;
  }

  private async reload(): Promise<void> {
    try {
      const doc = await this.settingsModel.findById(SETTINGS_ID).lean().exec();
      this.current = doc
        ? { registration: doc.registration ?? 'open', guests: doc.guests ?? true, require2fa: doc.require2fa ?? false }
        : DEFAULTS;
    } catch (err) {
      this.logger.warn(`settings not read (${(err as Error).message}); keeping the last ones`);
    }
  }
}
