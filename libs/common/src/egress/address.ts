/**
 * Address classification for the egress guard (SPEC §9): is an IP address one that a request to a
 * user-chosen destination may reach? Pure functions, no sockets, no DNS.
 *
 * Everything that is not a globally routed unicast address is refused: loopback, RFC 1918 private,
 * CGNAT 100.64/10, link-local (where the cloud metadata services live), multicast, broadcast,
 * unspecified, benchmarking, documentation and reserved ranges, IPv6 ULA fc00::/7, site-local, and
 * IPv6 forms that carry an IPv4 address inside (IPv4-mapped, IPv4-compatible, 6to4 2002::/16,
 * NAT64 64:ff9b::/96 and 64:ff9b:1::/48) are judged by the IPv4 address they carry. Teredo
 * (2001::/32) obscures its IPv4 address and is refused outright.
 */

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link-local'
  | 'metadata'
  | 'multicast'
  | 'broadcast'
  | 'unspecified'
  | 'ula'
  | 'reserved'
  | 'invalid';

/** Cloud metadata endpoints (AWS/GCP/Azure/OpenStack IPv4, AWS IPv6); always refused. */
const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200']);
const METADATA_V6 = 'fd00:ec2:0:0:0:0:0:254';

/**
 * Parse an IPv4 address, also in the inet_aton forms that resolvers and browsers accept:
 * `2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`. Returns the 32-bit value or null.
 */
export function parseIPv4(input: string): number | null {
  if (!/^[0-9a-fA-Fx.]+$/.test(input) || input.length > 64) return null;
  const parts = input.split('.');
  if (parts.length > 4 || parts.some((p) => p === '')) return null;
  const nums: number[] = [];
  for (const p of parts) {
    let n: number;
    if (/^0[xX][0-9a-fA-F]*$/.test(p)) n = p.length === 2 ? 0 : parseInt(p.slice(2), 16);
    else if (/^0[0-7]+$/.test(p)) n = parseInt(p.slice(1), 8);
    else if (/^(0|[1-9][0-9]*)$/.test(p)) n = Number(p);
    else return null;
    if (!Number.isSafeInteger(n)) return null;
    nums.push(n);
  }
  const last = nums.pop() as number;
  if (nums.some((n) => n > 255)) return null;
  const rest = 4 - nums.length; // bytes the last part covers
  if (last >= 2 ** (8 * rest)) return null;
  let value = 0;
  for (const n of nums) value = value * 256 + n;
  return value * 2 ** (8 * rest) + last;
}

