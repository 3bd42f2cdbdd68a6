import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  Validate,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';
import { isValidUsername } from '@hihi/contracts';
import { parseEgressAllow } from '@hihi/common/egress';

/** one Redis (redis://, rediss://) or a Redis Cluster (redis+cluster://h1:p1,h2:p2,…; SPEC §11) */
const REDIS_URL_RE =
  /^(rediss?:\/\/[^\s]+|rediss?\+cluster:\/\/([^\s@/]+@)?(\[[0-9a-f:.]+\]|[^\s,/:@[\]]+):\d{1,5}(,(\[[0-9a-f:.]+\]|[^\s,/:@[\]]+):\d{1,5})*(\/[^\s]*)?)$/i;
const MONGO_URL_RE = /^mongodb(\+srv)?:\/\/[^\s]+$/;
const POSTGRES_URL_RE = /^postgres(ql)?:\/\/[^\s]+$/;
const SMTP_URL_RE = /^smtps?:\/\/[^\s/]+(\/[^\s]*)?$/i;
/** `a@b.c` or `Name <a@b.c>` (no line breaks: it goes into a header). */
const MAIL_FROM_RE = /^([^\r\n<>]*<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/;
/** An origin: scheme, host and optional port, nothing else (no path, no trailing slash). */
const ORIGIN = 'https?://(?:[a-z0-9.-]+|\\[[0-9a-f:.]+\\])(?::\\d{1,5})?';
const ORIGIN_RE = new RegExp(`^${ORIGIN}$`, 'i');
const ORIGIN_LIST_RE = new RegExp(`^\\s*${ORIGIN}\\s*(,\\s*${ORIGIN}\\s*)*$`, 'i');

/** A comma-separated list of usernames, blanks around commas ignored. */
export function parseUsernameList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

@ValidatorConstraint({ name: 'usernameList' })
class UsernameListRule implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    const names = parseUsernameList(value);
    return names.length > 0 && names.every((n) => isValidUsername(n.normalize('NFKC')));
  }

  defaultMessage(): string {
    return 'HIHI_ADMINS must be a comma-separated list of usernames (3-32 letters, digits, _ . -)';
  }
}

@ValidatorConstraint({ name: 'egressAllow' })
class EgressAllowRule implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      parseEgressAllow(value);
      return true;
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return 'EGRESS_ALLOW must be a comma-separated list of host:port (IPv6 as [::1]:8080)';
  }
}

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Settings every service reads. */
export class BaseConfig {
  @IsIn(NODE_ENVS, { message: 'NODE_ENV must be one of development, production, test' })
  NODE_ENV: NodeEnv = 'development';

  @Matches(REDIS_URL_RE, {
    message: 'REDIS_URL must be a redis://, rediss:// or redis+cluster://host:port,host:port URL',
  })
  REDIS_URL: string = 'redis://127.0.0.1:6379';

  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** Default timeout of a request over the bus, ms. */
  @IsInt({ message: 'BUS_TIMEOUT_MS must be an integer (milliseconds)' })
  @Min(100, { message: 'BUS_TIMEOUT_MS must be at least 100' })
  @Max(60000, { message: 'BUS_TIMEOUT_MS must be at most 60000' })
  BUS_TIMEOUT_MS: number = 3000;

  /** Prefix of every Redis key and channel, so several deployments can share one Redis. */
  @Matches(/^[a-z0-9_-]{1,32}$/i, { message: 'REDIS_PREFIX must be 1-32 letters, digits, _ or -' })
  REDIS_PREFIX: string = 'hihi';

  /** message:send rate per user: token-bucket refill per second (gateway sends and the bot replies they trigger, one bucket per user). */
  @IsInt({ message: 'SEND_RATE_PER_SEC must be an integer' })
  @Min(1, { message: 'SEND_RATE_PER_SEC must be at least 1' })
  @Max(10000, { message: 'SEND_RATE_PER_SEC must be at most 10000' })
  SEND_RATE_PER_SEC: number = 10;

  /** message:send burst per user (token-bucket size). */
  @IsInt({ message: 'SEND_BURST must be an integer' })
  @Min(1, { message: 'SEND_BURST must be at least 1' })
  @Max(100000, { message: 'SEND_BURST must be at most 100000' })
  SEND_BURST: number = 20;

  /**
   * host:port destinations that requests to user-chosen URLs (outgoing webhooks, Web Push) may
   * reach although they are loopback/private/link-local (SPEC §9 egress guard). Empty: none.
   */
  @IsOptional()
  @Validate(EgressAllowRule)
  EGRESS_ALLOW?: string;

  get production(): boolean {
    return this.NODE_ENV === 'production';
  }
}

