/**
 * "Adding a command = a table row, a handler, a client call" (docs/protocol.md "The protocol
 * table"), shown with a made-up command against real Redis, the real bus transport, the real
 * Nest microservice runtime, the gateway's real socket forwarder and a real Socket.IO client.
 * Nothing else is written for the new command: no gateway handler, no validation code, no types.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, Server as HttpServer } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Payload } from '@nestjs/microservices';
import { IsString, Length } from 'class-validator';
import { Server } from 'socket.io';
import { io, Socket } from 'socket.io-client';
import { ClientToServerEventsOf, command, PROTOCOL, PublicUser, ServerToClientEvents } from '@hihi/contracts';
import { BusClient, BusExceptionFilter, busHandlersFor, ok, RedisRpcClient, RedisRpcServer } from '@hihi/common/bus';
import { COMMAND_DTOS, DtoMapOf } from '@hihi/dto';
import { freePort, startRedis } from '@hihi/infra';
import { SocketForwarder } from '../../apps/gateway/src/chat/socket-forwarder';

/* ---------- 1. the table row (with its DTO) ---------- */
interface ShoutPayload {
  word: string;
}
interface ShoutReply {
  shouted: string;
}
class ShoutDto implements ShoutPayload {
  @IsString()
  @Length(1, 20)
  word!: string;
}
const DEMO = {
  messageSend: PROTOCOL.messageSend,
  demoShout: command<ShoutPayload, ShoutReply, ShoutReply>()({
    event: 'demo:shout',
    pattern: 'chat.demo.shout',
    dto: 'ShoutDto',
    emits: [],
  }),
};
const DEMO_DTOS: DtoMapOf<typeof DEMO> = { messageSend: COMMAND_DTOS.messageSend, demoShout: ShoutDto };

/* ---------- 2. the handler, in the service ---------- */
const demo = busHandlersFor(DEMO, DEMO_DTOS);

@Controller()
class ShoutController {
  @demo.Handles('demoShout')
  shout(@Payload() env: unknown) {
    const { actor, data } = demo.openActorRequest('demoShout', env);
    return ok({ shouted: `${actor.displayName}: ${data.word.toUpperCase()}!` });
  }
}
@Module({ controllers: [ShoutController] })
class DemoServiceModule {}

describe('a made-up command needs only a table row, a handler and a client call', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hihi-demo-'));
  const prefix = `demo${randomUUID().slice(0, 6)}`;
  const user: PublicUser = { id: 'u1', username: 'alice', displayName: 'Alice', guest: false, role: 'member' };
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let service: INestMicroservice;
  let bus: BusClient;
  let http: HttpServer;
  let ioServer: Server;
  let client: Socket<ServerToClientEvents, ClientToServerEventsOf<typeof DEMO>>;

  beforeAll(async () => {
    redis = await startRedis(dir, false, () => undefined);
    service = await NestFactory.createMicroservice(DemoServiceModule, {
      strategy: new RedisRpcServer({ url: redis.url, prefix, service: 'chat' }),
      logger: false,
    });
    service.useGlobalFilters(new BusExceptionFilter());
    await service.listen();

    /* the gateway side: the same forwarder the gateway runs, with no hooks for these commands */
    const transport = new RedisRpcClient({ url: redis.url, prefix, service: 'chat' });
    await transport.connect();
    bus = new BusClient(transport, 'chat', 2000);
    const forwarder = new SocketForwarder({ table: DEMO, dtos: DEMO_DTOS, bus, hooks: {} });
    http = createServer();
    ioServer = new Server(http);
    ioServer.use((socket, next) => {
      (socket.data as { user: PublicUser }).user = user;
      next();
    });
    ioServer.on('connection', (socket) => forwarder.attach(socket as never));
    const port = await freePort();
    await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));

    /* 3. the client call */
    client = io(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', resolve);
      client.once('connect_error', reject);
    });
  }, 30000);

  afterAll(async () => {
    client?.close();
    await ioServer?.close();
    await bus?.close();
    await service?.close();
    await redis?.proc.stop(5000);
    rmSync(dir, { recursive: true, force: true });
  }, 30000);

  const shout = (payload: unknown) =>
    (client.timeout(3000) as unknown as { emitWithAck(e: string, p: unknown): Promise<unknown> }).emitWithAck(
      DEMO.demoShout.event,
      payload,
    );

  it('is forwarded, handled and acknowledged', async () => {
    expect(await shout({ word: 'quack' })).toEqual({ ok: true, shouted: 'Alice: QUACK!' });
  });

  it('is validated by the one pipeline, with its own DTO', async () => {
    for (const payload of [
      { word: '' },
      { word: 'quack', extra: 1 },
      JSON.parse('{"word":"quack","__proto__":{"admin":true}}'),
      { word: JSON.parse('[[[[[[[[[[[["deep"]]]]]]]]]]]]') },
      { word: 'x\ud800' },
      'quack',
    ]) {
      expect(await shout(payload)).toEqual({ ok: false, error: { code: 'validation', message: expect.any(String) } });
    }
  });

  it('is typed end to end: the client map, the bus call', async () => {
    // the typed client map knows the new event and its payload …
    const typed: Parameters<ClientToServerEventsOf<typeof DEMO>['demo:shout']>[0] = { word: 'typed' };
    expect(await shout(typed)).toMatchObject({ ok: true });
    // … and the handler's answer went over the real bus, typed by the row
    const res = await bus.callRaw(DEMO.demoShout.pattern, { word: 'bus' }, { correlationId: 'c', actor: user });
    expect(res).toEqual({ ok: true, data: { shouted: 'Alice: BUS!' } });
  });
});
