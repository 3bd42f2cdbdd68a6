import { AddressClass, canonicalIp, classifyAddress } from './address';

/**
 * The egress policy: which destinations a request to a user-chosen URL may reach. An address is
 * allowed when it is a public unicast address, or when `EGRESS_ALLOW` lists the URL's `host:port`
 * or the connected `address:port` (how an operator lets hooks reach an intranet service, and how
 * the integration tests deliver to a receiver on 127.0.0.1).
 */
export interface EgressPolicy {
  /** Normalised `host:port` entries (lower-case host; IP literals canonical; IPv6 in brackets). */
  readonly allow: ReadonlySet<string>;
}

export type EgressDecision =
  { ok: true; class: AddressClass; allowListed: boolean } | { ok: false; class: AddressClass };

function normaliseHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const ip = canonicalIp(bare);
  if (ip === null) return bare.toLowerCase().replace(/\.$/, '');
  return ip.includes(':') ? `[${ip}]` : ip;
}

/** `host:port` as the allow list stores it. */
export function allowKey(host: string, port: number): string {
  return `${normaliseHost(host)}:${port}`;
}

/**
 * Parse `EGRESS_ALLOW` (comma-separated `host:port`, IPv6 as `[::1]:8080`). Throws an Error naming
 * the bad entry, so the config schema can report it at start-up.
 */
export function parseEgressAllow(value: string | undefined): EgressPolicy {
  const allow = new Set<string>();
  for (const raw of (value ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s/]+):(\d{1,5})$/.exec(entry);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) throw new Error(`EGRESS_ALLOW entry "${entry}" is not host:port`);
    allow.add(allowKey(m[1], port));
  }
  return { allow };
}

/** The default port of a URL's scheme, or its explicit port. */
export function urlPort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * May a request for `target` (the URL's host and port) connect to `address`? Decided on the
 * address actually resolved/connected, so a name that resolves to 127.0.0.1 is refused like the
 * literal, unless the operator listed it.
 */
export function decideAddress(
  policy: EgressPolicy,
  target: { host: string; port: number },
  address: string,
): EgressDecision {
  const cls = classifyAddress(address);
  const allowListed =
    policy.allow.has(allowKey(target.host, target.port)) || policy.allow.has(allowKey(address, target.port));
  if (allowListed && cls !== 'invalid') return { ok: true, class: cls, allowListed: true };
  if (cls === 'public') return { ok: true, class: cls, allowListed: false };
  return { ok: false, class: cls };
}
