/** Room moderation and reports (SPEC §8 "Room owners and moderators"; docs/api.md "Moderation"). */
import type { Message, PublicUser } from './models';

export const MODERATION = {
  /** a mute's `durationSec`: an integer 1 … a year */
  durationMinSec: 1,
  durationMaxSec: 31_536_000,
  /** a reason or note: 1–1000 characters with the display-name character rules */
  reasonMax: 1000,
  /** reports per page of GET /api/moderation/reports (default / most) */
  reportsPageDefault: 50,
  reportsPageMax: 100,
  /** bans per page of GET /api/rooms/:id/bans */
  bansPageDefault: 50,
  bansPageMax: 100,
  /** characters of a reported message's text kept with the report (what was reported, even once deleted) */
  reportedTextMax: 4000,
} as const;

/* ---------- mutes ---------- */
/** POST /api/rooms/:id/mutes */
export interface MuteBody {
  userId: string;
  /** seconds (1 … 31,536,000); absent: until lifted */
  durationSec?: number;
  reason?: string;
}
export interface MuteRequest extends MuteBody {
  roomId: string;
}
/** 201 of POST /api/rooms/:id/mutes */
export interface RoomMute {
  userId: string;
  /** ISO-8601 UTC; null: until lifted */
  mutedUntil: string | null;
}

/* ---------- bans ---------- */
/** POST /api/rooms/:id/bans */
export interface BanBody {
  userId: string;
  reason?: string;
}
export interface BanRequest extends BanBody {
  roomId: string;
}
/** 201 of POST /api/rooms/:id/bans; one entry of GET /api/rooms/:id/bans */
export interface RoomBan {
  userId: string;
  /** the banned person, as chat knows them (absent when unknown to chat) */
  user?: PublicUser;
  /** ISO-8601 UTC */
  bannedAt: string;
  reason?: string;
}
/** GET /api/rooms/:id/bans (room owners and moderators) */
export interface BansQuery {
  cursor?: string;
  limit?: number;
}
export interface BansRequest extends BansQuery {
  roomId: string;
}
export interface BansPage {
  bans: RoomBan[];
  nextCursor?: string;
}

/* ---------- reports ---------- */
export const REPORT_STATUSES = ['open', 'resolved'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export const REPORT_ACTIONS = ['dismiss', 'delete', 'mute', 'ban'] as const;
export type ReportAction = (typeof REPORT_ACTIONS)[number];

/** POST /api/messages/:id/report */
export interface ReportBody {
  reason: string;
}
export interface ReportRequest extends ReportBody {
  messageId: string;
}
/** 201 of POST /api/messages/:id/report: the reporter's receipt (no one else's reports, nothing about moderators). */
export interface ReportReceipt {
  id: string;
  messageId: string;
  roomId: string;
  status: ReportStatus;
  /** ISO-8601 UTC */
  createdAt: string;
}

/** How a report was resolved. */
export interface ReportResolution {
  action: ReportAction;
  by: PublicUser;
  /** ISO-8601 UTC */
  at: string;
  note?: string;
  /** action `mute`: until when (null: until lifted) */
  mutedUntil?: string | null;
}

/** One report as moderators see it (GET /api/moderation/reports). Never shown to the reported person. */
export interface Report {
  id: string;
  roomId: string;
  roomName: string;
  /** the message as it is now (a tombstone once deleted) */
  message: Message;
  /** the message's text when it was reported */
  reportedText: string;
  reporter: PublicUser;
  reason: string;
  status: ReportStatus;
  /** ISO-8601 UTC */
  createdAt: string;
  resolution?: ReportResolution;
}

/** GET /api/moderation/reports */
export interface ReportsQuery {
  /** default `open` */
  status?: ReportStatus;
  /** reports of one room only */
  roomId?: string;
  cursor?: string;
  limit?: number;
}
export interface ReportsPage {
  /** open ones oldest first (a queue); resolved ones newest first */
  reports: Report[];
  nextCursor?: string;
  /** open reports the caller may act on, in all (the badge) */
  openCount: number;
}

/** POST /api/moderation/reports/:id/resolve */
export interface ResolveReportBody {
  action: ReportAction;
  /** action `mute` only: as for mutes (absent: until lifted) */
  durationSec?: number;
  note?: string;
}
export interface ResolveReportRequest extends ResolveReportBody {
  reportId: string;
}

/**
 * `moderation:reports` (server → client): the number of open reports the receiver may act on
 * changed (a report came in or was resolved). Sent to the room's owners and moderators and to
 * server moderators and above; refresh the queue with GET /api/moderation/reports.
 */
export interface ModerationReportsEvent {
  openCount: number;
  /** the room whose reports changed */
  roomId: string;
}

/**
 * Chat → gateways (PUBSUB_CHANNELS.moderation, every gateway): a room's open reports changed.
 * Each gateway sends `moderation:reports` to its sockets of server moderators and above
 * (`staffOpenCount`) and of the listed room staff (their own count).
 */
export interface ModerationReportsNotice {
  roomId: string;
  /** open reports in every public and private room (what server moderators and above may act on) */
  staffOpenCount: number;
  /** the room's owners and moderators, each with the open reports of the rooms they moderate */
  roomStaff: Array<{ userId: string; openCount: number }>;
}

/* ---------- GET /api/admin/stats: chat's figures ---------- */
/** chat.stats: what chat counts for GET /api/admin/stats (the gateway adds `online`). */
export interface ChatStats {
  /** public and private rooms, DMs and groups (duck rooms are not counted) */
  rooms: number;
  messages: number;
  /** messages since 00:00 UTC today */
  messagesToday: number;
}
