import { Global, Module } from '@nestjs/common';
import { ChatConfig } from '@hihi/config';
import { createDb, createPool, DatabaseLifecycle, DB } from './database';
import { ReadReplica } from './read-replica';

/** chat's PostgreSQL: one pool per process, Kysely on top, migrated at start-up. */
@Global()
@Module({
  providers: [
    {
      provide: DB,
      inject: [ChatConfig],
      useFactory: (config: ChatConfig) => createDb(createPool(config.DATABASE_URL, config.DB_POOL_MAX)),
    },
    DatabaseLifecycle,
    ReadReplica,
  ],
  exports: [DB, DatabaseLifecycle, ReadReplica],
})
export class DatabaseModule {}
