import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import mongoose, { isValidObjectId, Model } from 'mongoose';
import {
  ApiTokenKind,
  BotCreateBody,
  BotCreated,
  BotInfo,
  INTEGRATION_LIMITS,
  PublicUser,
  serverRoleRank,
  TOKEN_SCOPES,
  TokenCreateBody,
  TokenCreated,
  TokenIdentity,
  TokenInfo,
  tokenSessionId,
} from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { isReservedUsername, isValidUsername, normalizeUsername, usernameSkeleton } from '@hihi/dto';
import { DuplicateUsernameError, UserRecord, UsersRepository } from '../users/users.repository';
import { RevocationPublisher } from '../sessions/revocation.publisher';
import { AuditLog } from '../audit/audit-log.service';
import { ApiToken } from './api-token.schema';
import { hashApiToken, newApiToken, parseApiToken, sameTokenHash } from './api-token';

/** A bot account has no password: this is no PHC string, so no password ever verifies against it. */
export const NO_PASSWORD = '!bot-account';

const BAD_TOKEN = 'invalid, expired or revoked token';
/** How often `lastUsedAt` is written for a busy token, ms. */
const TOUCH_EVERY_MS = 60_000;

type TokenDoc = ApiToken & { _id: { toString(): string } };

function botInfo(u: UserRecord): BotInfo {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    bot: true,
    ownerId: u.ownerId ?? '',
    createdAt: (u.createdAt ?? new Date(0)).toISOString(),
  };
}

function tokenInfo(t: TokenDoc): TokenInfo {
  return {
    id: String(t._id),
    name: t.name,
    scopes: t.scopes,
    createdAt: t.createdAt.toISOString(),
    ...(t.expiresAt ? { expiresAt: t.expiresAt.toISOString() } : {}),
    ...(t.lastUsedAt ? { lastUsedAt: t.lastUsedAt.toISOString() } : {}),
  };
}

/**
 * Bot accounts and long-lived tokens (SPEC §9), owned by auth like sessions. A token is stored as
 * its SHA-256 only; a revoked token gets a deny entry and an announcement like a signed-out
 * session (RevocationPublisher, "session" `tok:<id>`), so every gateway refuses it and closes its
 * sockets within a second. The gateway asks `verify` (and believes the answer ≤ 500 ms).
 */
@Injectable()
export class IntegrationsService {
  private readonly logger = new Logger(IntegrationsService.name);

  constructor(
    @InjectModel(ApiToken.name) private readonly tokens: Model<ApiToken>,
    private readonly users: UsersRepository,
    private readonly revocation: RevocationPublisher,
    private readonly audit: AuditLog,
  ) {}

  /** The acting person as stored: an active account, not a guest and not a bot. */
  private async person(actor: PublicUser): Promise<UserRecord> {
    if (actor.guest) throw new BusError('forbidden', 'guests cannot do this; please register or sign in');
    const me = await this.users.findById(actor.id);
    if (!me || me.status === 'deactivated') throw new BusError('unauthorized', 'this account no longer exists');
    if (me.bot) throw new BusError('forbidden', 'bots cannot manage bots or tokens');
    return me;
  }

  private isAdmin(u: UserRecord): boolean {
    return serverRoleRank(u.role) >= serverRoleRank('admin');
  }

  /* ---------- bots ---------- */

  async createBot(actor: PublicUser, body: BotCreateBody): Promise<BotCreated> {
    const me = await this.person(actor);
    const username = body.username.normalize('NFKC');
    if (!isValidUsername(username)) throw new BusError('validation', 'username must be 3-32 letters, digits, _ . or -');
    if (isReservedUsername(username)) throw new BusError('conflict', 'this username is reserved');
    if (!this.isAdmin(me) && (await this.users.countBots(me.id)) >= INTEGRATION_LIMITS.botsPerMember)
      throw new BusError('forbidden', `members may own at most ${INTEGRATION_LIMITS.botsPerMember} bots`);
    let bot: UserRecord;
    try {
      bot = await this.users.create({
        username,
        usernameKey: normalizeUsername(username),
        usernameSkeleton: usernameSkeleton(username),
        displayName: body.displayName.trim(),
        passwordHash: NO_PASSWORD,
        bot: true,
        ownerId: me.id,
      });
    } catch (err) {
      if (err instanceof DuplicateUsernameError)
        throw new BusError('conflict', 'username is already taken (or looks like one that is)');
      throw err;
    }
    const { token } = await this.issue('bot', bot.id, me.id, `bot ${username}`, [...TOKEN_SCOPES]);
    await this.audit.by(me, {
      action: 'bot.create',
      target: { type: 'user', id: bot.id, label: bot.username },
      details: {},
    });
    this.logger.log({ botId: bot.id, ownerId: me.id }, 'bot created');
    return { bot: botInfo(bot), token };
  }

  async listBots(actor: PublicUser): Promise<BotInfo[]> {
    const me = await this.person(actor);
    const bots = await this.users.bots(this.isAdmin(me) ? undefined : me.id);
    return bots.filter((b) => b.status !== 'deactivated').map(botInfo);
  }

  /** A bot the actor may manage: their own, or any for admins; others' answer not_found. */
  private async manageable(actor: PublicUser, botId: string): Promise<{ me: UserRecord; bot: UserRecord }> {
    const me = await this.person(actor);
    const bot = await this.users.findById(botId);
    if (!bot?.bot || bot.status === 'deactivated' || (bot.ownerId !== me.id && !this.isAdmin(me)))
      throw new BusError('not_found', 'no such bot');
    return { me, bot };
  }

