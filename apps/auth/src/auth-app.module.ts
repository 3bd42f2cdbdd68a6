import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuthConfig, TypedConfigModule } from '@hihi/config';
import { loggerModule } from '@hihi/common/observability';
import { serviceHealthController } from '@hihi/common/mongo';
import { AUTH_PATTERNS } from '@hihi/contracts';
import { User, UserSchema } from './users/user.schema';
import { UsersRepository } from './users/users.repository';
import { RefreshClaim, RefreshClaimSchema, Session, SessionSchema } from './sessions/session.schema';
import { SessionsRepository } from './sessions/sessions.repository';
import { RevocationPublisher } from './sessions/revocation.publisher';
import { PasswordService } from './passwords/password.service';
import { AuthService } from './auth.service';
import { RolesService } from './roles/roles.service';
import { ServerFlag, ServerFlagSchema } from './roles/server-flag.schema';
import { AdminController } from './admin/admin.controller';
import { ADMIN_MODELS, ADMIN_PROVIDERS } from './admin/admin.providers';
import { AuthController } from './auth.controller';
import { AccountController } from './account/account.controller';
import { AccountService } from './account/account.service';
import { MailerService } from './mail/mailer.service';
import { AccountMailService } from './mail/account-mail.service';
import { MailController } from './mail/mail.controller';
import { EmailVerificationRecord, EmailVerificationSchema } from './mail/email-verification.schema';
import { SIGNIN_CONTROLLERS, SIGNIN_MODELS, SIGNIN_PROVIDERS } from './signin';
import { INTEGRATION_CONTROLLERS, INTEGRATION_MODELS, INTEGRATION_PROVIDERS } from './integrations';

@Module({})
export class AuthAppModule {
  static register(config: AuthConfig): DynamicModule {
    return {
      module: AuthAppModule,
      imports: [
        TypedConfigModule.forRoot(AuthConfig, config),
        loggerModule('auth', config.LOG_LEVEL),
        MongooseModule.forRoot(config.MONGO_URL, { serverSelectionTimeoutMS: 5000, retryAttempts: 2 }),
        MongooseModule.forFeature([
          { name: User.name, schema: UserSchema },
          { name: Session.name, schema: SessionSchema },
          { name: RefreshClaim.name, schema: RefreshClaimSchema },
          { name: ServerFlag.name, schema: ServerFlagSchema },
          { name: EmailVerificationRecord.name, schema: EmailVerificationSchema },
          ...ADMIN_MODELS,
          ...SIGNIN_MODELS,
          ...INTEGRATION_MODELS,
        ]),
      ],
      controllers: [
        serviceHealthController('auth', AUTH_PATTERNS.ping),
        AuthController,
        AdminController,
        AccountController,
        MailController,
        ...SIGNIN_CONTROLLERS,
        ...INTEGRATION_CONTROLLERS,
      ],
      providers: [
        UsersRepository,
        SessionsRepository,
        PasswordService,
        RevocationPublisher,
        RolesService,
        AuthService,
        AccountService,
        MailerService,
        AccountMailService,
        ...ADMIN_PROVIDERS,
        ...SIGNIN_PROVIDERS,
        ...INTEGRATION_PROVIDERS,
      ],
    };
  }
}