/** Parse an IPv6 address (with an optional zone id and an optional dotted-quad tail) into 8 groups. */
export function parseIPv6(input: string): number[] | null {
  let s = input;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':') || s.length > 64) return null;
  const lastColon = s.lastIndexOf(':');
  const quad = s.slice(lastColon + 1);
  if (quad.includes('.')) {
    // A dotted-quad tail (::ffff:1.2.3.4) becomes its two 16-bit groups; only plain decimal here.
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(quad) || quad.split('.').some((x) => Number(x) > 255)) return null;
    const [a, b, c, d] = quad.split('.').map(Number);
    s = `${s.slice(0, lastColon + 1)}${(a * 256 + b).toString(16)}:${(c * 256 + d).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0]);
  if (head === null) return null;
  if (halves.length === 1) {
    return head.length === 8 ? head : null;
  }
  const back = parseGroups(halves[1]);
  if (back === null) return null;
  const fill = 8 - head.length - back.length;
  if (fill < 1) return null;
  return [...head, ...new Array<number>(fill).fill(0), ...back];
}

function inRange4(v: number, base: string, bits: number): boolean {
  const b = parseIPv4(base) as number;
  const size = 2 ** (32 - bits);
  return Math.floor(v / size) === Math.floor(b / size);
}

export function classifyIPv4(v: number): AddressClass {
  const dotted = formatIPv4(v);
  if (METADATA_V4.has(dotted)) return 'metadata';
  if (inRange4(v, '0.0.0.0', 8)) return 'unspecified';
  if (inRange4(v, '127.0.0.0', 8)) return 'loopback';
  if (inRange4(v, '10.0.0.0', 8) || inRange4(v, '172.16.0.0', 12) || inRange4(v, '192.168.0.0', 16)) return 'private';
  if (inRange4(v, '100.64.0.0', 10)) return 'cgnat';
  if (inRange4(v, '169.254.0.0', 16)) return 'link-local';
  if (inRange4(v, '224.0.0.0', 4)) return 'multicast';
  if (v === 0xffffffff) return 'broadcast';
  if (
    inRange4(v, '192.0.0.0', 24) || // IETF protocol assignments
    inRange4(v, '192.0.2.0', 24) || // TEST-NET-1
    inRange4(v, '198.51.100.0', 24) || // TEST-NET-2
    inRange4(v, '203.0.113.0', 24) || // TEST-NET-3
    inRange4(v, '198.18.0.0', 15) || // benchmarking
    inRange4(v, '192.88.99.0', 24) || // 6to4 relay anycast
    inRange4(v, '240.0.0.0', 4) // reserved
  )
    return 'reserved';
  return 'public';
}

export function formatIPv4(v: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(v / 2 ** s) % 256).join('.');
}

export function classifyIPv6(g: number[]): AddressClass {
  const v4 = (hi: number, lo: number): number => hi * 65536 + lo;
  const zeros = (from: number, to: number): boolean => g.slice(from, to).every((x) => x === 0);
  if (
    g.join(':') ===
    METADATA_V6.split(':')
      .map((x) => parseInt(x, 16))
      .join(':')
  )
    return 'metadata';
  if (zeros(0, 8)) return 'unspecified';
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  // IPv4-mapped ::ffff:a.b.c.d and IPv4-translated ::ffff:0:a.b.c.d
  if (zeros(0, 5) && g[5] === 0xffff) return classifyIPv4(v4(g[6], g[7]));
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return classifyIPv4(v4(g[6], g[7]));
  // IPv4-compatible ::a.b.c.d (deprecated)
  if (zeros(0, 6)) return classifyIPv4(v4(g[6], g[7]));
  // NAT64 well-known prefix 64:ff9b::/96 and local-use 64:ff9b:1::/48
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return classifyIPv4(v4(g[6], g[7]));
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return 'reserved';
  // 6to4 2002:AABB:CCDD::/48 carries AABB:CCDD
  if (g[0] === 0x2002) return classifyIPv4(v4(g[1], g[2]));
  // Teredo 2001:0::/32 hides an obfuscated IPv4 address: refuse
  if (g[0] === 0x2001 && g[1] === 0) return 'reserved';
  if ((g[0] & 0xfe00) === 0xfc00) return 'ula';
  if ((g[0] & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0] & 0xffc0) === 0xfec0) return 'private'; // site-local (deprecated)
  if ((g[0] & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x2001 && g[1] === 0xdb8) return 'reserved'; // documentation
  if (g[0] === 0x100 && zeros(1, 4)) return 'reserved'; // discard-only 100::/64
  // Only global unicast 2000::/3 is reachable on the internet
  if ((g[0] & 0xe000) !== 0x2000) return 'reserved';
  return 'public';
}

/** Classify an address in any textual form (IPv4 incl. inet_aton forms, IPv6, bracketed, with zone). */
export function classifyAddress(address: string): AddressClass {
  const v4 = parseIPv4(address);
  if (v4 !== null) return classifyIPv4(v4);
  const v6 = parseIPv6(address);
  if (v6 !== null) return classifyIPv6(v6);
  return 'invalid';
}

/** True when the string is an IP literal (either family, any accepted form). */
export function isIpLiteral(host: string): boolean {
  return parseIPv4(host) !== null || parseIPv6(host) !== null;
}

/** The canonical text of an IP literal (dotted quad; lower-case full IPv6 groups), or null. */
export function canonicalIp(address: string): string | null {
  const v4 = parseIPv4(address);
  if (v4 !== null) return formatIPv4(v4);
  const v6 = parseIPv6(address);
  if (v6 !== null) return v6.map((x) => x.toString(16)).join(':');
  return null;
}
