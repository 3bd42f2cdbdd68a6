import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuthConfig, TypedConfigModule } from '@hihi/config';
import { loggerModule, serviceHealthController } from '@hihi/common';
import { AUTH_PATTERNS } from '@hihi/contracts';

@Module({})
export class AuthAppModule {
  static register(config: AuthConfig): DynamicModule {
    return {
      module: AuthAppModule,
      imports: [
        TypedConfigModule.forRoot(AuthConfig, config),
        loggerModule('auth', config.LOG_LEVEL),
        MongooseModule.forRoot(config.MONGO_URL, { serverSelectionTimeoutMS: 5000, retryAttempts: 2 }),
      ],
      controllers: [serviceHealthController('auth', AUTH_PATTERNS.ping)],
    };
  }
}
