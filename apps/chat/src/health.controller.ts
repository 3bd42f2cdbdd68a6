import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { Response } from 'express';
import { BusResult, CHAT_PATTERNS, PingReply } from '@hihi/contracts';
import { ok } from '@hihi/common';
import { DatabaseLifecycle } from './database/database';
import { ReadReplica } from './database/read-replica';

/** chat's ping over the bus and GET /health on its own port: both report PostgreSQL. */
@Controller()
export class ChatHealthController {
  constructor(
    private readonly database: DatabaseLifecycle,
    private readonly replica: ReadReplica,
  ) {}

  @MessagePattern(CHAT_PATTERNS.ping)
  async ping(): Promise<BusResult<PingReply>> {
    const [postgres, postgresReplica] = await Promise.all([this.database.health(), this.replica.health()]);
    return ok({ service: 'chat', pid: process.pid, postgres, ...(postgresReplica ? { postgresReplica } : {}) });
  }

  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const [postgres, postgresReplica] = await Promise.all([this.database.health(), this.replica.health()]);
    res
      .status(postgres.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
      .json({ service: 'chat', postgres, ...(postgresReplica ? { postgresReplica } : {}) });
  }
}