/** The microservices behind the bus (auth, chat): each has its own /metrics and /health listener. */
export class ServiceConfig extends BaseConfig {
  /** Port of the service's own /metrics and /health HTTP listener (0 = pick a free port). */
  @IsInt({ message: 'METRICS_PORT must be an integer port' })
  @Min(0, { message: 'METRICS_PORT must be a port number (0-65535)' })
  @Max(65535, { message: 'METRICS_PORT must be a port number (0-65535)' })
  METRICS_PORT: number = 0;

  /** Address of that listener: loopback by default, 0.0.0.0 in containers. */
  @IsString()
  METRICS_HOST: string = '127.0.0.1';
}

/** `true`/`1` and `false`/`0` (or unset); anything else stays as it is and fails @IsBoolean. */
function envBoolean(v: unknown): unknown {
  if (v === undefined || v === false || v === 'false' || v === '0') return false;
  if (v === true || v === 'true' || v === '1') return true;
  return v;
}

/** Single sign-on settings that only make sense together (SPEC §12). */
function oidcRule(this: {
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_ONLY: boolean;
  NODE_ENV: NodeEnv;
}): string[] {
  const errors: string[] = [];
  if (this.OIDC_ISSUER && !this.OIDC_CLIENT_ID) errors.push('OIDC_CLIENT_ID is required when OIDC_ISSUER is set');
  if (this.OIDC_CLIENT_ID && !this.OIDC_ISSUER) errors.push('OIDC_ISSUER is required when OIDC_CLIENT_ID is set');
  if (this.OIDC_ONLY && !this.OIDC_ISSUER) errors.push('OIDC_ONLY=true needs OIDC_ISSUER and OIDC_CLIENT_ID');
  if (this.OIDC_ISSUER?.startsWith('http://')) {
    const host = /^http:\/\/([^/:]+|\[[^\]]+\])/.exec(this.OIDC_ISSUER)?.[1] ?? '';
    const loopback = host === 'localhost' || host.startsWith('127.') || host === '[::1]';
    if (!loopback) errors.push('OIDC_ISSUER must be an https:// URL (http:// only on loopback, for tests)');
  }
  return errors;
}

/** auth: owns users and sessions in MongoDB. */
export class MongoServiceConfig extends ServiceConfig {
  @Matches(MONGO_URL_RE, { message: 'MONGO_URL must be a mongodb:// or mongodb+srv:// URL' })
  MONGO_URL: string = 'mongodb://127.0.0.1:27017/hihi';
}

function secretRule(this: { JWT_SECRET?: string; NODE_ENV: NodeEnv }): string[] {
  if (!this.JWT_SECRET) {
    return this.NODE_ENV === 'production'
      ? ['JWT_SECRET is required when NODE_ENV=production (at least 32 characters)']
      : ['JWT_SECRET is not set (npm start generates one in the data folder)'];
  }
  return [];
}

export class AuthConfig extends MongoServiceConfig {
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Access token lifetime in seconds (at most 15 minutes: docs/api.md "Rules"). */
  @IsInt({ message: 'ACCESS_TOKEN_TTL must be an integer (seconds)' })
  @Min(10, { message: 'ACCESS_TOKEN_TTL must be at least 10 seconds' })
  @Max(900, { message: 'ACCESS_TOKEN_TTL must be at most 900 seconds (15 minutes)' })
  ACCESS_TOKEN_TTL: number = 900;

  /** Refresh token lifetime with "remember me", seconds (default 30 days). */
  @IsInt({ message: 'REFRESH_TTL_REMEMBER must be an integer (seconds)' })
  @Min(60, { message: 'REFRESH_TTL_REMEMBER must be at least 60 seconds' })
  @Max(90 * 86400, { message: 'REFRESH_TTL_REMEMBER must be at most 7776000 seconds (90 days)' })
  REFRESH_TTL_REMEMBER: number = 30 * 86400;

  /** Refresh token lifetime without "remember me" (a browser session, at most 12 h), seconds. */
  @IsInt({ message: 'REFRESH_TTL_SESSION must be an integer (seconds)' })
  @Min(60, { message: 'REFRESH_TTL_SESSION must be at least 60 seconds' })
  @Max(12 * 3600, { message: 'REFRESH_TTL_SESSION must be at most 43200 seconds (12 hours)' })
  REFRESH_TTL_SESSION: number = 12 * 3600;

  /** argon2id memory cost in KiB (OWASP: 19456 = 19 MiB). */
  @IsInt({ message: 'ARGON2_MEMORY_KIB must be an integer (KiB)' })
  @Min(19456, { message: 'ARGON2_MEMORY_KIB must be at least 19456 (19 MiB)' })
  @Max(1048576, { message: 'ARGON2_MEMORY_KIB must be at most 1048576 (1 GiB)' })
  ARGON2_MEMORY_KIB: number = 19456;

  /** argon2id iterations (OWASP: 2). */
  @IsInt({ message: 'ARGON2_TIME_COST must be an integer' })
  @Min(2, { message: 'ARGON2_TIME_COST must be at least 2' })
  @Max(20, { message: 'ARGON2_TIME_COST must be at most 20' })
  ARGON2_TIME_COST: number = 2;

