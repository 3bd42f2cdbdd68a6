import { Injectable, computed, inject, signal } from '@angular/core';
import { LIMITS, LOBBY_ROOM_ID } from '@hihi/contracts';
import { ChatApiService } from '../../core/api/chat-api.service';
import { AuthService } from '../../core/auth/auth.service';
import { MembersStore } from './members.store';
import { PresenceStore } from './presence.store';
import { TimelineStore } from './timeline.store';

/** Someone a username field can suggest. */
export interface Person {
  id: string;
  username: string;
  displayName: string;
}

/** How many suggestions a username field shows. */
export const SUGGESTIONS_MAX = 6;

/**
 * The people the client knows of, for username autocomplete (invite, new group, DM): the
 * lobby's members (everyone is in the lobby; its first page is fetched once, when a field first
 * asks), members of opened member panels, who is online, and who wrote. No server search
 * exists for users: a name not suggested can still be typed; the server checks it.
 */
@Injectable()
export class PeopleStore {
  private readonly api = inject(ChatApiService);
  private readonly members = inject(MembersStore);
  private readonly presence = inject(PresenceStore);
  private readonly timeline = inject(TimelineStore);
  private readonly me = inject(AuthService).user;
  private readonly fetched = signal<Person[]>([]);
  private warming: Promise<void> | null = null;

  readonly known = computed<Person[]>(() => {
    const people = new Map<string, Person>();
    const add = (p: Person) => {
      if (p?.id && p.username && !people.has(p.id)) people.set(p.id, p);
    };
    for (const p of this.fetched()) add(p);
    for (const list of Object.values(this.members.lists())) for (const m of list.members) add(m.user);
    for (const users of Object.values(this.presence.online())) for (const u of users) if (!u.guest) add(u);
    for (const view of Object.values(this.timeline.views())) {
      for (const m of view.messages) if (!m.sender.bot) add(m.sender);
    }
    const meId = this.me()?.id;
    if (meId) people.delete(meId);
    return [...people.values()];
  });

  /** Fetches the lobby's first page of members, once (errors leave the other sources). */
  warm(): Promise<void> {
    this.warming ??= this.api.members(LOBBY_ROOM_ID, { limit: LIMITS.membersMax }).then(
      (page) => this.fetched.set(page.members.map((m) => m.user).filter((u) => !u.guest)),
      () => {
        this.warming = null;
      },
    );
    return this.warming;
  }

  /**
   * Up to SUGGESTIONS_MAX people whose username or display name matches the text (a prefix first,
   * then anywhere), leaving out the usernames given.
   */
  suggest(text: string, exclude: Iterable<string> = []): Person[] {
    const q = text.trim().replace(/^@/, '').toLowerCase();
    if (!q) return [];
    const skip = new Set([...exclude].map((u) => u.toLowerCase()));
    const scored: { p: Person; score: number }[] = [];
    for (const p of this.known()) {
      const username = p.username.toLowerCase();
      if (skip.has(username)) continue;
      const name = (p.displayName || '').toLowerCase();
      const score = username.startsWith(q)
        ? 0
        : name.startsWith(q)
          ? 1
          : username.includes(q) || name.includes(q)
            ? 2
            : -1;
      if (score >= 0) scored.push({ p, score });
    }
    return scored
      .sort((a, b) => a.score - b.score || a.p.username.localeCompare(b.p.username))
      .slice(0, SUGGESTIONS_MAX)
      .map((s) => s.p);
  }
}
