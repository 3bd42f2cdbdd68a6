import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { randomBytes } from 'node:crypto';
import { OidcIdentity } from '@hihi/contracts';
import { isReservedUsername, isValidUsername, normalizeUsername, usernameSkeleton } from '@hihi/dto';
import { DuplicateUsernameError, UserRecord, UsersRepository } from '../users/users.repository';
import { PasswordService } from '../passwords/password.service';
import { OidcLink } from './signin.schema';
import { FactorAudit } from './factor-audit';

/** Letters, digits, `_ . -` of a provider's username or e-mail local part, cut to fit. */
function baseName(identity: OidcIdentity): string {
  const raw = identity.preferredUsername || identity.email?.split('@')[0] || identity.name || 'user';
  const cleaned = raw
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}_.-]+/gu, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 24);
  return isValidUsername(cleaned) && !isReservedUsername(cleaned) ? cleaned : 'user';
}

/**
 * Accounts of single sign-on. An identity is (issuer, subject), linked to exactly one account.
 * The first sign-in of an identity creates a NEW account from the verified preferred_username (or
 * e-mail): when that username is taken — by a local account or anyone — a free variant is chosen
 * (`alice-3f9k`), so an identity provider can never take over an existing account. The new
 * account's password is random and unknown to anyone (password sign-in stays impossible for it).
 */
@Injectable()
export class OidcAccountsService implements OnModuleInit {
  private readonly logger = new Logger(OidcAccountsService.name);

  constructor(
    private readonly users: UsersRepository,
    private readonly passwords: PasswordService,
    @InjectModel(OidcLink.name) private readonly links: Model<OidcLink>,
    private readonly factorAudit: FactorAudit,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.links.createIndexes();
  }

  async signIn(identity: OidcIdentity): Promise<UserRecord> {
    const link = await this.links.findOne({ issuer: identity.issuer, subject: identity.subject }).lean().exec();
    if (link) {
      const user = await this.users.findById(link.userId);
      if (user) return user;
      await this.links.deleteOne({ _id: link._id }).exec();
    }
    const user = await this.createAccount(identity);
    try {
      await this.links.create({
        issuer: identity.issuer,
        subject: identity.subject,
        userId: user.id,
        createdAt: new Date(),
      });
    } catch (err) {
      if ((err as { code?: unknown }).code !== 11000) throw err;
      // a concurrent first sign-in of the same identity linked first: use that account
      const winner = await this.links.findOne({ issuer: identity.issuer, subject: identity.subject }).lean().exec();
      const other = winner ? await this.users.findById(winner.userId) : undefined;
      if (other) return other;
      throw err;
    }
    await this.factorAudit.record({
      userId: user.id,
      action: 'oidc.account-created',
      detail: { issuer: identity.issuer },
    });
    return user;
  }

  private async createAccount(identity: OidcIdentity): Promise<UserRecord> {
    const base = baseName(identity);
    const passwordHash = await this.passwords.admit(() => this.passwords.hash(randomBytes(32).toString('base64url')));
    for (let attempt = 0; attempt < 8; attempt++) {
      const username = attempt === 0 ? base : `${base.slice(0, 24)}-${randomBytes(3).toString('hex').slice(0, 4)}`;
      try {
        const user = await this.users.create({
          username,
          usernameKey: normalizeUsername(username),
          usernameSkeleton: usernameSkeleton(username),
          displayName:
            identity.name
              ?.replace(/\p{C}+/gu, '')
              .trim()
              .slice(0, 64) || username,
          passwordHash,
        });
        this.logger.log({ userId: user.id, issuer: identity.issuer }, 'account created by single sign-on');
        return user;
      } catch (err) {
        if (!(err instanceof DuplicateUsernameError)) throw err;
      }
    }
    throw new Error('could not find a free username for a single sign-on account');
  }
}