  /** argon2id parallelism (OWASP: 1). */
  @IsInt({ message: 'ARGON2_PARALLELISM must be an integer' })
  @Min(1, { message: 'ARGON2_PARALLELISM must be at least 1' })
  @Max(16, { message: 'ARGON2_PARALLELISM must be at most 16' })
  ARGON2_PARALLELISM: number = 1;

  /** argon2 computations (hash or verify) one auth process runs at once; more wait in a queue. */
  @IsInt({ message: 'ARGON2_MAX_CONCURRENT must be an integer' })
  @Min(1, { message: 'ARGON2_MAX_CONCURRENT must be at least 1' })
  @Max(256, { message: 'ARGON2_MAX_CONCURRENT must be at most 256' })
  ARGON2_MAX_CONCURRENT: number = 4;

  /** argon2 computations allowed to wait; past it a sign-in is refused at once (503, Retry-After). */
  @IsInt({ message: 'ARGON2_MAX_QUEUE must be an integer' })
  @Min(0, { message: 'ARGON2_MAX_QUEUE must be at least 0' })
  @Max(10000, { message: 'ARGON2_MAX_QUEUE must be at most 10000' })
  ARGON2_MAX_QUEUE: number = 16;

  /** A rotated refresh token presented again within this many seconds gets the same new pair (two tabs). */
  @IsInt({ message: 'REFRESH_REUSE_GRACE_SEC must be an integer (seconds)' })
  @Min(0, { message: 'REFRESH_REUSE_GRACE_SEC must be at least 0' })
  @Max(60, { message: 'REFRESH_REUSE_GRACE_SEC must be at most 60' })
  REFRESH_REUSE_GRACE_SEC: number = 10;

  /**
   * Usernames (comma-separated) made server `admin` when they register or sign in (SPEC §7);
   * an owner stays owner.
   */
  @IsOptional()
  @IsString()
  @Validate(UsernameListRule)
  HIHI_ADMINS?: string;

  /** HIHI_ADMINS as normalised username keys (NFKC, lower case). */
  get adminUsernameKeys(): ReadonlySet<string> {
    return new Set(parseUsernameList(this.HIHI_ADMINS).map((u) => u.normalize('NFKC').toLowerCase()));
  }

  /**
   * Outgoing mail (SPEC §10; operator-configured and trusted, not egress-guarded, SPEC §9):
   * `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. Unset: no mail.
   */
  @IsOptional()
  @Matches(SMTP_URL_RE, { message: 'SMTP_URL must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@host:587' })
  SMTP_URL?: string;

  /** The From of every mail: `Hihi Chat <chat@example.com>` or a bare address. */
  @IsOptional()
  @Matches(MAIL_FROM_RE, { message: 'MAIL_FROM must be an address, or a name and <address>' })
  MAIL_FROM?: string;

  /**
   * The public origin links in mails point to (the same PUBLIC_ORIGIN as the gateway's). Links are
   * never built from a request's Host, which a caller chooses.
   */
  @IsOptional()
  @Matches(ORIGIN_RE, { message: 'PUBLIC_ORIGIN must be an origin like https://chat.example.com[:port]' })
  PUBLIC_ORIGIN?: string;

  /** Mail can be sent (SMTP_URL with MAIL_FROM and PUBLIC_ORIGIN). */
  get mailConfigured(): boolean {
    return !!(this.SMTP_URL && this.MAIL_FROM && this.PUBLIC_ORIGIN);
  }

  crossCheck(): string[] {
    return [...secretRule.call(this), ...mailRule.call(this)];
  }
}

/** Mail settings that only make sense together. */
function mailRule(this: { SMTP_URL?: string; MAIL_FROM?: string; PUBLIC_ORIGIN?: string }): string[] {
  if (!this.SMTP_URL) return [];
  const errors: string[] = [];
  if (!this.MAIL_FROM) errors.push('MAIL_FROM is required when SMTP_URL is set (e.g. "Hihi Chat <chat@example.com>")');
  if (!this.PUBLIC_ORIGIN)
    errors.push('PUBLIC_ORIGIN is required when SMTP_URL is set (links in mails are built from it)');
  return errors;
}

/** The bots BOT may name (apps/chat/src/bots; docs/bots.md). */
export const BOT_NAMES = ['trained-duck', 'llm', 'echo-duck'] as const;
export type BotName = (typeof BOT_NAMES)[number];

