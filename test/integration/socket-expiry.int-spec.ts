import { SERVER_EVENTS } from '@hihi/contracts';
import { signAccessToken } from '@hihi/common';
import { Stack } from '../support/stack';
import { connect, until } from './chat-helpers';

describe('a socket lives no longer than its access token (real processes)', () => {
  const stack = new Stack();
  beforeAll(() => stack.start(), 60000);
  afterAll(() => stack.stop(), 30000);

  it('tells the client to reconnect and disconnects it when the token expires; the old token is refused', async () => {
    const token = signAccessToken(
      stack.env.JWT_SECRET!,
      { sub: 'expiring-user', username: 'expiring', displayName: 'Expiring', use: 'access' },
      2,
    );
    const client = await connect(stack.url, token);
    let reason = '';
    client.socket.on('disconnect', (r: string) => (reason = r));
    expect(await until(() => reason !== '', 5000, 50)).toBe(true);
    expect(reason).toBe('io server disconnect');
    expect(client.events.map((e) => e.event)).toContain(SERVER_EVENTS.serverReconnect);
    await expect(connect(stack.url, token)).rejects.toThrow('unauthorized');
  }, 20000);
});
