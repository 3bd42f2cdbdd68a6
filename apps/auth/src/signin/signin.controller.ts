import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AuthTokens,
  BusResult,
  MfaStatus,
  NoData,
  PasskeyInfo,
  RecoveryCodes,
  TotpEnrolment,
  WebAuthnOptionsJson,
} from '@hihi/contracts';
import { Handles, ok } from '@hihi/common/bus';
import {
  MeDto,
  MfaLoginDto,
  OidcIdentityDto,
  PasskeyLoginBusDto,
  PasskeyRegisterBusDto,
  PasskeyRegOptionsBusDto,
  PasskeyRemoveBusDto,
  RelyingPartyDto,
  TotpConfirmBusDto,
  TotpDisableBusDto,
} from '@hihi/dto';
import { AuthService } from '../auth.service';
import { MfaService } from './mfa.service';
import { PasskeysService } from './passkeys.service';
import { OidcAccountsService } from './oidc-accounts.service';

/** Bus handlers of two-factor, passkeys and single sign-on (SIGNIN_PROTOCOL). */
@Controller()
export class SigninController {
  constructor(
    private readonly auth: AuthService,
    private readonly mfa: MfaService,
    private readonly passkeys: PasskeysService,
    private readonly oidc: OidcAccountsService,
  ) {}

  @Handles('authMfaStatus')
  async status(@Payload('data') dto: MeDto): Promise<BusResult<MfaStatus>> {
    return ok(await this.mfa.status(dto.userId));
  }

  @Handles('authTotpEnrol')
  async enrol(@Payload('data') dto: MeDto): Promise<BusResult<TotpEnrolment>> {
    return ok(await this.mfa.enrol(dto.userId));
  }

  @Handles('authTotpConfirm')
  async confirm(@Payload('data') dto: TotpConfirmBusDto): Promise<BusResult<RecoveryCodes>> {
    return ok(await this.mfa.confirm(dto.userId, dto.code));
  }

  @Handles('authTotpDisable')
  async disable(@Payload('data') dto: TotpDisableBusDto): Promise<BusResult<NoData>> {
    await this.mfa.disable(dto.userId, dto.password, dto.code);
    return ok({});
  }

  /** The second step of a password sign-in: a session as a one-step sign-in would have made. */
  @Handles('authLoginMfa')
  async loginMfa(@Payload('data') dto: MfaLoginDto): Promise<BusResult<AuthTokens>> {
    const { user, rememberMe } = await this.mfa.complete(dto);
    return ok(await this.auth.startSession(user, rememberMe));
  }

  @Handles('authPasskeyRegOptions')
  async regOptions(@Payload('data') dto: PasskeyRegOptionsBusDto): Promise<BusResult<WebAuthnOptionsJson>> {
    return ok(await this.passkeys.registrationOptions(dto.userId, dto));
  }

  @Handles('authPasskeyRegister')
  async register(@Payload('data') dto: PasskeyRegisterBusDto): Promise<BusResult<PasskeyInfo>> {
    return ok(await this.passkeys.register(dto.userId, dto, dto.credential, dto.name));
  }

  @Handles('authPasskeyList')
  async list(@Payload('data') dto: MeDto): Promise<BusResult<PasskeyInfo[]>> {
    return ok(await this.passkeys.list(dto.userId));
  }

  @Handles('authPasskeyRemove')
  async remove(@Payload('data') dto: PasskeyRemoveBusDto): Promise<BusResult<NoData>> {
    await this.passkeys.remove(dto.userId, dto.id);
    return ok({});
  }

  @Handles('authPasskeyLoginOptions')
  async loginOptions(@Payload('data') dto: RelyingPartyDto): Promise<BusResult<WebAuthnOptionsJson>> {
    return ok(await this.passkeys.loginOptions(dto));
  }

  /** A passkey is possession plus user verification: no second factor is asked after it. */
  @Handles('authPasskeyLogin')
  async passkeyLogin(@Payload('data') dto: PasskeyLoginBusDto): Promise<BusResult<AuthTokens>> {
    const user = await this.passkeys.login(dto, dto.credential);
    return ok(await this.auth.startSession(user, dto.rememberMe === true));
  }

  @Handles('authOidcSignIn')
  async oidcSignIn(@Payload('data') dto: OidcIdentityDto): Promise<BusResult<AuthTokens>> {
    const user = await this.oidc.signIn(dto);
    return ok(await this.auth.startSession(user, false));
  }
}
