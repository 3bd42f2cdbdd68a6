import { randomUUID } from 'node:crypto';
import { CLIENT_EVENTS, LOBBY_ROOM_ID, PublicUser, REALTIME, SERVER_EVENTS } from '@hihi/contracts';
import { freePort } from '@hihi/infra';
import { Stack } from '../support/stack';
import { ack, api, Client, connect, makeUser, provision, until, joinRoom } from './chat-helpers';

describe('presence survives a gateway crash (real processes)', () => {
  const stack = new Stack();
  const clients: Client[] = [];
  let url2 = '';
  beforeAll(async () => {
    await stack.start();
    url2 = `http://127.0.0.1:${await freePort()}`;
    stack.spawn('gateway', { PORT: url2.split(':')[2] });
    await stack.waitHealthy(url2);
  }, 90000);
  afterAll(async () => {
    for (const c of clients) c.socket.close();
    await stack.stop();
  }, 30000);

  it('counts a user with sockets on both gateways once, in join acks and in presence deltas', async () => {
    const [erin, dave] = [makeUser(stack), makeUser(stack)];
    await provision(stack, erin, dave);
    const roomId = (
      await api(stack, erin.token, 'POST', '/api/rooms', { name: `Presence ${randomUUID().slice(0, 8)}` })
    ).body.id as string;
    await joinRoom(stack, dave, roomId);
    const e = await connect(stack.url, erin.token);
    const d1 = await connect(stack.url, dave.token);
    const d2 = await connect(url2, dave.token);
    expect((await ack(e, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    expect((await ack(d1, CLIENT_EVENTS.roomJoin, { roomId })).ok).toBe(true);
    const second = await ack(d2, CLIENT_EVENTS.roomJoin, { roomId });
    expect(second.onlineCount).toBe(2);
    const counts = () =>
      e.events
        .filter((ev) => ev.event === SERVER_EVENTS.presence && (ev.args[0] as { roomId: string }).roomId === roomId)
        .map((ev) => (ev.args[0] as { onlineCount: number }).onlineCount);
    // both gateways announce dave (each for its own socket); no delta counts more than two people
    await until(() => counts().length >= 2 && counts().at(-1) === 2, 5000, 50);
    expect(Math.max(...counts())).toBe(2);
    d1.socket.close();
    d2.socket.close();
    await until(() => counts().at(-1) === 1, 5000, 50);
    expect(counts().at(-1)).toBe(1);
    e.socket.close();
  }, 60000);

  it(`drops the users of a kill -9'd gateway within ${REALTIME.presenceTtlMs / 1000} s`, async () => {
    const alice = makeUser(stack);
    const bob = makeUser(stack);
    const a = await connect(stack.url, alice.token);
    const b = await connect(url2, bob.token);
    clients.push(a, b);
    expect((await ack(a, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID })).ok).toBe(true);
    const joined = await ack(b, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID });
    const names = (online: PublicUser[]) => online.map((u) => u.username).sort();
    expect(names(joined.online)).toEqual([alice.username, bob.username].sort());

    const gw2 = stack.procs.find((p) => p.service === 'gateway' && p.proc.pid !== stack.proc('gateway').proc.pid)!;
    gw2.proc.kill('SIGKILL');
    await gw2.exited;
    const killedAt = Date.now();

    // a fresh look at the lobby from the surviving gateway: bob disappears once his entry expires
    const probe = async () => {
      const c = await connect(stack.url, makeUser(stack).token);
      const r = await ack(c, CLIENT_EVENTS.roomJoin, { roomId: LOBBY_ROOM_ID });
      c.socket.close();
      return names(r.online as PublicUser[]);
    };
    expect(await probe()).toContain(bob.username); // not yet expired
    let online: string[] = [];
    const deadline = killedAt + REALTIME.presenceTtlMs + 12000;
    while (Date.now() < deadline) {
      online = await probe();
      if (!online.includes(bob.username)) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(online).not.toContain(bob.username);
    expect(online).toContain(alice.username);
    // gone within the TTL (plus the probe's own second)
    expect(Date.now() - killedAt).toBeLessThan(REALTIME.presenceTtlMs + 2500);
    // and the surviving gateway, at its next heartbeat, cleans up after the dead one and tells
    // the room's members that bob left
    const leftBob = () =>
      a.events.some(
        (e) => e.event === SERVER_EVENTS.presence && (e.args[0] as { left: string[] }).left.includes(bob.id),
      );
    await until(leftBob, REALTIME.presenceHeartbeatMs + 5000, 100);
    expect(leftBob()).toBe(true);
  }, 90000);
});
