import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import {
  type CommandName,
  type CreateRoomBody,
  type DirectoryPage,
  type DirectoryQuery,
  type HistoryPage,
  type HistoryQuery,
  type BanBody,
  type BansPage,
  type BansQuery,
  type MemberRoleBody,
  type MuteBody,
  type Report,
  type ReportReceipt,
  type ReportsPage,
  type ReportsQuery,
  type ResolveReportBody,
  type RoomBan,
  type RoomMute,
  type MembersPage,
  type MembersQuery,
  type OpenDmBody,
  PROTOCOL,
  type Room,
  type RoomMember,
  type RoomRole,
  type SearchQuery,
  type SearchReply,
  type UpdateRoomBody,
} from '@hihi/contracts';
import { firstValueFrom } from 'rxjs';

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * The method and URL of a REST command, read from its PROTOCOL row (`http: 'DELETE
 * /api/rooms/:roomId/members/:userId'`): the route is written once, in libs/contracts.
 */
export function routeOf(command: CommandName, params: Record<string, string> = {}): { method: Method; url: string } {
  const http = (PROTOCOL[command] as { http?: string }).http ?? '';
  const match = /^(GET|POST|PATCH|DELETE) (\/\S+)$/.exec(http);
  if (!match) throw new Error(`${command} has no REST route`);
  const url = match[2].replace(/:([A-Za-z]+)/g, (_all, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${command}: missing :${name}`);
    return encodeURIComponent(value);
  });
  return { method: match[1] as Method, url };
}

function toParams(query: object): HttpParams {
  let params = new HttpParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params = params.set(key, String(value));
  }
  return params;
}

/** REST calls of the chat (SPEC §4, §7). The auth interceptor adds the bearer token. */
@Injectable({ providedIn: 'root' })
export class ChatApiService {
  private readonly http = inject(HttpClient);

  /** A REST command; `T` is the HTTP answer (not always the bus reply: POST /api/dms answers the room). */
  private call<T>(
    command: CommandName,
    opts: { params?: Record<string, string>; body?: object; query?: object } = {},
  ): Promise<T> {
    const { method, url } = routeOf(command, opts.params);
    return firstValueFrom(
      this.http.request<T>(method, url, {
        body: opts.body,
        params: opts.query ? toParams(opts.query) : undefined,
      }),
    );
  }

  rooms(): Promise<Room[]> {
    return this.call<Room[]>('roomsList');
  }

  createRoom(name: string, opts: Omit<CreateRoomBody, 'name'> = {}): Promise<Room> {
    const body: CreateRoomBody = { name, ...opts };
    return this.call<Room>('roomCreate', { body });
  }

  /** One other person: their DM. */
  openDm(username: string): Promise<Room> {
    const body: OpenDmBody = { username };
    return this.call<Room>('dmOpen', { body });
  }

  /** 2–8 others: the group DM of exactly those people and the caller (the same set → the same room). */
  openGroup(usernames: readonly string[]): Promise<Room> {
    const body: OpenDmBody = { usernames: [...usernames] };
    return this.call<Room>('dmOpen', { body });
  }

  /** Public rooms by name, paged (GET /api/rooms/directory). */
  directory(query: DirectoryQuery = {}): Promise<DirectoryPage> {
    return this.call<DirectoryPage>('roomDirectory', { query });
  }

  updateRoom(roomId: string, body: UpdateRoomBody): Promise<Room> {
    return this.call<Room>('roomUpdate', { params: { roomId }, body });
  }

  joinRoom(roomId: string): Promise<Room> {
    return this.call<Room>('memberJoin', { params: { roomId }, body: {} });
  }

  async leaveRoom(roomId: string): Promise<void> {
    await this.call<null>('memberLeave', { params: { roomId }, body: {} });
  }

  members(roomId: string, query: MembersQuery = {}): Promise<MembersPage> {
    return this.call<MembersPage>('membersList', { params: { roomId }, query });
  }

  /** Invites a person by username. */
  addMember(roomId: string, username: string): Promise<RoomMember> {
    return this.call<RoomMember>('memberAdd', { params: { roomId }, body: { username } });
  }

  async removeMember(roomId: string, userId: string): Promise<void> {
    await this.call<null>('memberRemove', { params: { roomId, userId } });
  }

  setMemberRole(roomId: string, userId: string, role: RoomRole): Promise<RoomMember> {
    const body: MemberRoleBody = { role };
    return this.call<RoomMember>('memberRole', { params: { roomId, userId }, body });
  }

  history(roomId: string, query: HistoryQuery = {}): Promise<HistoryPage> {
    return this.call<HistoryPage>('history', { params: { roomId }, query });
  }

  /** GET /api/search: messages of the rooms the caller can see, newest first (docs/api.md "Search"). */
  search(query: SearchQuery): Promise<SearchReply> {
    return this.call<SearchReply>('search', { query });
  }

  /* ---------- moderation (SPEC §8) ---------- */

  /** Mutes a member (no duration: until lifted). */
  mute(roomId: string, userId: string, durationSec?: number, reason?: string): Promise<RoomMute> {
    const body: MuteBody = { userId, ...(durationSec ? { durationSec } : {}), ...(reason ? { reason } : {}) };
    return this.call<RoomMute>('muteAdd', { params: { roomId }, body });
  }

  async unmute(roomId: string, userId: string): Promise<void> {
    await this.call<null>('muteRemove', { params: { roomId, userId } });
  }

  ban(roomId: string, userId: string, reason?: string): Promise<RoomBan> {
    const body: BanBody = { userId, ...(reason ? { reason } : {}) };
    return this.call<RoomBan>('banAdd', { params: { roomId }, body });
  }

  /** The people banned from a room, newest first (its owners and moderators). */
  bans(roomId: string, query: BansQuery = {}): Promise<BansPage> {
    return this.call<BansPage>('bansList', { params: { roomId }, query });
  }

  /** Lifts a ban: the person may join (or be invited) again. */
  async unban(roomId: string, userId: string): Promise<void> {
    await this.call<null>('banRemove', { params: { roomId, userId } });
  }

  /** Reports someone else's message to the room's moderators (once per person and message). */
  report(messageId: string, reason: string): Promise<ReportReceipt> {
    return this.call<ReportReceipt>('reportCreate', { params: { messageId }, body: { reason } });
  }

  /** The reports the caller may act on, with the badge count. */
  reports(query: ReportsQuery = {}): Promise<ReportsPage> {
    return this.call<ReportsPage>('reportsList', { query });
  }

  resolveReport(reportId: string, body: ResolveReportBody): Promise<Report> {
    return this.call<Report>('reportResolve', { params: { reportId }, body });
  }
}
