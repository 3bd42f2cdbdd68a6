import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadVapidKeys, vapidPath } from './vapid-keys';

describe('VAPID keys', () => {
  it('are generated once into the data folder (0600) and read back after', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'vapid-')), 'data');
    const first = loadVapidKeys({}, dir);
    expect(Buffer.from(first.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(first.privateKey, 'base64url')).toHaveLength(32);
    expect(statSync(vapidPath(dir)).mode & 0o777).toBe(0o600);
    expect(loadVapidKeys({}, dir)).toEqual(first);
    expect(JSON.parse(readFileSync(vapidPath(dir), 'utf8'))).toEqual(first);
  });

  it('come from the environment when both are set (nothing written)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vapid-'));
    expect(loadVapidKeys({ publicKey: 'P', privateKey: 'S' }, dir)).toEqual({ publicKey: 'P', privateKey: 'S' });
    expect(() => statSync(vapidPath(dir))).toThrow();
  });
});
