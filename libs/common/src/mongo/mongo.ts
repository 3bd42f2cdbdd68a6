import mongoose, { type Connection } from 'mongoose';
import { PartHealth } from '@hihi/contracts';

/** Mongoose settings every service uses: filters are sanitised, queries strict. */
export function configureMongoose(): void {
  mongoose.set('sanitizeFilter', true);
  mongoose.set('strictQuery', true);
  mongoose.set('autoIndex', true);
}

function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}

/** Reach the database once before starting, so a wrong MONGO_URL fails fast and clearly. */
export async function probeMongo(url: string, service: string, timeoutMs = 5000): Promise<void> {
  const conn = mongoose.createConnection(url, { serverSelectionTimeoutMS: timeoutMs });
  try {
    await conn.asPromise();
    await conn.db?.admin().ping();
  } catch (err) {
    process.stderr.write(
      `[${service}] MONGO_URL: cannot reach ${redact(url)} (${(err as Error).message}). ` +
        'Set MONGO_URL to a running MongoDB, or unset it to let npm start run an embedded one.\n',
    );
    process.exit(1);
  } finally {
    await conn.close().catch(() => undefined);
  }
}

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
