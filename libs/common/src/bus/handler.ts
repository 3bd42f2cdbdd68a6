import { MessagePattern } from '@nestjs/microservices';
import {
  BusCommandIn,
  BusEnvelope,
  BusResult,
  PayloadIn,
  PROTOCOL,
  ProtocolTable,
  PublicUser,
  ReplyIn,
} from '@hihi/contracts';
import { ActorDto, COMMAND_DTOS, DtoClass, DtoMapOf, validatePayload } from '@hihi/dto';
import { BusError } from './bus-result';

/** A bus request, opened and validated: the caller and the command's payload. */
export interface OpenedRequest<P> {
  correlationId?: string;
  actor?: PublicUser;
  data: P;
}

type Answer<R> = BusResult<R> | Promise<BusResult<R>>;

/**
 * The service side of a protocol table: `Handles(name)` declares a bus handler of a command (it
 * listens on the command's pattern, and the compiler checks that the method answers the
 * command's reply type); `openRequest(name, envelope)` validates a request with the command's DTO
 * through the one validation pipeline, and its caller with ActorDto, throwing BusError
 * ('validation' | 'unauthorized') for the bus filter to answer.
 */
export function busHandlersFor<T extends ProtocolTable>(table: T, dtos: DtoMapOf<T>) {
  function Handles<K extends BusCommandIn<T>>(name: K) {
    const pattern = table[name].pattern!;
    return <M extends (...args: never[]) => Answer<ReplyIn<T, K>>>(
      target: object,
      key: string | symbol,
      descriptor: TypedPropertyDescriptor<M>,
    ): void => {
      MessagePattern(pattern)(target, key, descriptor);
    };
  }

  function openRequest<K extends BusCommandIn<T>>(
    name: K,
    envelope: unknown,
    opts: { actor: 'required' | 'optional' } = { actor: 'required' },
  ): OpenedRequest<PayloadIn<T, K>> {
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
      throw new BusError('validation', 'malformed request');
    }
    const env = envelope as Partial<BusEnvelope<unknown>>;
    let actor: PublicUser | undefined;
    if (env.actor !== undefined || opts.actor === 'required') {
      const a = validatePayload(ActorDto, env.actor);
      if (!a.ok) throw new BusError('unauthorized', 'no authenticated caller');
      actor = a.value;
    }
    const data = validatePayload(dtos[name] as DtoClass<PayloadIn<T, K>>, env.data ?? {});
    if (!data.ok) throw new BusError('validation', data.message);
    const correlationId = typeof env.correlationId === 'string' ? env.correlationId.slice(0, 64) : undefined;
    return { correlationId, actor, data: data.value };
  }

  /** openRequest for handlers that need the caller. */
  function openActorRequest<K extends BusCommandIn<T>>(
    name: K,
    envelope: unknown,
  ): OpenedRequest<PayloadIn<T, K>> & { actor: PublicUser } {
    return openRequest(name, envelope, { actor: 'required' }) as OpenedRequest<PayloadIn<T, K>> & {
      actor: PublicUser;
    };
  }

  return { Handles, openRequest, openActorRequest };
}

/** The handlers of PROTOCOL: `@Handles('messageSend')`, `openActorRequest('messageSend', env)`. */
export const { Handles, openRequest, openActorRequest } = busHandlersFor(PROTOCOL, COMMAND_DTOS);
