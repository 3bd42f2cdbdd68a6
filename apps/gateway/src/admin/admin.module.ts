import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { AdminController, PasswordResetController } from './admin.controller';

/** /api/admin/* and POST /api/auth/reset (SPEC §8), forwarded to auth. */
@Module({
  imports: [AuthModule],
  controllers: [AdminController, PasswordResetController],
})
export class AdminModule {}
