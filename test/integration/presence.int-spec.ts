import { CLIENT_EVENTS, LOBBY_ROOM_ID, PublicUser, REALTIME, SERVER_EVENTS } from '@hihi/contracts';
import { freePort } from '@hihi/infra';
import { Stack } from '../support/stack';
import { ack, Client, connect, makeUser, until } from './chat-helpers';

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
