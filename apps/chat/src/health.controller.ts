import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { Response } from 'express';
import { BusResult, CHAT_PATTERNS, PingReply } from '@hihi/contracts';
import { ok } from '@hihi/common';
import { DatabaseLifecycle } from './database/database';

/** chat's ping over the bus and GET /health on its own port: both report PostgreSQL. */
@Controller()
export class ChatHealthController {
  constructor(private readonly database: DatabaseLifecycle) {}

  @MessagePattern(CHAT_PATTERNS.ping)
  async ping(): Promise<BusResult<PingReply>> {
    return ok({ service: 'chat', pid: process.pid, postgres: await this.database.health() });
  }

  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const postgres = await this.database.health();
    res
      .status(postgres.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ service: 'chat', postgres });
  }
}
