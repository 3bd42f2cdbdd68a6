import { existsSync } from 'node:fs';
import { SERVICES, serviceScript, repoRoot, ensureRedisServer, ensureFerretDb, which } from '../../libs/infra/src';

/** Integration tests run the built services: check they exist, and warm the FerretDB cache once. */
export default function globalSetup(): void {
  const missing = SERVICES.filter((s) => !existsSync(serviceScript(s, repoRoot())));
  if (missing.length) {
    throw new Error(
      `Integration tests run the built services; run \`npm run build\` first (missing: ${missing.join(', ')}).`,
    );
  }
  const log = (l: string) => process.stderr.write(`[infra] ${l}\n`);
  if (!process.env.REDIS_URL) ensureRedisServer(log);
  if (!process.env.MONGO_URL && !which('mongod')) ensureFerretDb(log);
}
