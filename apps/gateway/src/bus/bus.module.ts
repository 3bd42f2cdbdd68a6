import { Global, Module, OnApplicationShutdown, Inject } from '@nestjs/common';
import { GatewayConfig } from '@hihi/config';
import { BusClient, RedisRpcClient } from '@hihi/common/bus';
import { Metrics } from '@hihi/common/observability';

export const AUTH_BUS = Symbol('AUTH_BUS');
export const CHAT_BUS = Symbol('CHAT_BUS');

function busProvider(token: symbol, service: 'auth' | 'chat') {
  return {
    provide: token,
    inject: [GatewayConfig, Metrics],
    useFactory: (config: GatewayConfig, metrics: Metrics) => {
      const proxy = new RedisRpcClient({
        url: config.REDIS_URL,
        prefix: config.REDIS_PREFIX,
        service,
      });
      void proxy.connect().catch(() => undefined);
      const bus = new BusClient(proxy, service, config.BUS_TIMEOUT_MS);
      bus.observer = (target, pattern, outcome, seconds) => {
        metrics.busRequestSeconds.observe({ target, pattern, outcome }, seconds);
        if (outcome === 'timeout') metrics.busTimeouts.inc({ target, pattern });
      };
      return bus;
    },
  };
}

/** ClientProxies to auth and chat over the Redis bus, wrapped with timeouts. */
@Global()
@Module({
  providers: [busProvider(AUTH_BUS, 'auth'), busProvider(CHAT_BUS, 'chat')],
  exports: [AUTH_BUS, CHAT_BUS],
})
export class BusModule implements OnApplicationShutdown {
  constructor(
    @Inject(AUTH_BUS) private readonly auth: BusClient,
    @Inject(CHAT_BUS) private readonly chat: BusClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([this.auth.close(), this.chat.close()]);
  }
}
