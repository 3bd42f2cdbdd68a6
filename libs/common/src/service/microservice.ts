import { DynamicModule, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as NestLogger } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { ServiceConfig } from '@hihi/config';
import { strictValidationPipe } from '@hihi/dto';
import { BusExceptionFilter, RedisRpcServer, RedisRpcServerOptions } from '../bus';
import { Metrics, MetricsModule } from '../observability';
import { exitWithParent } from '../lifecycle';

export interface ServiceBootstrap {
  service: 'auth' | 'chat';
  module: DynamicModule;
  config: ServiceConfig;
  /** reach the service's database once before starting (exits naming the variable when it cannot) */
  probe: () => Promise<void>;
}

/**
 * Start a microservice: the Redis work-queue bus for requests, plus a small HTTP listener
 * of its own for /metrics and /health. Config was validated before this is called.
 */
export async function bootstrapService(opts: ServiceBootstrap): Promise<INestApplication> {
  const { service, config } = opts;
  exitWithParent();
  await opts.probe();
  @Module({ imports: [opts.module, MetricsModule.forRoot(service)] })
  class ServiceRootModule {}
  const app = await NestFactory.create(ServiceRootModule, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new BusExceptionFilter());
  app.useGlobalPipes(strictValidationPipe());
  const server = new RedisRpcServer({
    url: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    service,
    onHandled: busRequestLog(app.get(Metrics)),
  });
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  app.enableShutdownHooks();
  // run every start-up hook (indexes, the lobby …) before the first request is taken off the bus
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.METRICS_PORT, config.METRICS_HOST);
  const url = await app.getUrl();
  app
    .get(Logger)
    .log(`${service} service ready (bus queue ${config.REDIS_PREFIX}:rpc:${service}, metrics ${url}/metrics)`);
  return app;
}

/**
 * For every bus request a service handles: one log line carrying the caller's correlation id
 * (so a request can be followed from the gateway's log into auth's and chat's), and metrics.
 * Told by the transport (not a Nest interceptor, which costs an async-resource binding and an
 * observable pipe per request on the send path).
 */
function busRequestLog(metrics: Metrics): RedisRpcServerOptions['onHandled'] {
  const logger = new NestLogger('Bus');
  return ({ pattern, correlationId, outcome, code, seconds }) => {
    metrics.busHandledSeconds.observe({ pattern, outcome }, seconds);
    if (pattern.endsWith('.ping')) return;
    logger.log({ correlationId, pattern, outcome, code, ms: Math.round(seconds * 1e4) / 10 }, 'bus request handled');
  };
}
