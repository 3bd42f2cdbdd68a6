import { Injectable, Optional } from '@nestjs/common';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import {
  DeliveriesPage,
  IncomingWebhook,
  IncomingWebhookCreated,
  INTEGRATION_LIMITS,
  OutgoingTrigger,
  OutgoingWebhook,
  OutgoingWebhookCreated,
  WebhookPostReply,
} from '@hihi/contracts';
import { BusError } from '@hihi/common';
import { Actor, integrationActor } from '../access/actor';
import { AccessService } from '../access/access.service';
import { MessagesService } from '../messages/messages.service';
import { AuditTrail } from '../moderation/audit-trail';
import { IncomingRow, OutgoingRow, WebhooksRepository } from './webhooks.repository';

const hash = (secret: string): string => createHash('sha256').update(secret, 'utf8').digest('hex');
const newSecret = (): string => randomBytes(32).toString('base64url');

/** Where an incoming hook posts (the gateway puts its origin in front). */
export function incomingPath(id: string, secret: string): string {
  return `/api/hooks/${id}/${secret}`;
}

function incoming(r: IncomingRow): IncomingWebhook {
  return { id: r.id, roomId: r.room_id, name: r.name, createdBy: r.created_by, createdAt: r.created_at.toISOString() };
}

function outgoing(r: OutgoingRow): OutgoingWebhook {
  return {
    id: r.id,
    roomId: r.room_id,
    url: r.url,
    trigger: r.trigger,
    createdBy: r.created_by,
    createdAt: r.created_at.toISOString(),
  };
}

/**
 * Webhooks of a room (SPEC §9). Whoever may change the room's settings (its moderators and
 * owners; server staff in public and private rooms) manages them. An incoming hook posts through
 * MessagesService — the one write path — as an integration actor of its own room.
 */
@Injectable()
export class WebhooksService {
  /** roomId → live outgoing hooks, briefly (every new message asks) */
  private readonly outgoingCache = new Map<string, { at: number; hooks: Promise<OutgoingRow[]> }>();

  constructor(
    private readonly repo: WebhooksRepository,
    private readonly access: AccessService,
    private readonly messages: MessagesService,
    @Optional() private readonly audit?: AuditTrail,
  ) {}

  /** Creating, rotating and deleting a room's hooks are audited (SPEC §8): who, which room, which hook. */
  private async record(actor: Actor, action: string, roomId: string, details: Record<string, unknown>): Promise<void> {
    await this.audit?.append(actor, { action, target: { type: 'room', id: roomId }, details });
  }

  private async manage(actor: Actor, roomId: string): Promise<void> {
    if (actor.kind !== 'user' || actor.user.bot) throw new BusError('forbidden', 'only people manage integrations');
    await this.access.require(actor, roomId, 'update');
  }

  async createIncoming(actor: Actor, roomId: string, name: string): Promise<IncomingWebhookCreated> {
    await this.manage(actor, roomId);
    if ((await this.repo.incomingOf(roomId)).length >= INTEGRATION_LIMITS.hooksPerRoom)
      throw new BusError('conflict', `a room has at most ${INTEGRATION_LIMITS.hooksPerRoom} incoming webhooks`);
    const secret = newSecret();
    const row = await this.repo.createIncoming(roomId, name, hash(secret), actor.id);
    await this.record(actor, 'room.webhook.create', roomId, { hookId: row.id, kind: 'incoming', name });
    return { ...incoming(row), url: incomingPath(row.id, secret) };
  }

  async listIncoming(actor: Actor, roomId: string): Promise<IncomingWebhook[]> {
    await this.manage(actor, roomId);
    return (await this.repo.incomingOf(roomId)).map(incoming);
  }

  async deleteIncoming(actor: Actor, roomId: string, hookId: string): Promise<void> {
    await this.manage(actor, roomId);
    if (!(await this.repo.deleteIncoming(roomId, hookId))) throw new BusError('not_found', 'no such webhook');
    await this.record(actor, 'room.webhook.delete', roomId, { hookId, kind: 'incoming' });
  }

