import { Injectable, computed, inject, signal } from '@angular/core';
import {
  type Ack,
  type Attachment,
  CLIENT_EVENTS,
  LIMITS,
  type Message,
  type MessageChangeAck,
  type MessageDeletePayload,
  type MessageEditPayload,
  type MessageReactPayload,
  type ReplyPreview,
} from '@hihi/contracts';
import { AuthService } from '../../core/auth/auth.service';
import { I18nService } from '../../core/i18n/i18n.service';
import { SocketService } from '../../core/socket/socket.service';
import { OutboxService } from '../outbox.service';
import { RoomsStore } from './rooms.store';
import { ChatStatus } from './status.store';
import { TimelineStore } from './timeline.store';

/** The quote a reply carries before the server has stored it. */
export function toReplyPreview(m: Message): ReplyPreview {
  return {
    id: m.id,
    seq: m.seq,
    sender: m.sender,
    text: m.text.slice(0, LIMITS.replyExcerpt),
    ...(m.deleted ? { deleted: true } : {}),
  };
}

/** What the viewer does to messages of the open room: send (with a reply), edit, delete, react. */
@Injectable()
export class MessageActions {
  private readonly socket = inject(SocketService);
  private readonly outbox = inject(OutboxService);
  private readonly rooms = inject(RoomsStore);
  private readonly timeline = inject(TimelineStore);
  private readonly status = inject(ChatStatus);
  private readonly i18n = inject(I18nService);
  private readonly me = inject(AuthService).user;

  private readonly replyRef = signal<Message | null>(null);
  /** the message the composer replies to, as it is now (an edit shows; a deletion ends the reply) */
  readonly replyingTo = computed<Message | null>(() => {
    const ref = this.replyRef();
    if (!ref) return null;
    const now = this.timeline.find(ref.roomId, ref.id) ?? ref;
    return now.deleted ? null : now;
  });

  send(text: string, attachments: readonly Attachment[] = []): void {
    const roomId = this.rooms.activeId();
    const trimmed = text.trim();
    if (!roomId || !trimmed || trimmed.length > LIMITS.messageMax) return;
    const reply = this.replyingTo();
    this.outbox.send(roomId, trimmed, reply?.roomId === roomId ? toReplyPreview(reply) : undefined, attachments);
    this.replyRef.set(null);
  }

  startReply(message: Message): void {
    if (message.deleted) return;
    this.replyRef.set(message);
  }

  cancelReply(): void {
    this.replyRef.set(null);
  }

  /** Another room opens: a reply to a message elsewhere ends. */
  roomChanged(roomId: string): void {
    if (this.replyRef()?.roomId !== roomId) this.replyRef.set(null);
  }

  /** Edits an own message; the answer (and message:updated) replaces it in the list. */
  async edit(messageId: string, text: string): Promise<boolean> {
    const roomId = this.rooms.activeId();
    const trimmed = text.trim();
    if (!roomId || !trimmed || trimmed.length > LIMITS.messageMax) return false;
    const payload: MessageEditPayload = { roomId, messageId, text: trimmed };
    return this.change(await this.socket.request(CLIENT_EVENTS.messageEdit, payload));
  }

  /** Deletes an own message: it becomes a tombstone. */
  async remove(messageId: string): Promise<boolean> {
    const roomId = this.rooms.activeId();
    if (!roomId) return false;
    const payload: MessageDeletePayload = { roomId, messageId };
    return this.change(await this.socket.request(CLIENT_EVENTS.messageDelete, payload));
  }

  /** Toggles the viewer's reaction with this emoji. */
  async react(messageId: string, emoji: string): Promise<boolean> {
    const roomId = this.rooms.activeId();
    const me = this.me();
    const message = roomId ? this.timeline.find(roomId, messageId) : undefined;
    if (!roomId || !me || !message || message.deleted) return false;
    const existing = message.reactions?.find((r) => r.emoji === emoji);
    const on = !existing?.userIds.includes(me.id);
    if (on && !existing && (message.reactions?.length ?? 0) >= LIMITS.reactionsPerMessage) {
      this.status.showNotice(this.i18n.t('chat.tooManyReactions'));
      return false;
    }
    const payload: MessageReactPayload = { roomId, messageId, emoji, on };
    return this.change(await this.socket.request(CLIENT_EVENTS.messageReact, payload));
  }

  retry(clientMsgId: string): void {
    void this.outbox.retry(clientMsgId);
  }

  private change(ack: Ack<MessageChangeAck>): boolean {
    if (ack.ok) {
      if (ack.message) this.timeline.applyUpdates([ack.message]);
      return true;
    }
    this.status.showNotice(this.i18n.t('chat.actionFailed', { message: ack.error.message }));
    return false;
  }
}
