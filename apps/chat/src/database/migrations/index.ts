import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-initial';
import * as m0002 from './0002-conversations';
import * as m0003 from './0003-search';
import * as m0004 from './0004-attachments';
import * as m0005 from './0005-attachment-deletion';
import * as m0006 from './0006-communities';
import * as m0007 from './0007-room-owners';
import * as m0008 from './0008-moderation';
import * as m0009 from './0009-account';
import * as m0010 from './0010-integrations';
import * as m0011 from './0011-push';
import * as m0012 from './0012-digest';
import * as m0013 from './0013-search-index';
import * as m0014 from './0014-linear-bigrams';

/**
 * Every migration, in order, compiled into the service (no files read at run time). A new one is
 * a new file here and a line below; applied ones are never edited.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': m0001,
  '0002-conversations': m0002,
  '0003-search': m0003,
  '0004-attachments': m0004,
  '0005-attachment-deletion': m0005,
  '0006-communities': m0006,
  '0007-room-owners': m0007,
  '0008-moderation': m0008,
  '0009-account': m0009,
  '0010-integrations': m0010,
  '0011-push': m0011,
  '0012-digest': m0012,
  '0013-search-index': m0013,
  '0014-linear-bigrams': m0014,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};
