import { Kysely, sql } from 'kysely';

/**
 * Webhooks (SPEC §9). Incoming hooks keep only the SHA-256 of their secret (the URL's last part);
 * outgoing hooks keep their HMAC key (it signs every delivery, so it cannot be a hash). A deleted
 * hook keeps its row (deleted_at) so its messages and deliveries still name it. Deliveries: the
 * log per hook, read newest first (webhook_deliveries_hook), trimmed to the last 100 per hook.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table incoming_webhooks (
      id uuid primary key default gen_random_uuid(),
      room_id text not null references rooms (id) on delete cascade,
      name text not null,
      secret_hash text not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db);
  await sql`create index incoming_webhooks_room on incoming_webhooks (room_id) where deleted_at is null`.execute(db);
  await sql`
    create table outgoing_webhooks (
      id uuid primary key default gen_random_uuid(),
      room_id text not null references rooms (id) on delete cascade,
      url text not null,
      trigger jsonb not null,
      secret text not null,
      created_by text not null,
      created_at timestamptz not null default now(),
      deleted_at timestamptz
    )`.execute(db);
  await sql`create index outgoing_webhooks_room on outgoing_webhooks (room_id) where deleted_at is null`.execute(db);
  await sql`
    create table webhook_deliveries (
      id bigserial primary key,
      hook_id uuid not null references outgoing_webhooks (id) on delete cascade,
      message_id uuid not null,
      attempt int not null,
      ok boolean not null,
      status int,
      latency_ms int not null,
      error text,
      at timestamptz not null default now()
    )`.execute(db);
  await sql`create index webhook_deliveries_hook on webhook_deliveries (hook_id, id desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['webhook_deliveries', 'outgoing_webhooks', 'incoming_webhooks']) {
    await sql`drop table if exists ${sql.raw(t)}`.execute(db);
  }
}
