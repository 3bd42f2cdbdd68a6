/**
 * `npm run admin -- role <username> <role>`: set an account's server role from the project folder
 * (SPEC §7; docs/operations.md "Administration"). Works against the configured databases
 * (MONGO_URL, REDIS_URL) or the embedded default: the databases of a running `npm start` (found
 * through `data/run.json`), else the embedded MongoDB of the data folder, started for the
 * moment. With Redis reachable the change reaches every gateway within 1 s; without it (the
 * server is not running) auth publishes it when it starts.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { createRedis } from '@hihi/common/redis';
import { ACCOUNT_ROLES, AccountRole, isAccountRole } from '@hihi/contracts';
import { normalizeUsername } from '@hihi/dto';
import { readRunState, redact, repoRoot, startMongo, StartedMongo } from '@hihi/infra';
import { User, UserSchema } from '../users/user.schema';
import { ServerRolePublisher } from '../roles/role-publisher';

const USAGE = `usage: npm run admin -- role <username> <${ACCOUNT_ROLES.join('|')}>`;

class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

const say = (line: string) => process.stdout.write(`${line}\n`);

async function setRole(username: string, role: AccountRole): Promise<void> {
  const env = process.env;
  const dataDir = env.HIHI_DATA_DIR || join(repoRoot(), 'data');
  const prefix = env.REDIS_PREFIX || 'hihi';
  if (!/^[a-z0-9_-]{1,32}$/i.test(prefix)) throw new CliError('REDIS_PREFIX must be 1-32 letters, digits, _ or -');
  const running = readRunState(dataDir);
  let mongoUrl = env.MONGO_URL || running?.mongoUrl;
  const redisUrl = env.REDIS_URL || running?.redisUrl;
  let embedded: StartedMongo | undefined;
  if (!mongoUrl) {
    embedded = await startMongo(join(dataDir, 'mongo'), 'hihi', () => undefined);
    mongoUrl = embedded.url;
  }
  const conn = mongoose.createConnection(mongoUrl, { serverSelectionTimeoutMS: 5000 });
  try {
    await conn.asPromise().catch((err: Error) => {
      throw new CliError(`cannot reach MongoDB at ${redact(mongoUrl)} (${err.message}); check MONGO_URL`);
    });
    const users = conn.model(User.name, UserSchema);
    const found = await users
      .findOne({ usernameKey: normalizeUsername(username) }, { _id: 1, role: 1 })
      .lean()
      .exec();
    if (!found) throw new CliError(`no account named ${JSON.stringify(username)}`);
    const was = isAccountRole(found.role) ? found.role : 'member';
    await users.updateOne({ _id: found._id }, { $set: { role } }).exec();
    const userId = String(found._id);
    if (redisUrl) {
      // one attempt, no reconnects: an unreachable Redis is reported at once (auth syncs later)
      const redis = createRedis(redisUrl, {
        name: 'auth-admin-cli',
        maxRetriesPerRequest: 1,
        connectTimeout: 3000,
        lazyConnect: true,
        retryStrategy: () => null,
      });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        await new ServerRolePublisher(redis, prefix).publish(userId, role);
        say(`${username} is now ${role} (was ${was}); every gateway applies it within a second.`);
      } catch {
        say(
          `${username} is now ${role} (was ${was}); Redis was not reachable, so it applies when auth next syncs (≤ 30 s).`,
        );
      } finally {
        redis.disconnect();
      }
    } else {
      say(`${username} is now ${role} (was ${was}); the server is not running, so it applies when it starts.`);
    }
  } finally {
    await conn.close().catch(() => undefined);
    await embedded?.proc.stop(5000);
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, username, role] = argv;
  if (command !== 'role' || !username || !role || argv.length !== 3) throw new CliError(USAGE, 2);
  if (!isAccountRole(role)) throw new CliError(`role must be one of ${ACCOUNT_ROLES.join(', ')}\n${USAGE}`, 2);
  await setRole(username, role);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (err: unknown) => {
    const cli = err instanceof CliError;
    process.stderr.write(
      `[admin] ${cli ? err.message : `unexpected error: ${(err as Error)?.message ?? String(err)}`}\n`,
    );
    process.exit(cli ? err.exitCode : 1);
  },
);
