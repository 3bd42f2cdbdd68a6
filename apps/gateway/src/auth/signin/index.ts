import { MfaController } from './mfa.controller';
import { PasskeysController } from './passkeys.controller';
import { OidcController } from './oidc.controller';
import { OidcService } from './oidc.service';
import { SigninPolicy } from './signin-policy';

/** Two-factor, passkeys and single sign-on at the gateway: spread into AuthModule. */
export const SIGNIN_CONTROLLERS = [MfaController, PasskeysController, OidcController];
export const SIGNIN_PROVIDERS = [SigninPolicy, OidcService];
