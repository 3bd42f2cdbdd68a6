import { NestFactory } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import helmet from 'helmet';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { urlencoded } from 'express';
import { GatewayConfig } from '@hihi/config';
import { LIMITS } from '@hihi/contracts';
import { exitWithParent } from '@hihi/common/lifecycle';
import { strictValidationPipe, verifyJsonBody } from '@hihi/dto';
import { GatewayModule } from './gateway.module';
import { HttpErrorFilter } from './common/http-error.filter';
import { serveWebApp } from './common/web-app';
import { OriginPolicy } from './auth/origin-policy';

/**
 * Content-Security-Policy of the web app: nothing but our own origin. `connect-src` is `'self'`
 * (which covers ws:/wss: to our own host) plus the configured origins (PUBLIC_ORIGIN,
 * CORS_ORIGIN) and their WebSocket forms — never a scheme-only source such as `wss:`.
 * `img-src` allows `blob:`: attachments need the bearer token, so the client fetches them and
 * shows them from object URLs it created itself (docs/api.md "Uploads").
 */
export function cspDirectives(configuredOrigins: readonly string[] = []): Record<string, string[]> {
  const sockets = configuredOrigins.map((o) => o.replace(/^http/, 'ws'));
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:', 'blob:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'", ...configuredOrigins, ...sockets],
    // the one service worker (/push-sw.js) and the web app manifest, named rather than left to default-src
    workerSrc: ["'self'"],
    manifestSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  };
}

/** Requests for a Host name the gateway does not answer to (DNS rebinding): 421, SPEC error shape. */
function refuseForeignHosts(app: NestExpressApplication, policy: OriginPolicy): void {
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (policy.hostAllowed(req.headers.host)) return next();
    res.statusCode = 421;
    res.setHeader('content-type', 'application/json; charset=utf-8');
    res.end(
      JSON.stringify({
        statusCode: 421,
        error: 'Misdirected Request',
        message: 'this server does not answer to that host name (its operator can set PUBLIC_ORIGIN)',
        correlationId: randomUUID(),
      }),
    );
  });
}

export async function createGateway(config: GatewayConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.register(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');
  const origins = app.get(OriginPolicy);
  refuseForeignHosts(app, origins);
  app.use(
    helmet({ contentSecurityPolicy: { useDefaults: false, directives: cspDirectives(origins.configuredOrigins) } }),
  );
  // raw bytes checked before JSON.parse: valid UTF-8, nesting depth (docs/api.md "Validation")
  app.useBodyParser('json', { limit: LIMITS.httpBodyBytes, strict: true, verify: verifyJsonBody });
  // incoming webhooks also take Slack's form body (payload=<JSON>); only there (SPEC §9)
  app.use('/api/hooks', urlencoded({ limit: LIMITS.httpBodyBytes, extended: false, parameterLimit: 20 }));
  app.useGlobalFilters(new HttpErrorFilter());
  app.useGlobalPipes(strictValidationPipe());
  if (origins.corsOrigins.length) app.enableCors({ origin: [...origins.corsOrigins] });
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
