/* The row helper of the protocol tables (PROTOCOL in protocol.ts, SIGNIN_PROTOCOL in signin.ts). */
import type { ServerEvent } from './events';

/** Nothing but an empty object. */
export type NoData = Record<string, never>;
/** An ack with nothing besides `ok: true`. */
export type EmptyAck = Record<never, never>;

export interface CommandRow {
  /** the Socket.IO event a client emits (socket commands; CLIENT_EVENTS) */
  readonly event?: string;
  /** the REST route that gives this command (HTTP commands), for documentation */
  readonly http?: string;
  /** the bus pattern (absent: the gateway carries the command out alone) */
  readonly pattern?: string;
  /** the DTO class (libs/dto COMMAND_DTOS) that validates the payload */
  readonly dto: string;
  /** server events this command may cause */
  readonly emits: readonly ServerEvent[];
  /**
   * socket commands: tokens one takes from the socket's budget (default 1) — those that read
   * history cost more, so a flood of them is refused sooner (docs/protocol.md "Limits")
   */
  readonly cost?: number;
}

/** Types of one command: what it carries, what the bus answers, what the socket ack holds. */
export interface CommandTypes<P extends object, R, A extends object> {
  payload: P;
  reply: R;
  ack: A;
}

/**
 * A table row with its types: `command<Payload, BusReply, Ack>()({ ...row })`. The `types` field
 * is never set at run time; it only carries the types.
 */
export function command<P extends object, R = never, A extends object = EmptyAck>() {
  return <const Row extends CommandRow>(row: Row): Row & { readonly types?: CommandTypes<P, R, A> } => row;
}
