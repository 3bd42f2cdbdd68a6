import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ChatConfig, TypedConfigModule } from '@hihi/config';
import { loggerModule, serviceHealthController } from '@hihi/common';
import { CHAT_PATTERNS } from '@hihi/contracts';
import { ChatModule } from './chat.module';

@Module({})
export class ChatAppModule {
  static register(config: ChatConfig): DynamicModule {
    return {
      module: ChatAppModule,
      imports: [
        TypedConfigModule.forRoot(ChatConfig, config),
        loggerModule('chat', config.LOG_LEVEL),
        MongooseModule.forRoot(config.MONGO_URL, { serverSelectionTimeoutMS: 5000, retryAttempts: 2 }),
        ChatModule,
      ],
      controllers: [
        serviceHealthController(
          'chat',
          CHAT_PATTERNS.ping,
          'postgres',
        ) /* transitional: replaced by chat's own PostgreSQL health */,
      ],
    };
  }
}