  /** Delete: the account is deactivated (its messages stay, shown as the bot's) and its tokens revoked. */
  async deleteBot(actor: PublicUser, botId: string): Promise<void> {
    const { me, bot } = await this.manageable(actor, botId);
    await this.users.setStatus(bot.id, 'deactivated');
    await this.revokeWhere({ userId: bot.id });
    await this.audit.by(me, {
      action: 'bot.delete',
      target: { type: 'user', id: bot.id, label: bot.username },
      details: {},
    });
  }

  /** A new token for the bot; the old ones stop at once. */
  async rotateBotToken(actor: PublicUser, botId: string): Promise<TokenCreated> {
    const { me, bot } = await this.manageable(actor, botId);
    await this.revokeWhere({ userId: bot.id });
    return this.issue('bot', bot.id, me.id, `bot ${bot.username}`, [...TOKEN_SCOPES]);
  }

  /* ---------- personal access tokens ---------- */

  async createToken(actor: PublicUser, body: TokenCreateBody): Promise<TokenCreated> {
    const me = await this.person(actor);
    const live = await this.tokens.countDocuments({ userId: me.id, kind: 'pat', revokedAt: null }).exec();
    if (live >= INTEGRATION_LIMITS.tokensPerUser)
      throw new BusError('forbidden', `an account holds at most ${INTEGRATION_LIMITS.tokensPerUser} tokens`);
    const expiresAt = body.expiresInDays ? new Date(Date.now() + body.expiresInDays * 86_400_000) : undefined;
    return this.issue('pat', me.id, me.id, body.name, [...new Set(body.scopes)], expiresAt);
  }

  async listTokens(actor: PublicUser): Promise<TokenInfo[]> {
    const me = await this.person(actor);
    const docs = await this.tokens
      .find({ userId: me.id, kind: 'pat', revokedAt: null })
      .sort({ _id: 1 })
      .limit(INTEGRATION_LIMITS.tokensPerUser * 2)
      .lean()
      .exec();
    return (docs as TokenDoc[]).map(tokenInfo);
  }

  async revokeToken(actor: PublicUser, tokenId: string): Promise<void> {
    const me = await this.person(actor);
    if (!isValidObjectId(tokenId)) throw new BusError('not_found', 'no such token');
    const doc = await this.tokens.findOne({ _id: tokenId, userId: me.id, kind: 'pat' }).lean().exec();
    if (!doc) throw new BusError('not_found', 'no such token');
    await this.revokeWhere({ _id: doc._id });
  }

  /** Deactivation of an account: its tokens and its bots' tokens stop (SPEC §8, §9). */
  async revokeForAccount(userId: string): Promise<void> {
    // operators of our own (sanitizeFilter is on): trusted
    await this.revokeWhere(mongoose.trusted({ $or: [{ userId }, { ownerId: userId }] }) as Record<string, unknown>);
  }

  /**
   * Who a presented token is: its account (and for a bot, its owner) active, the token neither
   * expired nor revoked. Any failure answers the same `unauthorized`.
   */
  async verify(token: string): Promise<TokenIdentity> {
    const kind = parseApiToken(token);
    if (!kind) throw new BusError('unauthorized', BAD_TOKEN);
    const hash = hashApiToken(token);
    const doc = (await this.tokens.findOne({ hash }).lean().exec()) as TokenDoc | null;
    if (!doc || !sameTokenHash(doc.hash, hash) || doc.kind !== kind || doc.revokedAt)
      throw new BusError('unauthorized', BAD_TOKEN);
    const now = Date.now();
    if (doc.expiresAt && doc.expiresAt.getTime() <= now) throw new BusError('unauthorized', BAD_TOKEN);
    const user = await this.users.findById(doc.userId);
    if (!user || user.status === 'deactivated') throw new BusError('unauthorized', BAD_TOKEN);
    if (doc.ownerId !== doc.userId) {
      const owner = await this.users.findById(doc.ownerId);
      if (!owner || owner.status === 'deactivated') throw new BusError('unauthorized', BAD_TOKEN);
    }
    if (!doc.lastUsedAt || now - doc.lastUsedAt.getTime() > TOUCH_EVERY_MS)
      void this.tokens
        .updateOne({ _id: doc._id }, { $set: { lastUsedAt: new Date(now) } })
        .exec()
        .catch(() => undefined);
    return {
      user: {
        id: user.id,
        username: user.username,
        displayName: user.displayName,
        guest: false,
        role: user.bot ? 'member' : user.role,
        ...(user.bot ? { bot: true } : {}),
      },
      tokenId: String(doc._id),
      kind: doc.kind,
      scopes: doc.scopes,
      ...(doc.expiresAt ? { expiresAt: doc.expiresAt.toISOString() } : {}),
    };
  }

  private async issue(
    kind: ApiTokenKind,
    userId: string,
    ownerId: string,
    name: string,
    scopes: TokenCreateBody['scopes'],
    expiresAt?: Date,
  ): Promise<TokenCreated> {
    const token = newApiToken(kind);
    const doc = await this.tokens.create({
      kind,
      userId,
      ownerId,
      name,
      scopes,
      hash: hashApiToken(token),
      createdAt: new Date(),
      ...(expiresAt ? { expiresAt } : {}),
    });
    return { id: String(doc._id), token };
  }

  /** Mark revoked, then deny them at every gateway (REST 401 ≤ 1 s, sockets closed). */
  private async revokeWhere(filter: Record<string, unknown>): Promise<void> {
    const docs = await this.tokens
      .find(mongoose.trusted({ $and: [filter, { revokedAt: null }] }), { _id: 1 })
      .lean()
      .exec();
    if (!docs.length) return;
    const ids = docs.map((d) => d._id);
    await this.tokens.updateMany({ _id: mongoose.trusted({ $in: ids }) }, { $set: { revokedAt: new Date() } }).exec();
    await this.revocation.revoke(
      ids.map((id) => tokenSessionId(String(id))),
      'logout',
    );
  }
}
