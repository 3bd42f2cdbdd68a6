import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { generateVAPIDKeys } from 'web-push';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/** Where generated keys are kept: `<HIHI_DATA_DIR>/vapid.json` (mode 0600). */
export function vapidPath(dataDir: string): string {
  return join(resolve(dataDir), 'vapid.json');
}

function parse(text: string): VapidKeys {
  const o = JSON.parse(text) as Partial<VapidKeys>;
  if (typeof o.publicKey !== 'string' || typeof o.privateKey !== 'string') throw new Error('not a VAPID key file');
  return { publicKey: o.publicKey, privateKey: o.privateKey };
}

/**
 * The VAPID key pair: from the environment when set (several machines must share one), else the
 * pair in the data folder, generated on first use. Created with `wx`, so two chat processes
 * starting together keep one pair (the second reads the first's).
 */
export function loadVapidKeys(env: { publicKey?: string; privateKey?: string }, dataDir: string): VapidKeys {
  if (env.publicKey && env.privateKey) return { publicKey: env.publicKey, privateKey: env.privateKey };
  const path = vapidPath(dataDir);
  try {
    return parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const keys = generateVAPIDKeys();
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, JSON.stringify(keys), { flag: 'wx', mode: 0o600 });
    return keys;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return parse(readFileSync(path, 'utf8'));
  }
}
