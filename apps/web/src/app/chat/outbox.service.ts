import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import {
  type AckError,
  type Attachment,
  CLIENT_EVENTS,
  type ErrorCode,
  type Message,
  type MessageSendPayload,
  type ReplyPreview,
} from '@hihi/contracts';
import { Subject } from 'rxjs';
import { SocketService } from '../core/socket/socket.service';
import { newClientMsgId } from './message-merge';

export type OutboxStatus = 'pending' | 'failed';

export interface OutboxItem {
  clientMsgId: string;
  roomId: string;
  text: string;
  status: OutboxStatus;
  /** ISO time the user pressed send */
  createdAt: string;
  errorCode?: ErrorCode;
  errorMessage?: string;
  /** refused because muted: until when (null: until lifted) */
  until?: string | null;
  /** refused by slow mode: the wait, ms */
  retryAfterMs?: number;
  /** the message this one replies to */
  replyTo?: ReplyPreview;
  /** uploaded files it carries */
  attachments?: Attachment[];
}

/** Errors worth resending automatically after a reconnect. */
const RETRYABLE: readonly ErrorCode[] = ['unavailable', 'rate_limited', 'unauthorized'];

/**
 * Messages the server has not acknowledged yet. Each keeps its clientMsgId for life, so a resend
 * after a timeout or a reconnect can never store the message twice (the server de-duplicates).
 */
@Injectable({ providedIn: 'root' })
export class OutboxService {
  private readonly socket = inject(SocketService);
  private readonly itemsSignal = signal<OutboxItem[]>([]);
  private readonly inFlight = new Set<string>();

  readonly items = this.itemsSignal.asReadonly();
  /** Messages confirmed by an acknowledgement. */
  readonly delivered$ = new Subject<Message>();
  /** Messages the server refused (a mute, slow mode, …), with its error. */
  readonly refused$ = new Subject<{ roomId: string; error: AckError }>();

  constructor() {
    const sub = this.socket.connected$.subscribe(() => void this.flush());
    inject(DestroyRef).onDestroy(() => sub.unsubscribe());
  }

  /** Queues a message and sends it when connected. */
  send(roomId: string, text: string, replyTo?: ReplyPreview, attachments: readonly Attachment[] = []): OutboxItem {
    const item: OutboxItem = {
      clientMsgId: newClientMsgId(),
      roomId,
      text,
      status: 'pending',
      createdAt: new Date().toISOString(),
      ...(replyTo ? { replyTo } : {}),
      ...(attachments.length ? { attachments: [...attachments] } : {}),
    };
    this.itemsSignal.update((items) => [...items, item]);
    void this.attempt(item.clientMsgId);
    return item;
  }

  /** Tries a failed message again with the same clientMsgId. */
  retry(clientMsgId: string): Promise<void> {
    return this.attempt(clientMsgId);
  }

  /** The message reached us through the room (message:new): it is no longer outstanding. */
  confirm(clientMsgId: string | undefined): void {
    if (!clientMsgId) return;
    this.itemsSignal.update((items) => {
      const next = items.filter((i) => i.clientMsgId !== clientMsgId);
      return next.length === items.length ? items : next;
    });
  }

  /** Resends, in order, everything pending or failed for a retryable reason. */
  async flush(): Promise<void> {
    const due = this.itemsSignal().filter(
      (i) => i.status === 'pending' || (i.errorCode !== undefined && RETRYABLE.includes(i.errorCode)),
    );
    for (const item of due) await this.attempt(item.clientMsgId);
  }

  clear(): void {
    this.itemsSignal.set([]);
    this.inFlight.clear();
  }

  private async attempt(clientMsgId: string): Promise<void> {
    const item = this.find(clientMsgId);
    if (!item || this.inFlight.has(clientMsgId)) return;
    this.patch(clientMsgId, {
      status: 'pending',
      errorCode: undefined,
      errorMessage: undefined,
      until: undefined,
      retryAfterMs: undefined,
    });
    // while offline it simply waits: the next connection flushes it
    if (!this.socket.connected) return;

    this.inFlight.add(clientMsgId);
    const payload: MessageSendPayload = { roomId: item.roomId, text: item.text, clientMsgId };
    if (item.replyTo) payload.replyTo = item.replyTo.id;
    if (item.attachments?.length) payload.attachments = item.attachments.map((a) => a.id);
    try {
      const ack = await this.socket.request(CLIENT_EVENTS.messageSend, payload);
      if (ack.ok) {
        this.confirm(clientMsgId);
        this.delivered$.next(ack.message);
      } else {
        this.patch(clientMsgId, {
          status: 'failed',
          errorCode: ack.error.code,
          errorMessage: ack.error.message,
          ...(ack.error.until !== undefined ? { until: ack.error.until } : {}),
          ...(ack.error.retryAfterMs !== undefined ? { retryAfterMs: ack.error.retryAfterMs } : {}),
        });
        this.refused$.next({ roomId: item.roomId, error: ack.error });
      }
    } finally {
      this.inFlight.delete(clientMsgId);
    }
  }

  private find(clientMsgId: string): OutboxItem | undefined {
    return this.itemsSignal().find((i) => i.clientMsgId === clientMsgId);
  }

  private patch(clientMsgId: string, change: Partial<OutboxItem>): void {
    this.itemsSignal.update((items) => items.map((i) => (i.clientMsgId === clientMsgId ? { ...i, ...change } : i)));
  }
}
