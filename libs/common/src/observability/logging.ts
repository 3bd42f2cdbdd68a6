import { LoggerModule, Params } from 'nestjs-pino';
import { DynamicModule } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { CORRELATION_HEADER, correlationIdFrom } from './correlation';

/** Paths never to log: secrets in bodies and headers. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  '*.password',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
];

/** Structured JSON logs (pino) for one service, with the correlation id as the request id; pino-pretty on a TTY. */
export function loggerModule(service: string, level: string): DynamicModule {
  const params: Params = {
    pinoHttp: {
      level,
      // readable on a terminal; one JSON object per line otherwise (npm start pretty-prints those itself)
      ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
      base: { service },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      genReqId: (req: IncomingMessage) => {
        const r = req as IncomingMessage & { correlationId?: string };
        r.correlationId ??= correlationIdFrom(req.headers[CORRELATION_HEADER]);
        return r.correlationId;
      },
      // every line logged while handling a request carries its correlation id
      customProps: (req: IncomingMessage) => ({
        correlationId: (req as IncomingMessage & { correlationId?: string }).correlationId,
      }),
      autoLogging: { ignore: (req) => req.url === '/api/health' || req.url === '/metrics' },
      serializers: {
        req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
  return LoggerModule.forRoot(params);
}
