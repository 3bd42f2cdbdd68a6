import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { AuthModule } from '../auth/auth.module';
import { UploadsModule } from '../uploads/uploads.module';
import { AccountController } from './account.controller';
import { PushController } from './push.controller';
import { MailController } from './mail.controller';
import { AccountGatewayService } from './account.service';

/** One's own account at the gateway (SPEC §10): /api/me (PATCH, DELETE), avatar, password, sessions, export. */
@Module({
  // avatars are read into memory only (no `storage`/`dest`); the size limit is the route's own
  imports: [AuthModule, UploadsModule, MulterModule.register({ defParamCharset: 'utf8' })],
  controllers: [AccountController, PushController, MailController],
  providers: [AccountGatewayService],
})
export class AccountModule {}
