import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ChatGatewayModule } from '../chat/chat-gateway.module';
import { AdminController, PasswordResetController } from './admin.controller';

/** /api/admin/* and POST /api/auth/reset (SPEC §8), forwarded to auth (and chat's figures of the stats to chat). */
@Module({
  imports: [AuthModule, ChatGatewayModule],
  controllers: [AdminController, PasswordResetController],
})
export class AdminModule {}
