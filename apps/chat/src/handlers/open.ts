import { BusCommand, CommandPayload } from '@hihi/contracts';
import { openActorRequest } from '@hihi/common/bus';
import { Actor, actorOf } from '../access/actor';

/**
 * Open a bus envelope through the one validation pipeline (the caller with ActorDto, the data
 * with the command's DTO from COMMAND_DTOS) and answer the caller as an Actor.
 */
export function openCommand<K extends BusCommand>(
  name: K,
  env: unknown,
): { actor: Actor; data: CommandPayload<K>; correlationId?: string } {
  const { actor, data, correlationId } = openActorRequest(name, env);
  return { actor: actorOf(actor), data, correlationId };
}