/** chat: owns rooms, messages and read positions in PostgreSQL. */
export class ChatConfig extends ServiceConfig {
  @Matches(POSTGRES_URL_RE, { message: 'DATABASE_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_URL: string = 'postgres://127.0.0.1:5432/hihi';

  /** A streaming replica of DATABASE_URL for history, search and room lists (SPEC §11); unset: none. */
  @IsOptional()
  @Matches(POSTGRES_URL_RE, { message: 'DATABASE_REPLICA_URL must be a postgres:// or postgresql:// URL' })
  DATABASE_REPLICA_URL?: string;

  /** Connections in chat's PostgreSQL pool (per chat process). */
  @IsInt({ message: 'DB_POOL_MAX must be an integer' })
  @Min(1, { message: 'DB_POOL_MAX must be between 1 and 100' })
  @Max(100, { message: 'DB_POOL_MAX must be between 1 and 100' })
  DB_POOL_MAX: number = 10;

  /** How long an edit of one's own message stays possible, in seconds (0 = always). */
  @IsInt({ message: 'EDIT_WINDOW_SEC must be an integer (seconds)' })
  @Min(0, { message: 'EDIT_WINDOW_SEC must be 0 (no limit) or more' })
  EDIT_WINDOW_SEC: number = 86400;

  /** Most attachments one message may carry (at most 10). */
  @IsInt({ message: 'UPLOAD_MAX_FILES_PER_MESSAGE must be an integer' })
  @Min(1, { message: 'UPLOAD_MAX_FILES_PER_MESSAGE must be between 1 and 10' })
  @Max(10, { message: 'UPLOAD_MAX_FILES_PER_MESSAGE must be between 1 and 10' })
  UPLOAD_MAX_FILES_PER_MESSAGE: number = 10;

  /**
   * Read positions are kept in memory and written to PostgreSQL together, one statement per this
   * many ms (a room:read is acked once its position is written).
   */
  @IsInt({ message: 'READ_FLUSH_MS must be an integer (milliseconds)' })
  @Min(0, { message: 'READ_FLUSH_MS must be at least 0' })
  @Max(5000, { message: 'READ_FLUSH_MS must be at most 5000' })
  READ_FLUSH_MS: number = 200;

  /**
   * How often chat's search indexer copies newly stored and changed messages into the search
   * index, in ms (a new message is searchable about this long after its ack; docs/api.md).
   */
  @IsInt({ message: 'SEARCH_INDEX_MS must be an integer (milliseconds)' })
  @Min(50, { message: 'SEARCH_INDEX_MS must be between 50 and 60000' })
  @Max(60000, { message: 'SEARCH_INDEX_MS must be between 50 and 60000' })
  SEARCH_INDEX_MS: number = 500;

  /** Which bot answers in duck rooms and to mentions. */
  @IsIn(BOT_NAMES, { message: `BOT must be one of: ${BOT_NAMES.join(', ')}` })
  BOT: BotName = 'trained-duck';

  /** Folder of data the service keeps (the trained duck's model), created when missing. */
  @IsString()
  @MinLength(1)
  HIHI_DATA_DIR: string = 'data';

  /** Bot jobs one chat process runs at once (each job answers one message). */
  @IsInt({ message: 'BOT_CONCURRENCY must be an integer' })
  @Min(1, { message: 'BOT_CONCURRENCY must be at least 1' })
  @Max(64, { message: 'BOT_CONCURRENCY must be at most 64' })
  BOT_CONCURRENCY: number = 4;

  /** Tries of one bot job before it is given up (retries back off exponentially from 1 s). */
  @IsInt({ message: 'BOT_ATTEMPTS must be an integer' })
  @Min(1, { message: 'BOT_ATTEMPTS must be at least 1' })
  @Max(10, { message: 'BOT_ATTEMPTS must be at most 10' })
  BOT_ATTEMPTS: number = 3;

  /** BOT=llm: base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:11434/v1 (Ollama). */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'LLM_URL must be an http:// or https:// URL (the API base, e.g. …/v1)' })
  LLM_URL?: string;

  /** BOT=llm: the model name the endpoint serves. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  LLM_MODEL?: string;

  /** BOT=llm: bearer token for the endpoint, if it wants one. */
  @IsOptional()
  @IsString()
  LLM_API_KEY?: string;

  /** BOT=llm: longest one answer may take (connection to last token), ms; then the trained duck answers. */
  @IsInt({ message: 'LLM_TIMEOUT_MS must be an integer (milliseconds)' })
  @Min(500, { message: 'LLM_TIMEOUT_MS must be at least 500' })
  @Max(300000, { message: 'LLM_TIMEOUT_MS must be at most 300000' })
  LLM_TIMEOUT_MS: number = 30000;

  /** BOT=llm: recent messages of the room sent along as context. */
  @IsInt({ message: 'LLM_CONTEXT_MESSAGES must be an integer' })
  @Min(0, { message: 'LLM_CONTEXT_MESSAGES must be at least 0' })
  @Max(100, { message: 'LLM_CONTEXT_MESSAGES must be at most 100' })
  LLM_CONTEXT_MESSAGES: number = 20;

