import { AccountUser, avatarUrl, PublicUser } from '@hihi/contracts';
import type { UserRecord } from './users.repository';

/** The public user of an account (others see this: no email). */
export function toPublic(u: UserRecord): PublicUser {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    guest: false,
    role: u.role,
    ...(u.avatar ? { avatarUrl: avatarUrl(u.avatar) } : {}),
    ...(u.bot ? { bot: true } : {}),
  };
}

/** The account as its owner sees it (GET /api/me, PATCH /api/me): the public user, the email, digest and mail language. */
export function toAccountUser(u: UserRecord): AccountUser {
  return {
    ...toPublic(u),
    ...(u.email ? { email: u.email, emailVerified: u.emailVerified === true } : {}),
    // present when on (GET /api/me stays the public user plus what is set)
    ...(u.digest ? { digest: true } : {}),
    ...(u.language ? { language: u.language } : {}),
  };
}
