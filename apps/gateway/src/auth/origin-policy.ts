import { Injectable, Logger } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { GatewayConfig } from '@hihi/config';

/** `scheme://host[:port]` of an http(s) URL, lower case, default port dropped; else undefined. */
export function normalizeOrigin(value: string): string | undefined {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
    if (u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) return undefined;
    return u.origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/** The host name of a Host header (`a.b:3000` → `a.b`, `[::1]:3000` → `::1`), lower case. */
function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  try {
    const name = new URL(`http://${host}`).hostname.toLowerCase();
    return name.startsWith('[') ? name.slice(1, -1) : name;
  } catch {
    return undefined;
  }
}

/**
 * Which origins and Host names the gateway answers (SPEC §6; OWASP ASVS 3.x, 4.x).
 *
 * - Host (DNS rebinding): a page whose own name was re-pointed at this server sends Origin and
 *   Host both of its name. Accepted Host names: IP literals and `localhost` / `*.localhost`
 *   (no one can re-point those), plus PUBLIC_ORIGIN's name. So with PUBLIC_ORIGIN unset — `npm
 *   start` on a laptop — only `http://localhost:3000` / `http://127.0.0.1:3000` work, and a
 *   deployment under a domain name must set PUBLIC_ORIGIN.
 * - Origin (WebSocket handshakes, CORS): exact on scheme, host and port — the request's own
 *   origin (its scheme and Host), PUBLIC_ORIGIN, or an entry of CORS_ORIGIN. Non-browser
 *   clients send no Origin and are let through (they authenticate with a token like everyone).
 */
@Injectable()
export class OriginPolicy {
  private readonly logger = new Logger(OriginPolicy.name);
  readonly publicOrigin?: string;
  /** CORS_ORIGIN entries, normalised */
  readonly corsOrigins: readonly string[];
  private readonly allowed: ReadonlySet<string>;
  private readonly publicHost?: string;
  private warned = false;

  constructor(private readonly config: GatewayConfig) {
    this.publicOrigin = config.PUBLIC_ORIGIN ? normalizeOrigin(config.PUBLIC_ORIGIN) : undefined;
    this.publicHost = this.publicOrigin ? hostName(new URL(this.publicOrigin).host) : undefined;
    this.corsOrigins = (config.CORS_ORIGIN ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean)
      .map((o) => normalizeOrigin(o))
      .filter((o): o is string => !!o);
    this.allowed = new Set([...(this.publicOrigin ? [this.publicOrigin] : []), ...this.corsOrigins]);
  }

  /** Origins a browser page may call us from, besides our own (for CORS and the CSP). */
  get configuredOrigins(): string[] {
    return [...this.allowed];
  }

  /** Is the Host header a name this gateway answers to (not a re-pointed one)? */
  hostAllowed(host: string | undefined): boolean {
    const name = hostName(host);
    if (!name) return false;
    if (isIP(name) || name === 'localhost' || name.endsWith('.localhost')) return true;
    if (this.publicHost && name === this.publicHost) return true;
    if (!this.warned) {
      this.warned = true;
      this.logger.warn(
        `refused a request for host "${name}": set PUBLIC_ORIGIN (e.g. https://${name}) to serve under that name`,
      );
    }
    return false;
  }

  /** The request's own origin: its scheme (X-Forwarded-Proto behind a trusted proxy) and Host. */
  requestOrigin(req: IncomingMessage): string | undefined {
    const host = req.headers.host;
    if (!host) return undefined;
    let scheme = (req.socket as TLSSocket).encrypted ? 'https' : 'http';
    const forwarded = req.headers['x-forwarded-proto'];
    if (this.config.TRUST_PROXY > 0 && typeof forwarded === 'string') {
      const first = forwarded.split(',')[0].trim().toLowerCase();
      if (first === 'http' || first === 'https') scheme = first;
    }
    return normalizeOrigin(`${scheme}://${host}`);
  }

  /** May this browser Origin talk to us (WebSocket handshake)? */
  originAllowed(origin: string | undefined, req: IncomingMessage): boolean {
    if (!this.hostAllowed(req.headers.host)) return false;
    if (origin === undefined) return true;
    const o = normalizeOrigin(origin);
    // exactly as browsers serialise it: `scheme://host[:port]`, nothing more
    if (!o || o !== origin.toLowerCase()) return false;
    return this.allowed.has(o) || o === this.requestOrigin(req);
  }
}
