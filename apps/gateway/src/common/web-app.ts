import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import { NestExpressApplication } from '@nestjs/platform-express';

const NOT_APP = /^\/(api|socket\.io|metrics)(\/|$)/;

/** Serve the built Angular app at `/`, with index.html for client-side routes. */
export function serveWebApp(app: NestExpressApplication, dir: string): void {
  const root = resolve(dir);
  const index = join(root, 'index.html');
  app.use(express.static(root, { index: false, maxAge: '1h', fallthrough: true }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || NOT_APP.test(req.path) || !existsSync(index)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
