import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { GatewayConfig, TypedConfigModule } from '@hihi/config';
import { loggerModule, MetricsModule } from '@hihi/common/observability';
import { BusModule } from './bus/bus.module';
import { RedisModule } from './redis/redis.module';
import { HealthModule } from './health/health.module';
import { ChatGatewayModule } from './chat/chat-gateway.module';
import { AuthModule } from './auth/auth.module';
import { UploadsModule } from './uploads/uploads.module';
import { AdminModule } from './admin/admin.module';
import { IntegrationsModule } from './integrations/integrations.module';
import { AccountModule } from './account/account.module';
import { CorrelationMiddleware } from './common/correlation.middleware';

@Module({})
export class GatewayModule implements NestModule {
  static register(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        TypedConfigModule.forRoot(GatewayConfig, config),
        loggerModule('gateway', config.LOG_LEVEL),
        MetricsModule.forRoot('gateway'),
        RedisModule,
        BusModule,
        HealthModule,
        ChatGatewayModule,
        AuthModule,
        UploadsModule,
        AdminModule,
        IntegrationsModule,
        AccountModule,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(CorrelationMiddleware).forRoutes('*');
  }
}
