// The egress guard (SPEC §9): every request to a destination a user chose goes through
// `egressRequest`, which refuses loopback, private, link-local, multicast and metadata addresses
// unless EGRESS_ALLOW lists the host:port, decided after DNS and again on every redirect.
export * from './address';
export * from './errors';
export * from './policy';
export * from './request';
