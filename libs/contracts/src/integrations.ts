/**
 * Integrations (SPEC §9): bot accounts, personal access tokens, incoming and outgoing webhooks.
 * Patterns, payload and reply types and the rows of the protocol table are declared here once;
 * PROTOCOL (protocol.ts) spreads INTEGRATION_PROTOCOL in.
 */
import { command, NoData } from './command';
import type { PublicUser } from './models';
import { SERVER_EVENTS } from './events';

/* ---------- tokens ---------- */

export const TOKEN_SCOPES = ['messages:read', 'messages:write', 'rooms:read', 'rooms:write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];
export type ApiTokenKind = 'pat' | 'bot';

/** Prefixes of the long-lived tokens, so secret scanners find them (and the gateway tells them from JWTs). */
export const TOKEN_PREFIX: Record<ApiTokenKind, string> = { pat: 'hihi_pat_', bot: 'hihi_bot_' };

/** `hihi_pat_` or `hihi_bot_` followed by 43 base64url characters (32 random bytes). */
export const API_TOKEN_RE = /^hihi_(pat|bot)_[A-Za-z0-9_-]{43}$/;

export function isApiToken(value: unknown): value is string {
  return typeof value === 'string' && API_TOKEN_RE.test(value);
}

export function apiTokenKind(token: string): ApiTokenKind | undefined {
  const m = API_TOKEN_RE.exec(token);
  return m ? (m[1] as ApiTokenKind) : undefined;
}

/** Limits of the integrations (also in docs/integrations.md "Limits"). */
export const INTEGRATION_LIMITS = {
  /** bots a member (not an admin) may own */
  botsPerMember: 3,
  /** personal access tokens per account */
  tokensPerUser: 20,
  tokenNameMax: 64,
  /** longest expiry of a personal access token, days */
  tokenMaxDays: 366,
  /** incoming and outgoing hooks per room, each */
  hooksPerRoom: 10,
  hookNameMax: 32,
  /** the window of an incoming hook's rate limit (WEBHOOK_POSTS_PER_MIN posts in it, gateway config) */
  hookWindowSec: 60,
  /** an incoming hook's request body, bytes */
  hookBodyBytes: 64 * 1024,
  /** trigger words of an outgoing hook */
  triggerWordsMax: 10,
  triggerWordMax: 32,
  /** outgoing delivery: timeout per try, tries, answer bytes read */
  deliveryTimeoutMs: 5000,
  deliveryAttempts: 3,
  deliveryAnswerBytes: 64 * 1024,
  /** deliveries kept per outgoing hook */
  deliveriesKept: 100,
  /** how far a receiver should accept a signature's timestamp from its clock, seconds */
  signatureToleranceSec: 300,
} as const;

/** What a token is allowed, and whose it is: the gateway's answer from auth. */
export interface TokenIdentity {
  user: PublicUser;
  tokenId: string;
  kind: ApiTokenKind;
  scopes: TokenScope[];
  /** ISO time; absent: does not expire */
  expiresAt?: string;
}

export interface TokenInfo {
  id: string;
  name: string;
  scopes: TokenScope[];
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
}

export interface TokenCreated {
  id: string;
  /** shown this once; only its hash is kept */
  token: string;
}

export interface TokenCreateBody {
  name: string;
  scopes: TokenScope[];
  expiresInDays?: number;
}

export interface BotInfo {
  id: string;
  username: string;
  displayName: string;
  bot: true;
  ownerId: string;
  createdAt: string;
}

export interface BotCreated {
  bot: BotInfo;
  token: string;
}

export interface BotCreateBody {
  username: string;
  displayName: string;
}

/* ---------- webhooks ---------- */

export type OutgoingTrigger = 'all' | 'mention' | { words: string[] };

export interface IncomingWebhook {
  id: string;
  roomId: string;
  name: string;
  createdBy: string;
  createdAt: string;
}

export interface IncomingWebhookCreated extends IncomingWebhook {
  /** the secret URL (path; the gateway adds its origin) — shown at creation and rotation only */
  url: string;
}

export interface OutgoingWebhook {
  id: string;
  roomId: string;
  url: string;
  trigger: OutgoingTrigger;
  createdBy: string;
  createdAt: string;
}

export interface OutgoingWebhookCreated extends OutgoingWebhook {
  /** the HMAC secret, shown once */
  secret: string;
}

export interface WebhookDelivery {
  id: string;
  hookId: string;
  messageId: string;
  attempt: number;
  ok: boolean;
  /** the receiver's HTTP status, if it answered */
  status?: number;
  latencyMs: number;
  error?: string;
  at: string;
}

/* ---------- bus payloads ---------- */

export interface UserIdRef {
  userId: string;
}
export interface BotRef {
  botId: string;
}
export interface TokenRef {
  tokenId: string;
}
export interface TokenVerifyRequest {
  token: string;
}
export interface HookRef {
  roomId: string;
  hookId: string;
}
export interface IncomingCreateRequest {
  roomId: string;
  name: string;
}
export interface OutgoingCreateRequest {
  roomId: string;
  url: string;
  trigger: OutgoingTrigger;
}
/** An incoming hook's post, as the gateway turned the Slack-compatible body into text. */
export interface WebhookPostRequest {
  hookId: string;
  secret: string;
  text: string;
  /** Slack's `username`: shown instead of the hook's name */
  username?: string;
}
export interface WebhookPostReply {
  messageId: string;
  seq: number;
}
export interface DeliveriesPage {
  deliveries: WebhookDelivery[];
}

export const INTEGRATION_PATTERNS = {
  botsCreate: 'auth.bots.create',
  botsList: 'auth.bots.list',
  botsDelete: 'auth.bots.delete',
  botsToken: 'auth.bots.token',
  tokensCreate: 'auth.tokens.create',
  tokensList: 'auth.tokens.list',
  tokensRevoke: 'auth.tokens.revoke',
  /** the gateway asks who a token is (cached ≤ 500 ms there) */
  tokensVerify: 'auth.tokens.verify',
  incomingCreate: 'chat.webhooks.incoming.create',
  incomingList: 'chat.webhooks.incoming.list',
  incomingDelete: 'chat.webhooks.incoming.delete',
  incomingRotate: 'chat.webhooks.incoming.rotate',
  incomingPost: 'chat.webhooks.incoming.post',
  outgoingCreate: 'chat.webhooks.outgoing.create',
  outgoingList: 'chat.webhooks.outgoing.list',
  outgoingDelete: 'chat.webhooks.outgoing.delete',
  outgoingDeliveries: 'chat.webhooks.outgoing.deliveries',
} as const;
export type IntegrationPattern = (typeof INTEGRATION_PATTERNS)[keyof typeof INTEGRATION_PATTERNS];

export const INTEGRATION_PROTOCOL = {
  botsCreate: command<BotCreateBody, BotCreated>()({
    http: 'POST /api/bots',
    pattern: INTEGRATION_PATTERNS.botsCreate,
    dto: 'BotCreateDto',
    emits: [],
  }),
  botsList: command<NoData, BotInfo[]>()({
    http: 'GET /api/bots',
    pattern: INTEGRATION_PATTERNS.botsList,
    dto: 'EmptyDto',
    emits: [],
  }),
  botsDelete: command<BotRef, NoData>()({
    http: 'DELETE /api/bots/:id',
    pattern: INTEGRATION_PATTERNS.botsDelete,
    dto: 'BotRefDto',
    emits: [],
  }),
  botsToken: command<BotRef, TokenCreated>()({
    http: 'POST /api/bots/:id/token',
    pattern: INTEGRATION_PATTERNS.botsToken,
    dto: 'BotRefDto',
    emits: [],
  }),
  tokensCreate: command<TokenCreateBody, TokenCreated>()({
    http: 'POST /api/me/tokens',
    pattern: INTEGRATION_PATTERNS.tokensCreate,
    dto: 'TokenCreateDto',
    emits: [],
  }),
  tokensList: command<NoData, TokenInfo[]>()({
    http: 'GET /api/me/tokens',
    pattern: INTEGRATION_PATTERNS.tokensList,
    dto: 'EmptyDto',
    emits: [],
  }),
  tokensRevoke: command<TokenRef, NoData>()({
    http: 'DELETE /api/me/tokens/:id',
    pattern: INTEGRATION_PATTERNS.tokensRevoke,
    dto: 'TokenRefDto',
    emits: [],
  }),
  tokensVerify: command<TokenVerifyRequest, TokenIdentity>()({
    http: '(Authorization: Bearer hihi_…, Socket.IO auth.token)',
    pattern: INTEGRATION_PATTERNS.tokensVerify,
    dto: 'TokenVerifyDto',
    emits: [],
  }),
  incomingCreate: command<IncomingCreateRequest, IncomingWebhookCreated>()({
    http: 'POST /api/rooms/:roomId/webhooks',
    pattern: INTEGRATION_PATTERNS.incomingCreate,
    dto: 'IncomingCreateDto',
    emits: [],
  }),
  incomingList: command<{ roomId: string }, IncomingWebhook[]>()({
    http: 'GET /api/rooms/:roomId/webhooks',
    pattern: INTEGRATION_PATTERNS.incomingList,
    dto: 'RoomIdDto',
    emits: [],
  }),
  incomingDelete: command<HookRef, NoData>()({
    http: 'DELETE /api/rooms/:roomId/webhooks/:hookId',
    pattern: INTEGRATION_PATTERNS.incomingDelete,
    dto: 'HookRefDto',
    emits: [],
  }),
  incomingRotate: command<HookRef, IncomingWebhookCreated>()({
    http: 'POST /api/rooms/:roomId/webhooks/:hookId/rotate',
    pattern: INTEGRATION_PATTERNS.incomingRotate,
    dto: 'HookRefDto',
    emits: [],
  }),
  incomingPost: command<WebhookPostRequest, WebhookPostReply>()({
    http: 'POST /api/hooks/:hookId/:secret',
    pattern: INTEGRATION_PATTERNS.incomingPost,
    dto: 'WebhookPostDto',
    emits: [SERVER_EVENTS.messageNew],
  }),
  outgoingCreate: command<OutgoingCreateRequest, OutgoingWebhookCreated>()({
    http: 'POST /api/rooms/:roomId/outgoing-webhooks',
    pattern: INTEGRATION_PATTERNS.outgoingCreate,
    dto: 'OutgoingCreateDto',
    emits: [],
  }),
  outgoingList: command<{ roomId: string }, OutgoingWebhook[]>()({
    http: 'GET /api/rooms/:roomId/outgoing-webhooks',
    pattern: INTEGRATION_PATTERNS.outgoingList,
    dto: 'RoomIdDto',
    emits: [],
  }),
  outgoingDelete: command<HookRef, NoData>()({
    http: 'DELETE /api/rooms/:roomId/outgoing-webhooks/:hookId',
    pattern: INTEGRATION_PATTERNS.outgoingDelete,
    dto: 'HookRefDto',
    emits: [],
  }),
  outgoingDeliveries: command<HookRef, DeliveriesPage>()({
    http: 'GET /api/rooms/:roomId/outgoing-webhooks/:hookId/deliveries',
    pattern: INTEGRATION_PATTERNS.outgoingDeliveries,
    dto: 'HookRefDto',
    emits: [],
  }),
} as const;

/**
 * The "session id" of a token in the revocation channel (SessionRevokedEvent.sids): a revoked
 * token is denied and its sockets closed exactly like a signed-out session.
 */
export function tokenSessionId(tokenId: string): string {
  return `tok:${tokenId}`;
}