  /** BOT=llm: LLM answers per room per hour; past it the trained duck answers. */
  @IsInt({ message: 'LLM_ROOM_PER_HOUR must be an integer' })
  @Min(0, { message: 'LLM_ROOM_PER_HOUR must be at least 0' })
  LLM_ROOM_PER_HOUR: number = 60;

  /** BOT=llm: LLM answers per user per hour; past it the trained duck answers. */
  @IsInt({ message: 'LLM_USER_PER_HOUR must be an integer' })
  @Min(0, { message: 'LLM_USER_PER_HOUR must be at least 0' })
  LLM_USER_PER_HOUR: number = 20;

  /** Web Push: a message not read within this many seconds is pushed to its recipients' devices. */
  @IsInt({ message: 'NOTIFY_DELAY_SEC must be an integer (seconds)' })
  @Min(0, { message: 'NOTIFY_DELAY_SEC must be at least 0' })
  @Max(86400, { message: 'NOTIFY_DELAY_SEC must be at most 86400' })
  NOTIFY_DELAY_SEC: number = 30;

  /** Email digest: what is still unread this many seconds after it reached a person is mailed (by auth), at most one mail per person per this many seconds. */
  @IsInt({ message: 'DIGEST_DELAY_SEC must be an integer (seconds)' })
  @Min(1, { message: 'DIGEST_DELAY_SEC must be at least 1' })
  @Max(604800, { message: 'DIGEST_DELAY_SEC must be at most 604800 (a week)' })
  DIGEST_DELAY_SEC: number = 1800;

  /** Web Push VAPID key pair (base64url, as `web-push generate-vapid-keys` prints); unset: generated into HIHI_DATA_DIR/vapid.json. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{87}$/, { message: 'VAPID_PUBLIC_KEY must be the base64url of a 65-byte P-256 public key' })
  VAPID_PUBLIC_KEY?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'VAPID_PRIVATE_KEY must be the base64url of a 32-byte P-256 private key' })
  VAPID_PRIVATE_KEY?: string;

  /** Who push services may contact about this server's pushes (RFC 8292 `sub`): mailto: or https: URL. */
  @Matches(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/[^\s]+)$/, {
    message: 'VAPID_SUBJECT must be a mailto: address or an https:// URL',
  })
  VAPID_SUBJECT: string = 'mailto:hihi@localhost';

  crossCheck(): string[] {
    const problems: string[] = [];
    if (!this.VAPID_PUBLIC_KEY !== !this.VAPID_PRIVATE_KEY)
      problems.push(
        'VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY are set together (or neither: generated into the data folder)',
      );
    if (this.BOT !== 'llm') return problems;
    if (!this.LLM_URL) problems.push('LLM_URL is required when BOT=llm (e.g. http://127.0.0.1:11434/v1)');
    if (!this.LLM_MODEL) problems.push('LLM_MODEL is required when BOT=llm');
    return problems;
  }
}

export class GatewayConfig extends BaseConfig {
  @IsInt({ message: 'PORT must be an integer port' })
  @Min(0, { message: 'PORT must be a port number (0-65535)' })
  @Max(65535, { message: 'PORT must be a port number (0-65535)' })
  PORT: number = 3000;

  @IsString()
  HOST: string = '0.0.0.0';

  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;

  /** Folder with the built web client (index.html). */
  @IsString()
  WEB_DIST: string = 'dist/apps/web/browser';

  /** Express "trust proxy" setting: hops of reverse proxies in front of the gateway. */
  @IsInt({ message: 'TRUST_PROXY must be an integer (number of proxy hops)' })
  @Min(0)
  @Max(10)
  TRUST_PROXY: number = 0;

