export type EgressErrorCode =
  | 'refused' // the destination address is not allowed
  | 'scheme' // not http: or https:, or a malformed URL
  | 'dns' // the name did not resolve
  | 'timeout' // no complete answer within the deadline
  | 'too_large' // the answer exceeded the size bound
  | 'redirects' // more redirects than allowed
  | 'network'; // connection reset, refused, TLS failure …

/** A request the egress guard stopped or that failed; `message` is safe to show the hook's owner. */
export class EgressError extends Error {
  constructor(
    readonly code: EgressErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EgressError';
  }
}
