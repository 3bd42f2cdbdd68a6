import { DUCK_SENDER, MessageSender, PublicUser, ServerRole } from '@hihi/contracts';

/**
 * Who is acting: a signed-in user, a guest, or a bot (later an integration token). Built once
 * per command from the bus envelope's caller (`actorOf`) or by the service that runs a bot
 * (`botActor`), and handed to AccessService and the write services.
 */
export type Actor = UserActor | GuestActor | BotActor | IntegrationActor;

interface ActorBase {
  /** the id messages and memberships carry */
  readonly id: string;
  /** the server role (guests: `guest`; bots act as members) */
  readonly serverRole: ServerRole;
}
export interface UserActor extends ActorBase {
  readonly kind: 'user';
  readonly user: PublicUser;
}
export interface GuestActor extends ActorBase {
  readonly kind: 'guest';
  readonly user: PublicUser;
  readonly serverRole: 'guest';
}
export interface BotActor extends ActorBase {
  readonly kind: 'bot';
  readonly sender: MessageSender;
  readonly serverRole: 'member';
}

/**
 * An integration writing into the one room it belongs to (SPEC §9): an incoming webhook's post,
 * an outgoing webhook's answer. Its messages carry the hook's name and the BOT tag.
 */
export interface IntegrationActor extends ActorBase {
  readonly kind: 'integration';
  readonly sender: MessageSender;
  /** the only room it may see and post in */
  readonly roomId: string;
  readonly serverRole: 'member';
}

/** An integration's actor: `hook:<id>` writing as `name`. */
export function integrationActor(hookId: string, roomId: string, name: string): IntegrationActor {
  const id = `hook:${hookId}`;
  return {
    kind: 'integration',
    id,
    roomId,
    serverRole: 'member',
    sender: { id, username: name, displayName: name, bot: true },
  };
}

/** Bots and integrations: automated writers (no mentions, no attachments, never trigger the duck). */
export function isAutomated(actor: Actor): actor is BotActor | IntegrationActor {
  return actor.kind === 'bot' || actor.kind === 'integration';
}

/** The actor of a bus envelope's caller: a missing role is `member` (`guest` for guests). */
export function actorOf(user: PublicUser): UserActor | GuestActor {
  if (user.guest) return { kind: 'guest', id: user.id, user, serverRole: 'guest' };
  const role = user.role && user.role !== 'guest' ? user.role : 'member';
  return { kind: 'user', id: user.id, user, serverRole: role };
}

/** A bot writing through the same services as people. */
export function botActor(sender: MessageSender = DUCK_SENDER): BotActor {
  return { kind: 'bot', id: sender.id, sender, serverRole: 'member' };
}

/** The message sender an actor writes as. */
export function senderOf(actor: Actor): MessageSender {
  if (isAutomated(actor)) return actor.sender;
  // a bot account acting with its token (SPEC §9) writes as itself, with the BOT tag
  return {
    id: actor.user.id,
    username: actor.user.username,
    displayName: actor.user.displayName,
    bot: actor.user.bot === true,
  };
}

/** The public user of an actor (bots as a non-guest user, e.g. for typing events). */
export function userOf(actor: Actor): PublicUser {
  if (isAutomated(actor)) {
    const s = actor.sender;
    return { id: s.id, username: s.username, displayName: s.displayName, guest: false };
  }
  return actor.user;
}