  /**
   * Other origins allowed to call the API and open WebSockets (comma-separated, each exactly
   * `scheme://host[:port]`).
   */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value : undefined))
  @IsString()
  @Matches(ORIGIN_LIST_RE, {
    message: 'CORS_ORIGIN must be a comma-separated list of origins like https://chat.example.com[:port]',
  })
  CORS_ORIGIN?: string;

  /**
   * The gateway's own public origin (`https://chat.example.com`). When set, requests whose Host is
   * a name other than this one are refused (DNS rebinding); unset, only IP literals and
   * `localhost` names are accepted as Host, and the own origin is derived from the request.
   */
  @IsOptional()
  @Matches(ORIGIN_RE, { message: 'PUBLIC_ORIGIN must be an origin like https://chat.example.com[:port]' })
  PUBLIC_ORIGIN?: string;

  /** The data folder of the embedded default (npm start sets it); uploads go in its `uploads` folder. */
  @IsString()
  HIHI_DATA_DIR: string = 'data';

  /** Where uploads are stored: `local` (UPLOAD_DIR) or `s3` (S3_* settings). */
  @IsIn(['local', 's3'], { message: 'UPLOAD_STORAGE must be local or s3' })
  UPLOAD_STORAGE: 'local' | 's3' = 'local';

  /** Folder of stored uploads (local storage); default `<HIHI_DATA_DIR>/uploads`. */
  @IsOptional()
  @IsString()
  @MinLength(1)
  UPLOAD_DIR?: string;

  /** Largest upload, bytes (413 above). */
  @IsInt({ message: 'UPLOAD_MAX_BYTES must be an integer (bytes)' })
  @Min(1024, { message: 'UPLOAD_MAX_BYTES must be at least 1024' })
  @Max(1024 * 1024 * 1024, { message: 'UPLOAD_MAX_BYTES must be at most 1 GiB' })
  UPLOAD_MAX_BYTES: number = 25 * 1024 * 1024;

  /** Uploads never attached to a message are deleted after this many seconds. */
  @IsInt({ message: 'UPLOAD_UNATTACHED_TTL_SEC must be an integer (seconds)' })
  @Min(60, { message: 'UPLOAD_UNATTACHED_TTL_SEC must be at least 60' })
  UPLOAD_UNATTACHED_TTL_SEC: number = 86400;

  /** S3-compatible storage (UPLOAD_STORAGE=s3): bucket, region, endpoint (MinIO etc.), credentials. */
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'S3_BUCKET must be a bucket name' })
  S3_BUCKET?: string;

  @IsString()
  S3_REGION: string = 'us-east-1';

  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'S3_ENDPOINT must be an http(s) URL' })
  S3_ENDPOINT?: string;

  @IsOptional()
  @IsString()
  S3_ACCESS_KEY_ID?: string;

  @IsOptional()
  @IsString()
  S3_SECRET_ACCESS_KEY?: string;

  /** Failed sign-ins allowed per (account, address) within LOGIN_WINDOW_SEC before 429. */
  @IsInt({ message: 'LOGIN_MAX_FAILURES_PER_ACCOUNT must be an integer' })
  @Min(1, { message: 'LOGIN_MAX_FAILURES_PER_ACCOUNT must be at least 1' })
  @Max(1000, { message: 'LOGIN_MAX_FAILURES_PER_ACCOUNT must be at most 1000' })
  LOGIN_MAX_FAILURES_PER_ACCOUNT: number = 5;

  /** Failed sign-ins allowed per client address within LOGIN_WINDOW_SEC before 429. */
  @IsInt({ message: 'LOGIN_MAX_FAILURES_PER_IP must be an integer' })
  @Min(1, { message: 'LOGIN_MAX_FAILURES_PER_IP must be at least 1' })
  @Max(100000, { message: 'LOGIN_MAX_FAILURES_PER_IP must be at most 100000' })
  LOGIN_MAX_FAILURES_PER_IP: number = 20;

  /** Window of the sign-in failure counters, seconds (default 15 minutes). */
  @IsInt({ message: 'LOGIN_WINDOW_SEC must be an integer (seconds)' })
  @Min(1, { message: 'LOGIN_WINDOW_SEC must be at least 1' })
  @Max(86400, { message: 'LOGIN_WINDOW_SEC must be at most 86400' })
  LOGIN_WINDOW_SEC: number = 900;

  /**
   * Failures on one account (from every address) after which sources that never signed in to it
   * are slowed down: one attempt per 2^(n - this + 1) seconds (2, 4, 8 …), at most LOGIN_THROTTLE_MAX_SEC.
   */
  @IsInt({ message: 'LOGIN_ACCOUNT_THROTTLE_AFTER must be an integer' })
  @Min(1, { message: 'LOGIN_ACCOUNT_THROTTLE_AFTER must be at least 1' })
  @Max(100000, { message: 'LOGIN_ACCOUNT_THROTTLE_AFTER must be at most 100000' })
  LOGIN_ACCOUNT_THROTTLE_AFTER: number = 10;

  /** Longest delay between attempts of unknown sources on a throttled account, seconds. */
  @IsInt({ message: 'LOGIN_THROTTLE_MAX_SEC must be an integer (seconds)' })
  @Min(1, { message: 'LOGIN_THROTTLE_MAX_SEC must be at least 1' })
  @Max(3600, { message: 'LOGIN_THROTTLE_MAX_SEC must be at most 3600' })
  LOGIN_THROTTLE_MAX_SEC: number = 60;

  /** How long an (account, address) pair that signed in successfully stays known, seconds. */
  @IsInt({ message: 'LOGIN_KNOWN_SOURCE_TTL_SEC must be an integer (seconds)' })
  @Min(60, { message: 'LOGIN_KNOWN_SOURCE_TTL_SEC must be at least 60' })
  @Max(365 * 86400, { message: 'LOGIN_KNOWN_SOURCE_TTL_SEC must be at most 31536000' })
  LOGIN_KNOWN_SOURCE_TTL_SEC: number = 30 * 86400;

  /** Window of the register/guest/refresh rate limits, seconds. */
  @IsInt({ message: 'RATE_LIMIT_WINDOW_SEC must be an integer (seconds)' })
  @Min(1, { message: 'RATE_LIMIT_WINDOW_SEC must be at least 1' })
  @Max(86400, { message: 'RATE_LIMIT_WINDOW_SEC must be at most 86400' })
  RATE_LIMIT_WINDOW_SEC: number = 60;

  /** Registrations per client address per RATE_LIMIT_WINDOW_SEC. */
  @IsInt({ message: 'REGISTER_RATE_LIMIT must be an integer' })
  @Min(1, { message: 'REGISTER_RATE_LIMIT must be at least 1' })
  REGISTER_RATE_LIMIT: number = 60;

  /** Guest sessions per client address per RATE_LIMIT_WINDOW_SEC. */
  @IsInt({ message: 'GUEST_RATE_LIMIT must be an integer' })
  @Min(1, { message: 'GUEST_RATE_LIMIT must be at least 1' })
  GUEST_RATE_LIMIT: number = 60;

  /** Token refreshes per client address per RATE_LIMIT_WINDOW_SEC. */
  @IsInt({ message: 'REFRESH_RATE_LIMIT must be an integer' })
  @Min(1, { message: 'REFRESH_RATE_LIMIT must be at least 1' })
  REFRESH_RATE_LIMIT: number = 120;

  /** Window of the room and DM creation limits, seconds. */
  @IsInt({ message: 'CREATE_RATE_WINDOW_SEC must be an integer (seconds)' })
  @Min(1, { message: 'CREATE_RATE_WINDOW_SEC must be at least 1' })
  @Max(86400, { message: 'CREATE_RATE_WINDOW_SEC must be at most 86400' })
  CREATE_RATE_WINDOW_SEC: number = 3600;

  /**
   * Per-socket budget of socket commands other than room:read and typing (token bucket in the
   * gateway's memory): refill per second. Past it the command is answered `rate_limited`.
   */
  @IsInt({ message: 'SOCKET_COMMAND_RATE_PER_SEC must be an integer' })
  @Min(1, { message: 'SOCKET_COMMAND_RATE_PER_SEC must be at least 1' })
  @Max(100000, { message: 'SOCKET_COMMAND_RATE_PER_SEC must be at most 100000' })
  SOCKET_COMMAND_RATE_PER_SEC: number = 50;

  /** Bucket size of SOCKET_COMMAND_RATE_PER_SEC (a reconnecting client re-joins all its rooms at once). */
  @IsInt({ message: 'SOCKET_COMMAND_BURST must be an integer' })
  @Min(1, { message: 'SOCKET_COMMAND_BURST must be at least 1' })
  @Max(1000000, { message: 'SOCKET_COMMAND_BURST must be at most 1000000' })
  SOCKET_COMMAND_BURST: number = 200;

  /** Commands (other than room:read and typing) one socket may have unanswered at once; more → `rate_limited`. */
  @IsInt({ message: 'SOCKET_MAX_IN_FLIGHT must be an integer' })
  @Min(1, { message: 'SOCKET_MAX_IN_FLIGHT must be at least 1' })
  @Max(10000, { message: 'SOCKET_MAX_IN_FLIGHT must be at most 10000' })
  SOCKET_MAX_IN_FLIGHT: number = 32;

  /**
   * room:join commands (each reads up to a page of history) one socket may have unanswered at
   * once; more are answered `rate_limited` (apps/web joins one room at a time).
   */
  @IsInt({ message: 'SOCKET_MAX_JOINS_IN_FLIGHT must be an integer' })
  @Min(1, { message: 'SOCKET_MAX_JOINS_IN_FLIGHT must be at least 1' })
  @Max(10000, { message: 'SOCKET_MAX_JOINS_IN_FLIGHT must be at most 10000' })
  SOCKET_MAX_JOINS_IN_FLIGHT: number = 2;

  /**
   * Per-socket budget of room:read and typing events, which are coalesced (latest wins) and so
   * cheap: refill per second. Past it they are answered `rate_limited`.
   */
  @IsInt({ message: 'SOCKET_COALESCED_RATE_PER_SEC must be an integer' })
  @Min(1, { message: 'SOCKET_COALESCED_RATE_PER_SEC must be at least 1' })
  @Max(1000000, { message: 'SOCKET_COALESCED_RATE_PER_SEC must be at most 1000000' })
  SOCKET_COALESCED_RATE_PER_SEC: number = 1000;

  /**
   * Bucket size of SOCKET_COALESCED_RATE_PER_SEC: what one socket may send at once (a client back
   * online marks read in all its rooms). Each admitted event costs the gateway a parse and a
   * validation before it is coalesced, so a large bucket lets a flood through in one burst.
   */
  @IsInt({ message: 'SOCKET_COALESCED_BURST must be an integer' })
  @Min(1, { message: 'SOCKET_COALESCED_BURST must be at least 1' })
  @Max(1000000, { message: 'SOCKET_COALESCED_BURST must be at most 1000000' })
  SOCKET_COALESCED_BURST: number = 500;

  /** room:read and typing reach chat / the room at most once per this many ms per socket and room (latest wins). */
  @IsInt({ message: 'SOCKET_COALESCE_MS must be an integer (milliseconds)' })
  @Min(0, { message: 'SOCKET_COALESCE_MS must be at least 0' })
  @Max(10000, { message: 'SOCKET_COALESCE_MS must be at most 10000' })
  SOCKET_COALESCE_MS: number = 500;

  /**
   * A socket answered `rate_limited` that has this many more commands refused within 10 s is
   * disconnected (`server:disconnect` with the reason first).
   */
  @IsInt({ message: 'SOCKET_FLOOD_STRIKES must be an integer' })
  @Min(1, { message: 'SOCKET_FLOOD_STRIKES must be at least 1' })
  @Max(1000000, { message: 'SOCKET_FLOOD_STRIKES must be at most 1000000' })
  SOCKET_FLOOD_STRIKES: number = 200;

  /** Posts one incoming webhook may make per minute, over every gateway (SPEC §9); then 429. */
  @IsInt({ message: 'WEBHOOK_POSTS_PER_MIN must be an integer' })
  @Min(1, { message: 'WEBHOOK_POSTS_PER_MIN must be at least 1' })
  @Max(1000000, { message: 'WEBHOOK_POSTS_PER_MIN must be at most 1000000' })
  WEBHOOK_POSTS_PER_MIN: number = 30;

  /** Public rooms one user may create per CREATE_RATE_WINDOW_SEC. */
  @IsInt({ message: 'ROOM_CREATE_LIMIT must be an integer' })
  @Min(1, { message: 'ROOM_CREATE_LIMIT must be at least 1' })
  ROOM_CREATE_LIMIT: number = 10;

  /** New DMs one user may open per CREATE_RATE_WINDOW_SEC (re-opening an existing one is free). */
  @IsInt({ message: 'DM_CREATE_LIMIT must be an integer' })
  @Min(1, { message: 'DM_CREATE_LIMIT must be at least 1' })
  DM_CREATE_LIMIT: number = 30;

  /* ---------- sign-in methods (SPEC §12; docs/security.md, docs/operations.md) ---------- */

  /**
   * WebAuthn relying-party id: the host name passkeys are bound to. Default: the host of
   * PUBLIC_ORIGIN, else `localhost` (browsers refuse WebAuthn on an IP-address origin).
   */
  @IsOptional()
  @Matches(/^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, {
    message: 'WEBAUTHN_RP_ID must be a host name such as chat.example.com (no scheme, no port)',
  })
  WEBAUTHN_RP_ID?: string;

  /** OpenID Connect issuer (discovery at `<issuer>/.well-known/openid-configuration`); unset: no SSO. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'OIDC_ISSUER must be an http(s) URL' })
  OIDC_ISSUER?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  OIDC_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  OIDC_CLIENT_SECRET?: string;

  /** The provider's name on the "Sign in with …" button. */
  @IsString()
  @MinLength(1)
  OIDC_NAME: string = 'SSO';

  /** Scopes asked for (openid is required). */
  @Matches(/^(\S+ )*openid( \S+)*$/, { message: 'OIDC_SCOPES must be space-separated scopes including openid' })
  OIDC_SCOPES: string = 'openid profile email';

  /** true: password sign-in and registration are off (single sign-on only), except OIDC_BREAK_GLASS_USERS. */
  // the raw string (implicit conversion would make any non-empty string true, 'false' too)
  @Transform(({ obj }) => envBoolean((obj as Record<string, unknown>).OIDC_ONLY))
  @IsBoolean({ message: 'OIDC_ONLY must be true or false' })
  OIDC_ONLY: boolean = false;

  /**
   * Break-glass: usernames (comma-separated) that may still sign in with their password (and
   * second factor) while OIDC_ONLY=true, e.g. the admins, for when the identity provider is down.
   */
  @IsOptional()
  @IsString()
  OIDC_BREAK_GLASS_USERS?: string;

  get oidcConfigured(): boolean {
    return !!(this.OIDC_ISSUER && this.OIDC_CLIENT_ID);
  }

  /** Folder of stored uploads (local storage). */
  get uploadDir(): string {
    return this.UPLOAD_DIR ?? `${this.HIHI_DATA_DIR.replace(/\/+$/, '')}/uploads`;
  }

  crossCheck(): string[] {
    const errors = secretRule.call(this);
    if (this.UPLOAD_STORAGE === 's3' && !this.S3_BUCKET) errors.push('S3_BUCKET is required when UPLOAD_STORAGE=s3');
    errors.push(...oidcRule.call(this));
    return errors;
  }
}
