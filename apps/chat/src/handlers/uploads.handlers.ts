import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Attachment, BusResult, UploadOpenReply, UploadsSweepReply } from '@hihi/contracts';
import { Handles, ok, openRequest } from '@hihi/common/bus';
import { UploadsService } from '../uploads/uploads.service';
import { openCommand } from './open';

/** Chat's bus handlers of uploads' metadata. */
@Controller()
export class UploadsHandlers {
  constructor(private readonly uploads: UploadsService) {}

  @Handles('uploadCreate')
  async create(@Payload() env: unknown): Promise<BusResult<Attachment>> {
    const { actor, data } = openCommand('uploadCreate', env);
    return ok(await this.uploads.create(actor, data));
  }

  @Handles('uploadOpen')
  async open(@Payload() env: unknown): Promise<BusResult<UploadOpenReply>> {
    const { actor, data } = openCommand('uploadOpen', env);
    return ok(await this.uploads.open(actor, data.id));
  }

  /** From a gateway's periodic sweep: no caller. */
  @Handles('uploadsSweep')
  async sweep(@Payload() env: unknown): Promise<BusResult<UploadsSweepReply>> {
    const { data } = openRequest('uploadsSweep', env, { actor: 'optional' });
    return ok({ storageKeys: await this.uploads.sweep(data.olderThanSec) });
  }
}
