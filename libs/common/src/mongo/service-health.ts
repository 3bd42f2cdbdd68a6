import { Controller, Get, HttpStatus, Res, Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { InjectConnection } from '@nestjs/mongoose';
import type { Response } from 'express';
import type { Connection } from 'mongoose';
import { BusResult, PingReply } from '@hihi/contracts';
import { ok } from '../bus';
import { mongoHealth } from './mongo';

/**
 * The health controller of a microservice: answers its ping over the bus (reporting its own
 * database connection) and GET /health on its own HTTP port, for container health checks.
 */
export function serviceHealthController(service: PingReply['service'], pingPattern: string): Type<unknown> {
  @Controller()
  class ServiceHealthController {
    constructor(@InjectConnection() private readonly conn: Connection) {}

    @MessagePattern(pingPattern)
    async ping(): Promise<BusResult<PingReply>> {
      return ok({ service, pid: process.pid, mongo: await mongoHealth(this.conn) });
    }

    @Get('health')
    async health(@Res() res: Response): Promise<void> {
      const mongo = await mongoHealth(this.conn);
      res.status(mongo.status === 'up' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json({ service, mongo });
    }
  }
  return ServiceHealthController;
}
