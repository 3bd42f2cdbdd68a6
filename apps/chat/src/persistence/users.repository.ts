import { Inject, Injectable } from '@nestjs/common';
import { PublicUser } from '@hihi/contracts';
import { DB, Db } from '../database/database';

export interface ChatUserRow {
  id: string;
  username: string;
  display_name: string;
}

/** chat's projection of auth's accounts (for DMs by username, mentions and DM names). */
@Injectable()
export class UsersRepository {
  constructor(@Inject(DB) private readonly db: Db) {}

  async upsert(user: PublicUser): Promise<void> {
    await this.db
      .insertInto('chat_users')
      .values({
        id: user.id,
        username: user.username,
        username_key: user.username.toLowerCase(),
        display_name: user.displayName,
        guest: user.guest,
        avatar_url: user.avatarUrl ?? null,
      })
      .onConflict((oc) =>
        oc
          .column('id')
          .doUpdateSet((eb) => ({
            username: eb.ref('excluded.username'),
            username_key: eb.ref('excluded.username_key'),
            display_name: eb.ref('excluded.display_name'),
            avatar_url: eb.ref('excluded.avatar_url'),
            updated_at: new Date(),
          }))
          // a deleted account's row keeps "deleted user" (nothing of the person comes back)
          .where('chat_users.deleted', '=', false),
      )
      .execute();
  }

  /**
   * The account was deleted: its row and every message it sent show DELETED_USER from now on
   * (messages others received stay; messages_idempotency serves the sender look-up). Answers how
   * many messages were renamed.
   */
  async markDeleted(userId: string, username: string, displayName: string): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('chat_users')
        .values({ id: userId, username, username_key: `deleted:${userId}`, display_name: displayName, deleted: true })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet({
            username,
            username_key: `deleted:${userId}`,
            display_name: displayName,
            avatar_url: null,
            deleted: true,
            updated_at: new Date(),
          }),
        )
        .execute();
      const r = await tx
        .updateTable('messages')
        .set({ sender_username: username, sender_display_name: displayName })
        .where('sender_id', '=', userId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    });
  }

  /** By id (primary key); accounts only, never guests. */
  async findById(id: string): Promise<ChatUserRow | undefined> {
    return this.db
      .selectFrom('chat_users')
      .select(['id', 'username', 'display_name'])
      .where('id', '=', id)
      .where('guest', '=', false)
      .executeTakeFirst();
  }

  /** By username, case-insensitively (index chat_users_username_key); accounts only, never guests. */
  async findByUsername(username: string): Promise<ChatUserRow | undefined> {
    return this.db
      .selectFrom('chat_users')
      .select(['id', 'username', 'display_name'])
      .where('username_key', '=', username.toLowerCase())
      .where('guest', '=', false)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** Ids of the accounts with these (lower-cased) usernames. */
  async idsByUsernames(keys: string[]): Promise<ChatUserRow[]> {
    if (!keys.length) return [];
    return this.db
      .selectFrom('chat_users')
      .select(['id', 'username', 'display_name'])
      .where('username_key', 'in', keys)
      .where('guest', '=', false)
      .execute();
  }
}
