import 'reflect-metadata';
import { ChatConfig, loadConfigOrExit } from '@hihi/config';
import { bootstrapService } from '@hihi/common';
import { ChatAppModule } from './chat-app.module';
import { createPool } from './database/database';

const config = loadConfigOrExit(ChatConfig, 'chat');

/** Reach PostgreSQL once before starting, so a wrong DATABASE_URL fails fast and clearly. */
async function probe(): Promise<void> {
  const pool = createPool(config.DATABASE_URL, 1);
  try {
    await pool.query('select 1');
  } catch (err) {
    const where = config.DATABASE_URL.replace(/\/\/([^@/]*)@/, '//***@');
    process.stderr.write(
      `[chat] DATABASE_URL: cannot reach ${where} (${(err as Error).message}). ` +
        'Set DATABASE_URL to a running PostgreSQL, or unset it to let npm start run an embedded one.\n',
    );
    process.exit(1);
  } finally {
    await pool.end().catch(() => undefined);
  }
}

void bootstrapService({ service: 'chat', module: ChatAppModule.register(config), config, probe });
