import { Kysely, sql } from 'kysely';

/**
 * Web Push (SPEC §10): each device's subscription (one row per endpoint: a browser that signs in
 * as another person moves its endpoint over), read by person when a notification is due.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table push_subscriptions (
      endpoint text primary key,
      user_id text not null,
      p256dh text not null,
      auth text not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index push_subscriptions_user on push_subscriptions (user_id, created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists push_subscriptions`.execute(db);
}
