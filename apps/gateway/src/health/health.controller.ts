import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { HealthService } from './health.service';
import { CorrelationId } from '../common/correlation-id.decorator';

@Controller('api/health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** 200 when redis, mongo, auth and chat are all up; 503 naming what is down. */
  @Get()
  async get(@CorrelationId() correlationId: string, @Res() res: Response): Promise<void> {
    const report = await this.health.check(correlationId);
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
  }
}
