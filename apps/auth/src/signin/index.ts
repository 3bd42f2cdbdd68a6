import { ModelDefinition } from '@nestjs/mongoose';
import { Provider } from '@nestjs/common';
import {
  OidcLink,
  OidcLinkSchema,
  Passkey,
  PasskeySchema,
  RecoveryCode,
  RecoveryCodeSchema,
  TotpFactor,
  TotpFactorSchema,
  WebAuthnChallenge,
  WebAuthnChallengeSchema,
} from './signin.schema';
import { MfaService } from './mfa.service';
import { PasskeysService } from './passkeys.service';
import { OidcAccountsService } from './oidc-accounts.service';
import { SECOND_FACTOR } from './second-factor';
import { FactorAudit } from './factor-audit';
import { SigninController } from './signin.controller';

/** Two-factor, passkeys and single sign-on in the auth service: spread into AuthAppModule. */
export const SIGNIN_MODELS: ModelDefinition[] = [
  { name: TotpFactor.name, schema: TotpFactorSchema },
  { name: RecoveryCode.name, schema: RecoveryCodeSchema },
  { name: Passkey.name, schema: PasskeySchema },
  { name: WebAuthnChallenge.name, schema: WebAuthnChallengeSchema },
  { name: OidcLink.name, schema: OidcLinkSchema },
];
export const SIGNIN_PROVIDERS: Provider[] = [
  FactorAudit,
  MfaService,
  PasskeysService,
  OidcAccountsService,
  { provide: SECOND_FACTOR, useExisting: MfaService },
];
export const SIGNIN_CONTROLLERS = [SigninController];
