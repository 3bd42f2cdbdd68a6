import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import { isIpLiteral } from './address';
import { EgressError } from './errors';
import { EgressPolicy, decideAddress, urlPort } from './policy';

/** Resolves a name to all its addresses (injectable so the decision is testable without DNS). */
export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/**
 * A `lookup` for http(s).request that resolves the name and refuses the connection unless every
 * address it resolved to is allowed (so a name that answers one public and one private address,
 * or a rebinding name that answers 127.0.0.1 on the second query, is refused). The address handed
 * to the socket is one that was just checked.
 */
export function guardedLookup(
  policy: EgressPolicy,
  target: { host: string; port: number },
  resolver: Resolver = systemResolver,
): LookupFunction {
  return (hostname, options, callback) => {
    resolver(hostname).then(
      (addresses) => {
        const family = typeof options === 'object' ? options.family : undefined;
        const wanted = addresses.filter((a) => !family || family === 0 || a.family === family);
        if (wanted.length === 0)
          return callback(new EgressError('dns', `${hostname} did not resolve`) as NodeJS.ErrnoException, '', 0);
        for (const a of wanted) {
          const d = decideAddress(policy, target, a.address);
          if (!d.ok) return callback(refused(hostname, a.address, d.class) as NodeJS.ErrnoException, '', 0);
        }
        if (typeof options === 'object' && options.all) return callback(null, wanted);
        callback(null, wanted[0].address, wanted[0].family);
      },
      () => callback(new EgressError('dns', `${hostname} did not resolve`) as NodeJS.ErrnoException, '', 0),
    );
  };
}

function refused(host: string, address: string, cls: string): EgressError {
  return new EgressError('refused', `${host} resolves to ${address} (${cls}), which outgoing requests may not reach`);
}

export interface EgressRequest {
  method?: 'GET' | 'POST' | 'PUT';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Deadline for the whole exchange, all redirects and the body included. Default 5000 ms. */
  timeoutMs?: number;
  /** Largest answer body read; a longer one fails with `too_large`. Default 64 KiB. */
  maxBytes?: number;
  /** Redirects followed (each one decided again). Default 3. */
  maxRedirects?: number;
  policy: EgressPolicy;
  resolver?: Resolver;
}

export interface EgressResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
  /** The address actually connected to. */
  address: string;
  redirects: number;
}

/** Decide a URL before any connection: scheme, and for IP literals the address itself. */
export function checkUrl(policy: EgressPolicy, raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressError('scheme', 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new EgressError('scheme', 'only http and https URLs');
  if (url.username || url.password) throw new EgressError('scheme', 'URLs with credentials are not accepted');
  // WHATWG URL has already turned 2130706433, 0x7f.1, 0177.0.0.1 into 127.0.0.1.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIpLiteral(host)) {
    const d = decideAddress(policy, { host, port: urlPort(url) }, host);
    if (!d.ok) throw refused(host, host, d.class);
  }
  return url;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * One guarded HTTP exchange to a user-chosen URL: every hop is decided on the address actually
 * connected to, redirects are followed by hand (bounded), the answer is bounded in size and the
 * whole exchange in time. Throws EgressError; never follows a redirect to a refused address.
 */
export async function egressRequest(rawUrl: string, req: EgressRequest): Promise<EgressResponse> {
  const deadline = Date.now() + (req.timeoutMs ?? 5000);
  const maxRedirects = req.maxRedirects ?? 3;
  let method = req.method ?? 'GET';
  let body = req.body;
  let current = rawUrl;
  for (let hop = 0; ; hop++) {
    const url = checkUrl(req.policy, current);
    const res = await oneHop(url, method, req.headers ?? {}, body, deadline, req.maxBytes ?? 64 * 1024, req);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.status) || !location) return { ...res, url: url.toString(), redirects: hop };
    if (hop >= maxRedirects) throw new EgressError('redirects', `more than ${maxRedirects} redirects`);
    current = new URL(location, url).toString();
    if (res.status === 303 || ((res.status === 301 || res.status === 302) && method !== 'GET')) {
      method = 'GET';
      body = undefined;
    }
  }
}

function oneHop(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  deadline: number,
  maxBytes: number,
  req: EgressRequest,
): Promise<Omit<EgressResponse, 'url' | 'redirects'>> {
  const remaining = deadline - Date.now();
  if (remaining <= 0) return Promise.reject(new EgressError('timeout', 'timed out'));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const target = { host, port: urlPort(url) };
  const lib = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    let connected = '';
    const fail = (err: EgressError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      reject(err);
    };
    const request = lib.request(url, {
      method,
      headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
      agent: false,
      lookup: guardedLookup(req.policy, target, req.resolver),
    });
    const timer = setTimeout(() => fail(new EgressError('timeout', 'timed out')), remaining);
    request.on('socket', (socket: Socket) => {
      // The decision again on the peer actually connected to (belt and braces for the lookup).
      socket.once('connect', () => {
        connected = socket.remoteAddress ?? '';
        const d = decideAddress(req.policy, target, connected);
        if (!d.ok) fail(refused(host, connected, d.class));
      });
    });
    request.on('error', (err: Error) =>
      fail(err instanceof EgressError ? err : new EgressError('network', err.message)),
    );
    request.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) return fail(new EgressError('too_large', `answer larger than ${maxBytes} bytes`));
        chunks.push(c);
      });
      res.on('error', (err) => fail(new EgressError('network', err.message)));
      res.on('end', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          address: connected || (res.socket?.remoteAddress ?? ''),
        });
      });
    });
    request.end(body);
  });
}
