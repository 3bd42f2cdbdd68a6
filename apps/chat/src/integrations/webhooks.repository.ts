import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { INTEGRATION_LIMITS, OutgoingTrigger, RoomKind } from '@hihi/contracts';
import { DB, Db } from '../database/database';

export interface IncomingRow {
  id: string;
  room_id: string;
  name: string;
  secret_hash: string;
  created_by: string;
  created_at: Date;
}

export interface OutgoingRow {
  id: string;
  room_id: string;
  url: string;
  trigger: OutgoingTrigger;
  secret: string;
  created_by: string;
  created_at: Date;
}

export interface DeliveryRow {
  id: number;
  hook_id: string;
  message_id: string;
  attempt: number;
  ok: boolean;
  status: number | null;
  latency_ms: number;
  error: string | null;
  at: Date;
}

const INCOMING = ['id', 'room_id', 'name', 'secret_hash', 'created_by', 'created_at'] as const;
const OUTGOING = ['id', 'room_id', 'url', 'trigger', 'secret', 'created_by', 'created_at'] as const;

/** Webhooks and their delivery log (migration 0010). Parameters only; each hot read has its index. */
@Injectable()
export class WebhooksRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async createIncoming(roomId: string, name: string, secretHash: string, by: string): Promise<IncomingRow> {
    return this.db
      .insertInto('incoming_webhooks')
      .values({ room_id: roomId, name, secret_hash: secretHash, created_by: by })
      .returning(INCOMING)
      .executeTakeFirstOrThrow();
  }

  /** Live hooks of a room (incoming_webhooks_room). */
  async incomingOf(roomId: string): Promise<IncomingRow[]> {
    return this.db
      .selectFrom('incoming_webhooks')
      .select(INCOMING)
      .where('room_id', '=', roomId)
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .limit(100)
      .execute();
  }

  /** A live hook by id (primary key). */
  async incoming(id: string): Promise<IncomingRow | undefined> {
    return this.db
      .selectFrom('incoming_webhooks')
      .select(INCOMING)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  async deleteIncoming(roomId: string, id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('incoming_webhooks')
      .set({ deleted_at: new Date() })
      .where('id', '=', id)
      .where('room_id', '=', roomId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async rotateIncoming(roomId: string, id: string, secretHash: string): Promise<IncomingRow | undefined> {
    return this.db
      .updateTable('incoming_webhooks')
      .set({ secret_hash: secretHash })
      .where('id', '=', id)
      .where('room_id', '=', roomId)
      .where('deleted_at', 'is', null)
      .returning(INCOMING)
      .executeTakeFirst();
  }

  async createOutgoing(
    roomId: string,
    url: string,
    trigger: OutgoingTrigger,
    secret: string,
    by: string,
  ): Promise<OutgoingRow> {
    return this.db
      .insertInto('outgoing_webhooks')
      .values({ room_id: roomId, url, trigger: JSON.stringify(trigger), secret, created_by: by })
      .returning(OUTGOING)
      .executeTakeFirstOrThrow();
  }

  /** Live outgoing hooks of a room (outgoing_webhooks_room): read once per new message, cached briefly. */
  async outgoingOf(roomId: string): Promise<OutgoingRow[]> {
    return this.db
      .selectFrom('outgoing_webhooks')
      .select(OUTGOING)
      .where('room_id', '=', roomId)
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .limit(100)
      .execute();
  }

  async outgoing(id: string): Promise<OutgoingRow | undefined> {
    return this.db
      .selectFrom('outgoing_webhooks')
      .select(OUTGOING)
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
  }

  async deleteOutgoing(roomId: string, id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('outgoing_webhooks')
      .set({ deleted_at: new Date() })
      .where('id', '=', id)
      .where('room_id', '=', roomId)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Log one try, keeping the newest INTEGRATION_LIMITS.deliveriesKept per hook. */
  async logDelivery(d: Omit<DeliveryRow, 'id' | 'at'>): Promise<void> {
    await this.db.insertInto('webhook_deliveries').values(d).execute();
    await sql`
      delete from webhook_deliveries
      where hook_id = ${d.hook_id}::uuid and id <= (
        select id from webhook_deliveries where hook_id = ${d.hook_id}::uuid
        order by id desc offset ${INTEGRATION_LIMITS.deliveriesKept} limit 1)`.execute(this.db);
  }

  /** Newest first (webhook_deliveries_hook). */
  async deliveries(hookId: string, limit: number): Promise<DeliveryRow[]> {
    return this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('hook_id', '=', hookId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  /** What a delivery tells about the room. */
  async roomBrief(roomId: string): Promise<{ id: string; name: string; kind: RoomKind } | undefined> {
    return this.db.selectFrom('rooms').select(['id', 'name', 'kind']).where('id', '=', roomId).executeTakeFirst();
  }
}