  /** A new secret (URL); the old one stops at once. */
  async rotateIncoming(actor: Actor, roomId: string, hookId: string): Promise<IncomingWebhookCreated> {
    await this.manage(actor, roomId);
    const secret = newSecret();
    const row = await this.repo.rotateIncoming(roomId, hookId, hash(secret));
    if (!row) throw new BusError('not_found', 'no such webhook');
    await this.record(actor, 'room.webhook.rotate', roomId, { hookId, kind: 'incoming', name: row.name });
    return { ...incoming(row), url: incomingPath(row.id, secret) };
  }

  /** A post to an incoming hook's URL: unknown hook and wrong secret alike answer not_found. */
  async post(hookId: string, secret: string, text: string, username?: string): Promise<WebhookPostReply> {
    const row = await this.repo.incoming(hookId);
    const given = Buffer.from(hash(secret), 'hex');
    const stored = Buffer.from(row?.secret_hash ?? '00'.repeat(32), 'hex');
    if (!row || given.length !== stored.length || !timingSafeEqual(given, stored))
      throw new BusError('not_found', 'no such webhook');
    const actor = integrationActor(row.id, row.room_id, username ?? row.name);
    const message = await this.messages.send(actor, row.room_id, text, `hook:${randomUUID()}`);
    return { messageId: message.id, seq: message.seq };
  }

  async createOutgoing(
    actor: Actor,
    roomId: string,
    url: string,
    trigger: OutgoingTrigger,
  ): Promise<OutgoingWebhookCreated> {
    await this.manage(actor, roomId);
    if ((await this.repo.outgoingOf(roomId)).length >= INTEGRATION_LIMITS.hooksPerRoom)
      throw new BusError('conflict', `a room has at most ${INTEGRATION_LIMITS.hooksPerRoom} outgoing webhooks`);
    const secret = newSecret();
    const normalised = typeof trigger === 'object' ? { words: trigger.words.map((w) => w.trim()) } : trigger;
    const row = await this.repo.createOutgoing(roomId, url, normalised, secret, actor.id);
    this.outgoingCache.delete(roomId);
    await this.record(actor, 'room.webhook.create', roomId, {
      hookId: row.id,
      kind: 'outgoing',
      url,
      trigger: normalised,
    });
    return { ...outgoing(row), secret };
  }

  async listOutgoing(actor: Actor, roomId: string): Promise<OutgoingWebhook[]> {
    await this.manage(actor, roomId);
    return (await this.repo.outgoingOf(roomId)).map(outgoing);
  }

  async deleteOutgoing(actor: Actor, roomId: string, hookId: string): Promise<void> {
    await this.manage(actor, roomId);
    if (!(await this.repo.deleteOutgoing(roomId, hookId))) throw new BusError('not_found', 'no such webhook');
    this.outgoingCache.delete(roomId);
    await this.record(actor, 'room.webhook.delete', roomId, { hookId, kind: 'outgoing' });
  }

  async deliveries(actor: Actor, roomId: string, hookId: string): Promise<DeliveriesPage> {
    await this.manage(actor, roomId);
    const hook = await this.repo.outgoing(hookId);
    if (!hook || hook.room_id !== roomId) throw new BusError('not_found', 'no such webhook');
    const rows = await this.repo.deliveries(hookId, INTEGRATION_LIMITS.deliveriesKept);
    return {
      deliveries: rows.map((d) => ({
        id: String(d.id),
        hookId: d.hook_id,
        messageId: d.message_id,
        attempt: d.attempt,
        ok: d.ok,
        ...(d.status !== null ? { status: d.status } : {}),
        latencyMs: d.latency_ms,
        ...(d.error ? { error: d.error } : {}),
        at: d.at.toISOString(),
      })),
    };
  }

  /** The room's live outgoing hooks, believed for 2 s (another process's change shows within that). */
  outgoingFor(roomId: string): Promise<OutgoingRow[]> {
    const now = Date.now();
    const hit = this.outgoingCache.get(roomId);
    if (hit && now - hit.at < 2000) return hit.hooks;
    if (this.outgoingCache.size > 10_000) this.outgoingCache.clear();
    const hooks = this.repo.outgoingOf(roomId);
    hooks.catch(() => this.outgoingCache.delete(roomId));
    this.outgoingCache.set(roomId, { at: now, hooks });
    return hooks;
  }
}
