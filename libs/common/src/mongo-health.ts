import { PartHealth } from '@hihi/contracts';
import type { Connection } from 'mongoose';

/** Health of a mongoose connection, checked with a real round trip. */
export async function mongoHealth(conn: Connection, timeoutMs = 1000): Promise<PartHealth> {
  if (conn.readyState !== 1 || !conn.db) return { status: 'down', message: 'not connected' };
  try {
    await Promise.race([
      conn.db.admin().ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('ping timed out')), timeoutMs)),
    ]);
    return { status: 'up' };
  } catch (err) {
    return { status: 'down', message: (err as Error).message };
  }
}
