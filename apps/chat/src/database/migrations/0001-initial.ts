import { Kysely, sql } from 'kysely';

/**
 * The first schema: users (a projection of auth's accounts, for DMs by username), rooms with
 * their seq counter, memberships of DMs and duck rooms, messages keyed (room_id, seq), and read
 * positions. Every hot query names its index in docs/performance.md ("Indexes").
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table chat_users (
      id text primary key,
      username text not null,
      username_key text not null,
      display_name text not null,
      guest boolean not null default false,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index chat_users_username_key on chat_users (username_key)`.execute(db);

  await sql`
    create table rooms (
      id text primary key,
      kind text not null check (kind in ('public', 'dm', 'bot')),
      name text not null,
      name_key text not null,
      created_by text,
      created_at timestamptz not null default now(),
      last_seq bigint not null default 0
    )`.execute(db);
  await sql`create unique index rooms_name_key on rooms (name_key)`.execute(db);
  await sql`create index rooms_public on rooms (created_at) where kind = 'public'`.execute(db);

  await sql`
    create table room_members (
      room_id text not null references rooms (id) on delete cascade,
      user_id text not null,
      primary key (room_id, user_id)
    )`.execute(db);
  await sql`create index room_members_user on room_members (user_id, room_id)`.execute(db);

  await sql`
    create table messages (
      room_id text not null references rooms (id) on delete cascade,
      seq bigint not null,
      id uuid not null default gen_random_uuid(),
      sender_id text not null,
      sender_username text not null,
      sender_display_name text not null,
      sender_bot boolean not null default false,
      client_msg_id text not null,
      text text not null,
      created_at timestamptz not null default now(),
      primary key (room_id, seq)
    )`.execute(db);
  await sql`create unique index messages_id on messages (id)`.execute(db);
  await sql`create unique index messages_idempotency on messages (sender_id, client_msg_id)`.execute(db);

  await sql`
    create table read_positions (
      user_id text not null,
      room_id text not null references rooms (id) on delete cascade,
      seq bigint not null default 0,
      primary key (user_id, room_id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['read_positions', 'messages', 'room_members', 'rooms', 'chat_users']) {
    await sql`drop table if exists ${sql.table(t)}`.execute(db);
  }
}
