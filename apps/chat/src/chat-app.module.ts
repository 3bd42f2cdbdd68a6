import { DynamicModule, Module } from '@nestjs/common';
import { ChatConfig, TypedConfigModule } from '@hihi/config';
import { loggerModule } from '@hihi/common';
import { ChatModule } from './chat.module';
import { ChatHealthController } from './health.controller';
import { DatabaseModule } from './database/database.module';

@Module({})
export class ChatAppModule {
  static register(config: ChatConfig): DynamicModule {
    return {
      module: ChatAppModule,
      imports: [
        TypedConfigModule.forRoot(ChatConfig, config),
        loggerModule('chat', config.LOG_LEVEL),
        DatabaseModule,
        ChatModule,
      ],
      controllers: [ChatHealthController],
    };
  }
}
