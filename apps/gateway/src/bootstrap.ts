import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import helmet from 'helmet';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { GatewayConfig } from '@hihi/config';
import { LIMITS } from '@hihi/contracts';
import { exitWithParent, strictValidationPipe } from '@hihi/common';
import { GatewayModule } from './gateway.module';
import { HttpErrorFilter } from './common/http-error.filter';
import { serveWebApp } from './common/web-app';

/** Content-Security-Policy of the web app: nothing but our own origin. */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'", 'ws:', 'wss:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

export async function createGateway(config: GatewayConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');
  app.use(helmet({ contentSecurityPolicy: { useDefaults: false, directives: CSP_DIRECTIVES } }));
  app.useBodyParser('json', { limit: LIMITS.httpBodyBytes, strict: true });
  app.useGlobalFilters(new HttpErrorFilter());
  app.useGlobalPipes(strictValidationPipe());
  if (config.CORS_ORIGIN) app.enableCors({ origin: config.CORS_ORIGIN.split(',') });
  const openApi = new DocumentBuilder()
    .setTitle('Hihi Chat API')
    .setDescription('REST API of Hihi Chat (嗨嗨聊天室). Real-time events: see docs/protocol.md.')
    .setVersion('1')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
  serveWebApp(app, config.WEB_DIST);
  app.enableShutdownHooks();
  return app;
}

export async function bootstrapGateway(config: GatewayConfig): Promise<void> {
  exitWithParent();
  const app = await createGateway(config);
  await app.listen(config.PORT, config.HOST);
  app.get(Logger).log(`gateway listening on http://localhost:${config.PORT}`);
}
